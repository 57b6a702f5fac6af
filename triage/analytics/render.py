"""Plain-text renderings of the analytics for the terminal (``triage author``, ``triage trends``).

Every string that came from a source (handles, names, hashtags, URLs, places, targets) goes
through the sanitizer; the layout fits 80 columns.
"""

from __future__ import annotations

import textwrap

from ..sanitize import clip, sanitize
from . import charts, text_charts
from .hours import WEEKDAYS
from ..indicators import BY_ID
from .overview import Overview
from .profile import AuthorProfile
from .sentiment import SentimentTrend
from .trends import TrendReport
from ..timeparse import format_epoch
from .tzinfer import format_offset

WIDTH = 78


def _date(ts: int | None) -> str:
    return format_epoch(ts, "%Y-%m-%d") if ts is not None else "-"


def _section(title: str) -> str:
    return f"\n── {title} " + "─" * max(0, WIDTH - len(title) - 4)


def _offset_lines(p: AuthorProfile) -> list[str]:
    est = p.offset
    if est.utc_offset is None:
        return textwrap.wrap(f"likely offset: unknown: {sanitize(est.reason)}", WIDTH, subsequent_indent="  ")
    lines = [f"likely offset: {format_offset(est.utc_offset)}, within 1 h with {est.confidence:.0%} confidence"]
    lines.append("  most likely: " + ", ".join(f"{format_offset(c.offset)} {c.probability:.0%}"
                                               for c in est.candidates))
    lines += textwrap.wrap(sanitize(est.reason), WIDTH, initial_indent="  ", subsequent_indent="  ")
    if est.raw_offsets:
        seen = ", ".join(f"{format_offset(r.offset)} x{r.posts}" for r in est.raw_offsets[:4])
        lines.append(f"  offsets in the source's timestamps: {seen}")
    return lines


def _concern_lines(concern: dict) -> list[str]:
    from .concern import CONCERN_THRESHOLD, ConcernBreakdown

    of = " (of concern)" if concern["concern"] >= CONCERN_THRESHOLD else ""
    lines = [_section("author concern"), f"  concern {concern['concern']:.2f}{of} · trend {concern['trend']} · "
             f"last rose {concern['changed'] or '-'}"]
    lines += ["  " + clip(line, WIDTH - 2) for line in ConcernBreakdown(**concern["components"]).lines()[:-1]]
    for name, ids in concern["behaviour_evidence"].items():
        lines.append(clip(f"  {name.replace('_', ' ')}: posts " + ", ".join(f"#{i}" for i in ids), WIDTH))
    return lines


def profile_text(p: AuthorProfile, colour: bool = True) -> str:
    a = p.author
    name = f'  "{clip(a.display_name, 30)}"' if a.display_name else ""
    out = [f"{clip(a.handle, 40)} on {clip(a.source, 30)}{name}"]
    if len(p.accounts) > 1:
        out.append("linked: " + clip(", ".join(x.ref for x in p.accounts[1:]), WIDTH - 8))
    out.append(f"posts {p.posts:,} ({p.flagged:,} flagged), {_date(p.first_at)} .. {_date(p.last_at)}")
    out.append(f"max post score {p.max_score:.2f} · author risk {p.risk:.2f}")
    out += _offset_lines(p)
    if p.changes:
        out.append(_section("behaviour change"))
        out += ["  " + clip(c.describe(), WIDTH - 2) for c in p.changes]
    if p.concern:
        out += _concern_lines(p.concern)
    if p.posts:
        # The author screen's text charts (letters, legend outside the plot, 24 hour columns
        # with local midnight marked): the same picture in the terminal and the console.
        out.append(_section("indicator timeline"))
        out += text_charts.week_chart(p.timeline, WIDTH, changes=p.change_points).lines
        out.append(_section("posting hours"))
        out += text_charts.hour_chart(p.hours.utc, WIDTH, p.offset.utc_offset).lines
        if p.hours.local is not None:  # --tz: by the zone's clock, daylight saving per post (the
            # chart above labels local hours at the inferred fixed offset only)
            out.append(charts.hours_chart(p.hours.local, f"posts by local hour, {sanitize(p.hours.zone)}",
                                          marker="L", colour=colour))
        out.append(f"weekday x hour ({sanitize(p.hours.zone) if p.hours.zone else 'UTC'}; darker = busier):")
        out.append(charts.weekday_grid(p.hours.weekday_hour, WEEKDAYS))
    if p.interlocutors:
        out.append(_section("talks with"))
        out.append(f"  {'account':<40} {'replies':>7} {'mentions':>8} {'replied':>7} {'mentioned':>9}")
        out.append(f"  {'':<40} {'to':>7} {'of':>8} {'by':>7} {'by':>9}")
        out += [f"  {clip(i.ref, 40):<40} {i.replies_to:>7} {i.mentions_of:>8} {i.replied_by:>7} {i.mentioned_by:>9}"
                for i in p.interlocutors[:10]]
    if p.hashtags:
        out.append(_section("hashtags"))
        out.append("  " + clip(", ".join(f"#{t.term} {t.posts}" for t in p.hashtags[:12]), WIDTH - 2))
    if p.domains:
        out.append(_section("domains linked"))
        out += [f"  {clip(d.domain, 50):<50} {d.links:>5} links  {d.posted_on:>5} posted on" for d in p.domains[:8]]
    if p.places:
        out.append(_section("places"))
        out += [f"  {clip(pl.place, 40):<40} {pl.posts:>5}  {_date(pl.first_at)} .. {_date(pl.last_at)}"
                for pl in p.places[:8]]
    if p.identities:
        out.append(_section("possibly the same person"))
        for c in p.identities:
            out.append(f"  {clip(c.author.ref, 40):<40} {c.score:.2f}  {clip('; '.join(c.reasons), 30)}")
        out.append(f"  link with: triage link {clip(p.author.ref, 30)} SOURCE:HANDLE")
    return "\n".join(out)


