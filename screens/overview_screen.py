"""The overview: the big picture at a glance. Every line opens the matching queue or author."""

from __future__ import annotations

from typing import TYPE_CHECKING

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.screen import Screen
from textual.widgets import Footer, OptionList, Static
from textual.widgets.option_list import Option

from triage.analytics import Overview, overview
from triage.indicators import BY_ID
from triage.sanitize import clip, sanitize
from triage.store.queries import QueueFilter

if TYPE_CHECKING:
    from textual import getters

    from .console_app import ConsoleApp

# Intensity by glyph, not only by colour: readable on a 16-colour or NO_COLOR terminal.
SHADES = " ·░▒▓█"
WEEK = 7 * 24 * 3600


def shade(count: int, peak: int) -> str:
    if count <= 0 or peak <= 0:
        return SHADES[0]
    return SHADES[min(len(SHADES) - 1, 1 + int((len(SHADES) - 2) * count / peak))]


def overview_options(ov: Overview, width: int) -> list[Option | None]:
    cols = max(4, min(len(ov.weeks), (width - 28) // 2))
    weeks = ov.weeks[-cols:]
    options: list[Option | None] = [Option(Text(f"indicators × week (last {len(weeks)} weeks, "
                                                 f"{weeks[0] if weeks else '—'} … {weeks[-1] if weeks else '—'})",
                                                 style="bold"), disabled=True)]
    for row in ov.heatmap:
        counts = row.counts[-cols:]
        peak = max(counts) if counts else 0
        cells = " ".join(shade(c, peak) for c in counts)
        label = Text(f"{BY_ID[row.indicator].badge} {row.indicator:<22} ")
        label.append(cells)
        label.append(f"  {sum(counts):>5}")
        options.append(Option(label, id=f"ind:{row.indicator}"))
    options.append(None)
    options.append(Option(Text("source          posts  flagged  unreviewed", style="bold"), disabled=True))
    for s in ov.sources:
        options.append(Option(Text(f"{clip(s.source, 14):<14} {s.posts:>7,} {s.flagged:>8,} {s.unreviewed:>11,}"),
                              id=f"src:{s.source}"))
    options.append(None)
    options.append(Option(Text("highest-risk authors         risk  flagged  latest change", style="bold"),
                          disabled=True))
    for a in ov.top_authors:
        change = sanitize(a.latest_change.describe()) if a.latest_change else "—"
        options.append(Option(Text(f"{clip('@' + a.author.handle, 26):<26} {a.risk:5.2f} {a.flagged:>8}  "
                                   + clip(change, max(10, width - 50))), id=f"author:{a.author.id}"))
    options.append(None)
    trend = ov.trending
    options.append(Option(Text(f"trending in {trend.week or '—'} (posts · ratio to baseline)", style="bold"),
                          disabled=True))
    for item in trend.items[:10]:
        options.append(Option(Text(f"{clip(item.term, 30):<30} {item.posts:>5} · ×{item.ratio:.1f}"),
                              id=f"term:{item.term}"))
    if not trend.items:
        options.append(Option(Text(sanitize(trend.reason or "nothing spikes this week"), style="dim"),
                              disabled=True))
    return options


class OverviewScreen(Screen):
    if TYPE_CHECKING:  # self.app is the TriageApp; Textual types it App[Any]
        app = getters.app(ConsoleApp)

    BINDINGS = [
        Binding("j", "cursor(1)", "Down", show=False, id="overview.down"),
        Binding("k", "cursor(-1)", "Up", show=False, id="overview.up"),
        Binding("r", "reload", "Reload", id="overview.reload"),
        Binding("w", "concern", "Concern", id="overview.concern"),
        Binding("question_mark", "help", "Help", id="overview.help"),
        Binding("q,escape", "back", "Back", id="overview.back"),
    ]

    def compose(self) -> ComposeResult:
        yield Static(Text(" triage · overview (enter opens the line's queue or author)", style="bold"),
                     id="title-bar")
        yield OptionList(id="overview-list")
        yield Footer(compact=True)

    def on_mount(self) -> None:
        self.action_reload()
        self.query_one(OptionList).focus()

    def action_reload(self) -> None:
        self.data = overview(self.app.reader)
        options = self.query_one(OptionList)
        options.clear_options()
        options.add_options(overview_options(self.data, self.size.width or 80))
        first = next((i for i in range(options.option_count) if not options.get_option_at_index(i).disabled), None)
        options.highlighted = first

    def action_cursor(self, delta: int) -> None:
        options = self.query_one(OptionList)
        (options.action_cursor_down if delta > 0 else options.action_cursor_up)()

    def on_option_list_option_selected(self, event: OptionList.OptionSelected) -> None:
        kind, _, value = (event.option.id or "").partition(":")
        app = self.app
        if kind == "ind":
            since = self.data.week_starts[-8] if len(self.data.week_starts) >= 8 else None
            app.open_queue(QueueFilter(flagged_only=False, label_state="any", indicators=(value,), since=since,
                                       sort="time"), title=f"indicator {value}")
        elif kind == "src":
            app.open_queue(QueueFilter(source=value), title=f"source {sanitize(value)}")
        elif kind == "author":
            app.open_author(int(value))
        elif kind == "term":
            term = value.lstrip("#")
            query = '"' + term.replace('"', '""') + '"'  # a phrase: the term as it is, never FTS syntax
            app.open_queue(QueueFilter(flagged_only=False, label_state="any", search=query, sort="time"),
                           title=f"trending {sanitize(value)}")

    def action_concern(self) -> None:
        self.app.open_concern()

    def action_help(self) -> None:
        from .help_screen import HelpScreen

        self.app.push_screen(HelpScreen(self))

    def action_back(self) -> None:
        self.app.pop_screen()
