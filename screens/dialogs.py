"""Modal dialogs of the queue: note, indicator verdicts, filter."""

from __future__ import annotations

from datetime import datetime, timezone

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Grid, Vertical
from textual.screen import ModalScreen
from textual.widgets import Button, Input, Label, OptionList, Select, Static, TextArea
from textual.widgets.option_list import Option

from triage.indicators import BY_ID, INDICATORS
from triage.sanitize import sanitize
from triage.store.queries import LABEL_STATES, SORTS, PostDetail, QueueFilter

# The verdict column of the verdict dialog; None (no verdict yet) shows a dash.
VERDICT_CELL: dict[int | None, str] = {1: "✓ confirmed", 0: "✗ rejected"}


class NoteDialog(ModalScreen[str | None]):
    """A multi-line note. ctrl+s saves, escape cancels."""

    BINDINGS = [
        Binding("ctrl+s", "save", "Save note", id="note.save"),
        Binding("escape", "cancel", "Cancel", id="note.cancel"),
    ]

    def __init__(self, post_id: int) -> None:
        super().__init__()
        self.post_id = post_id

    def compose(self) -> ComposeResult:
        with Vertical(id="note-box", classes="dialog"):
            yield Label(f"Note on post #{self.post_id}  (ctrl+s save · esc cancel)", markup=False)
            yield TextArea(id="note-text", soft_wrap=True, show_line_numbers=False)

    def on_mount(self) -> None:
        self.query_one(TextArea).focus()

    def action_save(self) -> None:
        body = self.query_one(TextArea).text.strip()
        self.dismiss(body or None)

    def action_cancel(self) -> None:
        self.dismiss(None)


class GotoDialog(ModalScreen[int | None]):
    """`:` or `#`: a post id to show. Enter goes, escape cancels."""

    BINDINGS = [Binding("escape", "cancel", "Cancel", id="goto.cancel")]

    def compose(self) -> ComposeResult:
        with Vertical(id="goto-box", classes="dialog"):
            yield Label("Go to post #  (enter go · esc cancel)", markup=False)
            yield Input(placeholder="post id", id="goto-id", restrict=r"#?[0-9]*")
            yield Label("", id="goto-error", markup=False)

    def on_mount(self) -> None:
        self.query_one(Input).focus()

    def on_input_submitted(self, event: Input.Submitted) -> None:
        value = event.value.strip().lstrip("#")
        if not value.isdigit() or int(value) <= 0:
            self.query_one("#goto-error", Label).update("a post id is a whole number, e.g. 42")
            return
        self.dismiss(int(value))

    def action_cancel(self) -> None:
        self.dismiss(None)


class VerdictDialog(ModalScreen[list[tuple[str, int | None]]]):
    """Confirm (y), reject (x) or clear (c) each indicator; add one the detector missed."""

    BINDINGS = [
        Binding("y", "set(1)", "Confirm", id="verdict.confirm"),
        Binding("x", "set(0)", "Reject", id="verdict.reject"),
        Binding("c", "set(None)", "Clear", id="verdict.clear"),
        Binding("j", "cursor_down", "Down", show=False, id="verdict.down"),
        Binding("k", "cursor_up", "Up", show=False, id="verdict.up"),
        Binding("escape,enter,v", "done", "Done", id="verdict.done"),
    ]

    def __init__(self, detail: PostDetail) -> None:
        super().__init__()
        self.detail = detail
        self.current = dict(detail.verdicts)
        self.changes: list[tuple[str, int | None]] = []
        self.detected = {h.indicator: max(x.score for x in detail.hits if x.indicator == h.indicator)
                         for h in detail.hits}

    def _option(self, indicator: str) -> Option:
        found = f"detected {self.detected[indicator]:.2f}" if indicator in self.detected else "not detected"
        verdict = VERDICT_CELL.get(self.current.get(indicator), "  —")
        text = Text(f"{BY_ID[indicator].badge} {indicator:<22} {found:<15} {verdict}")
        return Option(text, id=indicator)

    def compose(self) -> ComposeResult:
        with Vertical(id="verdict-box", classes="dialog"):
            yield Label(f"Indicator verdicts for post #{self.detail.id}: y confirm · x reject · c clear · esc done",
                        markup=False)
            yield OptionList(*[self._option(i) for i in INDICATORS], id="verdict-list")

    def on_mount(self) -> None:
        self.query_one(OptionList).focus()

    def action_cursor_down(self) -> None:
        self.query_one(OptionList).action_cursor_down()

    def action_cursor_up(self) -> None:
        self.query_one(OptionList).action_cursor_up()

    def action_set(self, value: int | None) -> None:
        options = self.query_one(OptionList)
        if options.highlighted is None:
            return
        indicator = INDICATORS[options.highlighted]
        if self.current.get(indicator) == value:
            return
        self.current[indicator] = value
        self.changes.append((indicator, value))
        options.replace_option_prompt_at_index(options.highlighted, self._option(indicator).prompt)

    def action_done(self) -> None:
        self.dismiss(self.changes)