def trends_text(report: TrendReport) -> str:
    scope = sanitize(report.source) if report.source else "all sources"
    head = (f"trending in {report.week or '-'} ({scope}): {report.posts:,} posts this week, "
            f"{report.baseline_posts:,} in the {report.baseline_weeks} weeks before")
    if not report.items:
        return f"{head}\n{report.reason}"
    lines = [head, f"  {'term':<32} {'posts':>6} {'expected':>9} {'ratio':>7} {'score':>8}"]
    lines += [f"  {clip(i.term, 32):<32} {i.posts:>6} {i.expected:>9.1f} {i.ratio:>6.1f}x {i.score:>8.1f}"
              for i in report.items]
    return "\n".join(lines)


def sentiment_text(trend: SentimentTrend) -> str:
    target = clip(trend.target, 40)
    if not trend.posts:
        return f"no posts name {target!r}"
    lines = [f"sentiment toward {target!r}: {trend.posts:,} posts, mean {trend.mean:+.2f}, "
             f"{trend.negative_share:.0%} negative" + (" (newest posts only)" if trend.capped else ""),
             f"  {'week':<10} {'posts':>6} {'mean':>6} {'negative':>9}"]
    lines += [f"  {w.week:<10} {w.posts:>6} {w.mean:>+6.2f} {w.negative_share:>9.0%}" for w in trend.weeks]
    return "\n".join(lines)


def overview_text(ov: Overview) -> str:
    out = [f"overview{' (cached)' if ov.from_cache else ''}: {len(ov.sources)} sources"]
    if ov.weeks:
        shown = ov.weeks[-12:]
        cut = len(ov.weeks) - len(shown)
        out.append(_section("posts with each indicator, per week"))
        out.append(f"  {'':<24}" + "".join(f"{w[-3:]:>4}" for w in shown))
        for row in ov.heatmap:
            badge = BY_ID[row.indicator].badge if row.indicator in BY_ID else "?"
            out.append(f"  {badge} {clip(row.indicator, 21):<22}" + "".join(f"{n:>4}" for n in row.counts[cut:]))
    out.append(_section("sources"))
    out.append(f"  {'source':<40} {'posts':>9} {'flagged':>8} {'unreviewed':>10}")
    out += [f"  {clip(s.source, 40):<40} {s.posts:>9,} {s.flagged:>8,} {s.unreviewed:>10,}" for s in ov.sources]
    if ov.top_authors:
        out.append(_section("highest-risk authors"))
        for a in ov.top_authors:
            change = f"  change {a.latest_change.week}" if a.latest_change else ""
            out.append(f"  {clip(a.author.ref, 40):<40} risk {a.risk:.2f}  {a.flagged:>4} flagged{change}")
    out.append(_section("trending"))
    out.append(trends_text(ov.trending))
    return "\n".join(out)
