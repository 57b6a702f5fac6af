"""`e`: export from the console, through the same module as `triage export`."""

from __future__ import annotations

import time
from pathlib import Path
from typing import TYPE_CHECKING, cast

from rich.text import Text
from textual import work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Grid, Vertical
from textual.screen import ModalScreen
from textual.widgets import Button, Checkbox, Input, Label, Select, Static

from triage.export import FORMATS, ExportError, ExportFilter, PseudonymKeyError, count_selected, run_export
from triage.store import Store
from triage.store.queries import LABEL_STATES, QueueFilter, author_handles

if TYPE_CHECKING:
    from textual import getters

    from .console_app import ConsoleApp

SCOPES = (("labeled posts matching the queue's filter", "filter"), ("every labeled post", "labeled"))


def export_filter(flt: QueueFilter, handles: list[str], marked: set[int] | None, scope: str) -> ExportFilter:
    """The queue's filter (or the marked posts) as an export selection."""
    if scope == "marked" and marked:
        return ExportFilter(post_ids=tuple(sorted(marked)))
    if scope == "labeled":
        return ExportFilter()
    dispositions = () if flt.label_state in LABEL_STATES else (flt.label_state,)
    return ExportFilter(label_state="labeled", dispositions=dispositions, indicators=flt.indicators,
                        sources=(flt.source,) if flt.source else (), authors=tuple(handles), since=flt.since,
                        until=flt.until, min_score=flt.min_score)


class GlyphCheckbox(Checkbox):
    """Checked `✓`, unchecked blank: Textual's box shows an `X` either way and tells them apart by
    colour alone, which NO_COLOR and monochrome terminals lose."""

    @property
    def BUTTON_INNER(self) -> str:  # type: ignore[override]  # ToggleButton reads it on every render
        return "✓" if self.value else " "


class ExportDialog(ModalScreen[None]):
    if TYPE_CHECKING:  # self.app is the TriageApp; Textual types it App[Any]
        app = getters.app(ConsoleApp)

    BINDINGS = [Binding("escape", "close", "Close", id="export.close"),
                Binding("ctrl+s", "run", "Export", id="export.run")]

    def __init__(self, flt: QueueFilter, marked: set[int]) -> None:
        super().__init__()
        self.flt = flt
        self.marked = set(marked)

    def compose(self) -> ComposeResult:
        scopes = ([(f"the {len(self.marked)} marked posts", "marked")] if self.marked else []) + list(SCOPES)
        stamp = time.strftime("%Y%m%d-%H%M%S")
        with Vertical(id="export-box", classes="dialog"):
            yield Label("Export (tab moves · ctrl+s exports · esc closes)", markup=False)
            with Grid(id="export-grid"):
                yield Label("posts")
                yield Select(scopes, allow_blank=False, value=scopes[0][1], id="x-scope")
                yield Label("format")
                yield Select([(f, f) for f in FORMATS], allow_blank=False, value="jsonl", id="x-format")
                yield Label("directory")
                yield Input(value=str(Path.cwd() / "exports" / f"export-{stamp}"), id="x-out")
                yield Label("")
                yield GlyphCheckbox("pseudonymize (handles → keyed HMAC, @mentions and urls masked)", id="x-pseudo")
            yield Static("", id="export-count")
            yield Static("", id="export-result")
            yield Button("Export", id="x-run", variant="primary")

    def on_mount(self) -> None:
        self._update_count()

    def on_select_changed(self, event: Select.Changed) -> None:
        if event.select.id == "x-scope":
            self._update_count()

    def _selection(self) -> ExportFilter:
        app = self.app
        handles = author_handles(app.reader.conn, self.flt.author_ids)
        scope = cast(str, self.query_one("#x-scope", Select).value)  # allow_blank=False: never Select.BLANK
        return export_filter(self.flt, handles, self.marked, scope)

    def _update_count(self) -> None:
        try:
            n = count_selected(self.app.reader, self._selection())
            self.query_one("#export-count", Static).update(Text(f"{n:,} posts selected"))
        except ExportError as exc:
            self.query_one("#export-count", Static).update(Text(str(exc)))

    def on_button_pressed(self, event: Button.Pressed) -> None:
        self.action_run()

    def action_run(self) -> None:
        self.query_one("#export-result", Static).update(Text("exporting…"))
        self._export(self._selection(), self.query_one("#x-format", Select).value,
                     self.query_one("#x-out", Input).value.strip(), self.query_one("#x-pseudo", Checkbox).value)

    @work(thread=True, exclusive=True)
    def _export(self, selection: ExportFilter, fmt: str, out: str, pseudonymize: bool) -> None:
        try:
            with Store.open(self.app.db_path) as store:  # its own connection: this is a worker thread
                result = run_export(store, fmt, out, selection, analyst=self.app.analyst, pseudonymize=pseudonymize)
            message = Text(f"wrote {result.posts:,} posts to {result.directory} (manifest.json, audit #{result.audit_id})")
        except (ExportError, PseudonymKeyError, OSError) as exc:  # one line that says what to do
            message = Text(f"export failed: {exc}", style="bold")
        self.app.call_from_thread(self.query_one("#export-result", Static).update, message)

    def action_close(self) -> None:
        self.dismiss(None)
