"""The author profile: who, when (hours, likely UTC offset), how their language changed, who
they talk to, what they share, where they are. Charts through plotext (textual-plotext)."""

from __future__ import annotations

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import VerticalScroll
from textual.screen import Screen
from textual.widgets import Footer, Static
from textual_plotext import PlotextPlot

from triage.analytics import AuthorProfile, author_profile
from triage.analytics.authors import authors_by_id
from triage.analytics.concern import CONCERN_THRESHOLD, ConcernBreakdown
from triage.indicators import BY_ID, INDICATOR_LIST
from triage.sanitize import clip, sanitize

from .formatting import fmt_time


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


class AuthorScreen(Screen):
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
            yield PlotextPlot(id="author-timeline")
            yield PlotextPlot(id="author-hours")
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
        plt = self.query_one("#author-timeline", PlotextPlot).plt
        plt.clear_figure()
        labels = [b.label[-3:] if len(p.timeline.buckets) > 12 else b.label for b in p.timeline.buckets]
        present = [i.id for i in INDICATOR_LIST if i.id in p.timeline.present]
        if present and labels:
            # Letters in the legend too: the chart stays readable without colour.
            plt.stacked_bar(labels, [p.timeline.series(ind) for ind in present],
                            labels=[f"{BY_ID[i].badge} {i}" for i in present])
        else:
            plt.bar(labels or ["—"], [b.posts for b in p.timeline.buckets] or [0])
        # Fixed ticks (every k-th week): plotext's own choice depends on the size at draw time.
        step = max(1, -(-len(labels) // 8))
        plt.xticks(list(range(1, len(labels) + 1, step)), labels[::step])
        weeks = [b.label for b in p.timeline.buckets]
        for change in p.changes:
            if change.week in weeks:
                plt.vline(weeks.index(change.week) + 1)
        plt.title("indicators per week" + (" · ⚑ change " + ", ".join(p.change_points) if p.changes else ""))

    def _draw_hours(self, p: AuthorProfile) -> None:
        plt = self.query_one("#author-hours", PlotextPlot).plt
        plt.clear_figure()
        plt.bar(list(range(24)), p.hours.utc)
        title = "posts by hour (UTC)"
        if p.offset.utc_offset is not None:
            # Mark local midnight at the inferred offset: the sleep gap should sit right after it.
            midnight_utc = (-p.offset.utc_offset) % 24
            plt.vline(midnight_utc)
            title += f" · | = local midnight at {_offset_text(p.offset.utc_offset)}"
        plt.title(title)
        plt.xticks(list(range(0, 24, 3)))

    def action_scroll(self, delta: int) -> None:
        body = self.query_one("#author-body")
        body.scroll_to(y=body.scroll_offset.y + delta * 2, animate=False)

    def action_posts(self) -> None:
        if self.profile is None:
            return
        from triage.store.queries import QueueFilter

        from .queue_screen import QueueScreen

        ids = tuple(a.id for a in self.profile.accounts) or (self.profile.author.id,)
        self.app.push_screen(QueueScreen(QueueFilter(flagged_only=False, label_state="any", author_ids=ids,
                                                     sort="time"),
                                         title=f"posts of @{clip(self.profile.author.handle, 40)}"))

    def action_help(self) -> None:
        from .help_screen import HelpScreen

        self.app.push_screen(HelpScreen(self))

    def action_back(self) -> None:
        self.app.pop_screen()
