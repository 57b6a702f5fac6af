"""The author profile: who, when (hours, likely UTC offset), how their language changed, who
they talk to, what they share, where they are. The two charts are drawn as text by
``triage.analytics.text_charts`` (why not plotext: see there); this screen only colours them."""

from __future__ import annotations

from typing import TYPE_CHECKING

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import VerticalScroll
from textual.screen import Screen
from textual.widget import Widget
from textual.widgets import Footer, Static

from triage.analytics import AuthorProfile, author_profile
from triage.analytics.authors import authors_by_id
from triage.analytics.concern import CONCERN_THRESHOLD, ConcernBreakdown
from triage.analytics.text_charts import HOUR_BAR, TextChart, hour_chart, week_chart
from triage.indicators import INDICATOR_LIST
from triage.sanitize import clip, sanitize

from .formatting import fmt_time

if TYPE_CHECKING:
    from textual import getters

    from .console_app import ConsoleApp


def _offset_text(hours: float) -> str:
    sign = "+" if hours >= 0 else "-"
    h = abs(hours)
    return f"UTC{sign}{int(h)}" + (f":{int(round((h % 1) * 60)):02d}" if h % 1 else "")


def profile_header(p: AuthorProfile, zone) -> Text:
    out = Text()
    out.append(sanitize("@" + p.author.handle), style="bold")
    if p.author.display_name:
        out.append(" (" + sanitize(p.author.display_name) + ")")
    out.append("  " + sanitize(p.author.source), style="dim")
    others = [a for a in p.accounts if a.id != p.author.id]
    if others:
        out.append("  linked: " + ", ".join(sanitize(f"{a.source}:@{a.handle}") for a in others))
    out.append(f"\n{p.posts:,} posts · {p.flagged:,} flagged · risk {p.risk:.2f} · highest post {p.max_score:.2f}"
               f" · first {fmt_time(p.first_at, zone, True)} · last {fmt_time(p.last_at, zone, True)}\n")
    off = p.offset
    if off.utc_offset is None:
        out.append(f"time zone: cannot tell — {sanitize(off.reason)}\n")
    else:
        out.append(f"time zone: likely {_offset_text(off.utc_offset)} ", style="bold")
        out.append(f"(confidence {off.confidence:.0%}; {sanitize(off.reason)})\n")
    for change in p.changes:
        out.append("⚑ behaviour change " + sanitize(change.describe()) + "\n", style="bold")
    if not p.changes:
        out.append("no behaviour change detected\n", style="dim")
    out.append_text(concern_text(p.concern))
    return out


def concern_text(concern: dict | None) -> Text:
    """The author's concern, what it is made of, and the warning behaviours with their evidence."""
    out = Text()
    if not concern:
        out.append("concern: none (no evidence in their posts, or `triage analyze` has not run)\n", style="dim")
        return out
    of_concern = concern["concern"] >= CONCERN_THRESHOLD
    out.append(f"concern {concern['concern']:.2f}" + (" · OF CONCERN" if of_concern else ""),
               style="bold" if of_concern else "")
    out.append(f" · trend {concern['trend']} · last rose {concern['changed'] or '—'}\n")
    breakdown = ConcernBreakdown(**concern["components"])
    for line in breakdown.lines()[:-1]:
        out.append("  " + line + "\n", style="dim")
    for name, ids in concern["behaviour_evidence"].items():
        out.append(f"  {name.replace('_', ' ')}", style="bold")
        out.append(": posts " + ", ".join(f"#{i}" for i in ids[:6]) + (" …" if len(ids) > 6 else "") + "\n")
    return out


def profile_details(p: AuthorProfile, zone) -> Text:
    out = Text()

    def section(title: str) -> None:
        out.append(f"\n{title}\n", style="bold underline")

    section("talks with (replied to · mentioned · replied by · mentioned by)")
    for i in p.interlocutors[:10]:
        out.append(f"  {clip('@' + i.handle, 24):<24} {i.replies_to:>3} · {i.mentions_of:>3} · {i.replied_by:>3} · "
                   f"{i.mentioned_by:>3}  {sanitize(i.source)}\n")
    if not p.interlocutors:
        out.append("  nobody in this store\n", style="dim")
    section("hashtags")
    out.append("  " + (", ".join(f"#{sanitize(t.term)} ({t.posts})" for t in p.hashtags[:12]) or "none") + "\n")
    section("domains linked")
    out.append("  " + (", ".join(f"{sanitize(d.domain)} ({d.links})" for d in p.domains[:10]) or "none") + "\n")
    section("places")
    for place in p.places[:8]:
        out.append(f"  {clip(place.place, 30):<30} {place.posts:>4} posts  {fmt_time(place.first_at, zone, True)}"
                   f" – {fmt_time(place.last_at, zone, True)}\n")
    if not p.places:
        out.append("  no geotags or place names\n", style="dim")
    if p.identities:
        section("possibly the same person (link with `triage link`)")
        for c in p.identities[:6]:
            out.append(f"  {sanitize(c.author.source)}:@{clip(c.author.handle, 30)}  {c.score:.2f}  "
                       f"{sanitize(', '.join(c.reasons))}\n")
    return out