def _parse_day(value: str, field: str) -> int | None:
    value = value.strip()
    if not value:
        return None
    try:
        dt = datetime.fromisoformat(value)
    except ValueError:
        raise ValueError(f"{field}: {value!r} is not a date (YYYY-MM-DD)") from None
    if dt.tzinfo is None:
        dt = dt.replace(tzinfo=timezone.utc)
    return int(dt.timestamp())


class FilterDialog(ModalScreen[QueueFilter | None]):
    BINDINGS = [
        Binding("escape", "cancel", "Cancel", id="filter.cancel"),
        Binding("ctrl+s", "apply", "Apply", id="filter.apply"),
    ]

    def __init__(self, flt: QueueFilter, sources: list[str], dispositions: tuple[str, ...]) -> None:
        super().__init__()
        self.flt = flt
        self.sources = sources
        self.dispositions = dispositions

    def compose(self) -> ComposeResult:
        f = self.flt
        blank = Select.NULL
        with Vertical(id="filter-box", classes="dialog"):
            yield Label("Filter the queue (tab moves · enter/ctrl+s applies · esc cancels)", markup=False)
            with Grid(id="filter-grid"):
                yield Label("posts")
                yield Select([("flagged only", "flagged"), ("all posts", "all")], allow_blank=False,
                             value="flagged" if f.flagged_only else "all", id="f-scope")
                yield Label("label")
                yield Select([(s, s) for s in (*LABEL_STATES, *self.dispositions)], allow_blank=False,
                             value=f.label_state, id="f-label")
                yield Label("indicator")
                yield Select([(i, i) for i in INDICATORS], value=f.indicators[0] if f.indicators else blank,
                             id="f-indicator", prompt="any")
                yield Label("source")
                yield Select([(Text(sanitize(s)), s) for s in self.sources], value=f.source if f.source else blank,
                             id="f-source", prompt="any")
                yield Label("since")
                yield Input(placeholder="YYYY-MM-DD", id="f-since",
                            value=datetime.fromtimestamp(f.since, timezone.utc).date().isoformat() if f.since else "")
                yield Label("until")
                yield Input(placeholder="YYYY-MM-DD", id="f-until",
                            value=datetime.fromtimestamp(f.until, timezone.utc).date().isoformat() if f.until else "")
                yield Label("min score")
                yield Input(placeholder="0.0-1.0", id="f-score",
                            value="" if f.min_score is None else f"{f.min_score:g}")
                yield Label("sort")
                yield Select([(s, s) for s in SORTS], allow_blank=False, value=f.sort, id="f-sort")
            yield Static("", id="filter-error")
            yield Button("Apply", id="f-apply", variant="primary")

    def on_button_pressed(self, event: Button.Pressed) -> None:
        self.action_apply()

    def on_input_submitted(self, event: Input.Submitted) -> None:
        self.action_apply()

    def action_apply(self) -> None:
        def value(widget_id: str):
            v = self.query_one(f"#{widget_id}", Select).value
            return None if v is Select.NULL else v

        try:
            score_text = self.query_one("#f-score", Input).value.strip()
            min_score = float(score_text) if score_text else None
            if min_score is not None and not 0 <= min_score <= 1:
                raise ValueError("min score: give a number from 0 to 1")
            indicator = value("f-indicator")
            flt = QueueFilter(
                flagged_only=value("f-scope") == "flagged", label_state=value("f-label") or "any",
                indicators=(indicator,) if indicator else (), source=value("f-source"),
                author_ids=self.flt.author_ids,
                since=_parse_day(self.query_one("#f-since", Input).value, "since"),
                until=_parse_day(self.query_one("#f-until", Input).value, "until"),
                min_score=min_score, search=self.flt.search, sort=value("f-sort") or "risk",
            )
        except ValueError as exc:
            self.query_one("#filter-error", Static).update(Text(str(exc)))
            return
        self.dismiss(flt)

    def action_cancel(self) -> None:
        self.dismiss(None)


class ConfirmDialog(ModalScreen[bool]):
    """A yes/no question (``y`` yes, ``n`` or escape no), e.g. labeling a post another analyst
    has open."""

    BINDINGS = [
        Binding("y", "answer(True)", "Yes", id="confirm.yes"),
        Binding("n,escape", "answer(False)", "No", id="confirm.no"),
    ]

    def __init__(self, question: str) -> None:
        super().__init__()
        self.question = question

    def compose(self) -> ComposeResult:
        with Vertical(id="confirm-box", classes="dialog"):
            yield Static(Text(self.question))  # the question quotes analyst names: a Text, never markup
            yield Label("y yes · n no", markup=False)

    def action_answer(self, yes: bool) -> None:
        self.dismiss(yes)