# Colour per indicator letter, 16-colour names only (ansi themes, the Linux console); the letter
# itself carries the series, colour only helps.
_LETTER_COLOURS = ("red", "yellow", "magenta", "cyan", "green", "blue")
CHART_STYLES = {ind.badge: "bold " + _LETTER_COLOURS[n % len(_LETTER_COLOURS)]
                for n, ind in enumerate(INDICATOR_LIST)} | {HOUR_BAR: "cyan"}


def chart_text(chart: TextChart) -> Text:
    """The chart's rows as one Text, the plot's letters and bars coloured (the rows under the
    plot stay plain: a week label's "W" is no weapons bar)."""
    out = Text(no_wrap=True, overflow="crop")
    out.append(chart.title + "\n", style="bold")
    for row in chart.legend:
        out.append(row + "\n", style="dim")
    for row in chart.plot:
        line = Text(row)
        for x, ch in enumerate(row[chart.gutter:], chart.gutter):
            if ch in CHART_STYLES:
                line.stylize(CHART_STYLES[ch], x, x + 1)
        out.append_text(line)
        out.append("\n")
    for row in chart.axis:
        out.append(row + "\n")
    out.rstrip()
    return out


class LetterChart(Widget):
    """A text chart drawn for the width it is given (resizing redraws it)."""

    DEFAULT_CSS = "LetterChart { height: auto; margin-bottom: 1; }"

    def __init__(self, **kwargs) -> None:
        super().__init__(**kwargs)
        self.draw = None  # width -> TextChart, once the profile is loaded

    def show(self, draw) -> None:
        self.draw = draw
        self.refresh(layout=True)

    def get_content_height(self, container, viewport, width: int) -> int:
        return len(self.draw(width).lines) if self.draw else 1

    def render(self) -> Text:
        if self.draw is None:
            return Text("")
        return chart_text(self.draw(self.content_region.width or self.size.width))


class AuthorScreen(Screen):
    if TYPE_CHECKING:  # self.app is the TriageApp; Textual types it App[Any]
        app = getters.app(ConsoleApp)

    BINDINGS = [
        Binding("p", "posts", "Posts", id="author.posts"),
        Binding("j,down", "scroll(1)", "Down", show=False, id="author.down"),
        Binding("k,up", "scroll(-1)", "Up", show=False, id="author.up"),
        Binding("question_mark", "help", "Help", id="author.help"),
        Binding("q,escape", "back", "Back", id="author.back"),
    ]

    def __init__(self, author_id: int) -> None:
        super().__init__()
        self.author_id = author_id
        self.profile: AuthorProfile | None = None

    def compose(self) -> ComposeResult:
        yield Static(Text(" triage · author", style="bold"), id="title-bar")
        with VerticalScroll(id="author-body"):
            yield Static("", id="author-header")
            yield LetterChart(id="author-timeline")
            yield LetterChart(id="author-hours")
            yield Static("", id="author-details")
        yield Footer(compact=True)

    def on_mount(self) -> None:
        app = self.app
        ref = authors_by_id(app.reader.conn, [self.author_id])[0]
        self.profile = author_profile(app.reader, ref, zone=app.config.timezone)
        p = self.profile
        self.query_one("#title-bar", Static).update(Text(f" triage · author @{clip(p.author.handle, 40)}",
                                                         style="bold"))
        self.query_one("#author-header", Static).update(profile_header(p, app.zone))
        self.query_one("#author-details", Static).update(profile_details(p, app.zone))
        self._draw_timeline(p)
        self._draw_hours(p)
        self.query_one("#author-body").focus()

    def _draw_timeline(self, p: AuthorProfile) -> None:
        self.query_one("#author-timeline", LetterChart).show(
            lambda width: week_chart(p.timeline, width, changes=p.change_points))

    def _draw_hours(self, p: AuthorProfile) -> None:
        self.query_one("#author-hours", LetterChart).show(
            lambda width: hour_chart(p.hours.utc, width, p.offset.utc_offset))

    def action_scroll(self, delta: int) -> None:
        body = self.query_one("#author-body")
        body.scroll_to(y=body.scroll_offset.y + delta * 2, animate=False)

    def action_posts(self) -> None:
        if self.profile is None:
            return
        from triage.store.queries import QueueFilter

        ids = tuple(a.id for a in self.profile.accounts) or (self.profile.author.id,)
        self.app.open_queue(QueueFilter(flagged_only=False, label_state="any", author_ids=ids, sort="time"),
                            title=f"posts of @{clip(self.profile.author.handle, 40)}")

    def action_help(self) -> None:
        from .help_screen import HelpScreen

        self.app.push_screen(HelpScreen(self))

    def action_back(self) -> None:
        self.app.pop_screen()
