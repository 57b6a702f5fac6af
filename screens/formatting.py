"""Turning store rows into rich Text for the terminal. Every untrusted string passes the
core sanitizer and becomes a ``Text`` object: never markup, never raw escape bytes."""

from __future__ import annotations

from bisect import bisect_left, bisect_right
from datetime import datetime, timezone, tzinfo
from zoneinfo import ZoneInfo

from rich.text import Text

from triage.indicators import BADGE_LETTERS, BY_ID, badges
from triage.sanitize import clip, sanitize, sanitize_with_offsets
from triage.concern_levels import CONCERN_THRESHOLD
from triage.store.queries import Claim, ContextLine, HitRow, PostDecisions, PostDetail, QueueRow
from triage.store.rescore_queries import PostState
from triage.tagging import TAG_TEXT_CHARS
from triage.timeparse import format_epoch

# Styles carry state with attributes too (bold/underline/reverse), never by colour alone.
EVIDENCE_STYLE = "bold reverse"
TAG_STYLE = "bold"

# An analyst's verdict on an indicator (1 confirmed, 0 rejected); None, no verdict yet, marks nothing.
VERDICT_MARK: dict[int | None, str] = {1: "✓", 0: "✗"}
VERDICT_WORD: dict[int | None, str] = {1: " ✓confirmed", 0: " ✗rejected"}


def analyst_zone(name: str | None) -> tzinfo:
    if name:
        try:
            return ZoneInfo(name)
        except Exception:
            pass
    return datetime.now().astimezone().tzinfo or timezone.utc


def fmt_time(epoch: int | None, zone: tzinfo, with_year: bool = False) -> str:
    if epoch is None:
        return "—"
    return format_epoch(epoch, "%Y-%m-%d %H:%M" if with_year else "%m-%d %H:%M", zone)




def disposition_mark(disposition: str | None) -> str:
    return disposition[0].upper() if disposition else "·"


DISAGREE_MARK = "≠"  # the label column of a post analysts disagree on (agreement_queries)
CLAIM_MARK = "⚐"  # before the name of the analyst who has the post open


def claim_text(holder: str, expires_at: float, zone: tzinfo) -> str:
    """"claimed by bob until 10:05": another analyst has the post open in their console."""
    return f"claimed by {clip(holder, 24)} until {format_epoch(int(expires_at), '%H:%M', zone)}"


def decisions_text(decisions: PostDecisions, zone: tzinfo) -> Text:
    """Each analyst's current decision, side by side (one row an analyst), when two analysts or
    more have decided the post; disputed indicator verdicts follow, one line each, then the
    review label that settled them."""
    out = Text()
    if not decisions.disagrees:
        values = sorted({str(d.value) for d in decisions.dispositions.values()})
        out.append(f"= {len(decisions.analysts)} analysts agree", style="bold")
        out.append((": " + clip(values[0], 20) if values else "") + " (" +
                   ", ".join(clip(a, 16) for a in decisions.analysts) + ")\n")
        return out
    if decisions.open:
        out.append(f"{DISAGREE_MARK} analysts disagree", style="bold reverse")
        out.append("  (settle it from the review queue: D)\n", style="dim")
    else:
        out.append(f"{DISAGREE_MARK} analysts disagreed\n", style="bold")
    for analyst, d in sorted(decisions.dispositions.items()):
        out.append(f"  {clip(analyst, 20):<20} ", style="bold")
        out.append(f"{clip(str(d.value), 14):<14} {fmt_time(int(d.at), zone, with_year=True)}\n")
    for indicator in decisions.disputed_indicators:
        marks = " · ".join(f"{clip(a, 16)} {VERDICT_MARK.get(int(d.value), '?')}"
                           for a, d in sorted(decisions.verdicts[indicator].items()))
        out.append(f"  {indicator}: {marks}\n")
    if decisions.settled is not None:
        s = decisions.settled
        out.append(f"  settled by {clip(s.analyst, 20)}: {clip(str(s.value), 14)} "
                   f"{fmt_time(int(s.at), zone, with_year=True)}\n", style="bold")
    return out


OVERSIZE_MARK = "✂ "  # a post longer than max_post_chars: kept whole, shown truncated


def queue_row_text(row: QueueRow, width: int, zone: tzinfo, marked: bool, max_chars: int | None = None) -> Text:
    """One queue line: mark, risk, label, badges, time, source, author, start of text."""
    risk = f"{row.score:4.2f}" if row.score is not None else "  — "
    concern = f"{row.concern:4.2f}" if row.concern else "  · "
    label = DISAGREE_MARK if row.disagreement else disposition_mark(row.disposition)
    head = (f"{'●' if marked else ' '}{risk} {concern} {label} {badges(row.indicators)} "
            f"{fmt_time(row.created_at, zone)} ")
    source = clip(row.source, 9).ljust(9)
    author = clip("@" + row.handle, 14).ljust(14)
    rest = max(0, width - len(head) - 9 - 1 - 14 - 1)
    line = Text(head, no_wrap=True, overflow="crop")
    line.append(source + " ", style="dim")
    line.append(author + " ", style="bold")
    if row.claimed_by:
        holder = f"{CLAIM_MARK}{clip(row.claimed_by, 10)} "
        line.append(holder, style="reverse")
        rest = max(0, rest - len(holder))
    if max_chars is not None and row.length > max_chars:
        line.append(OVERSIZE_MARK, style="bold")
        rest = max(0, rest - len(OVERSIZE_MARK))
    line.append(clip(row.snippet, rest))
    return line


QUEUE_HEADER = f" risk auth L {BADGE_LETTERS} time        source    author         text"  # over queue_line's columns


def post_pages(detail: PostDetail, max_chars: int) -> int:
    return max(1, -(-len(detail.text) // max_chars))


def post_text(detail: PostDetail, max_chars: int, tagged_chars: int | None = None, page: int = 0) -> Text:
    """Page ``page`` (``max_chars`` characters) of the post, with every evidence span in it
    highlighted and its indicator named after it.

    Linear in the hits: the labels are placed in one pass and each span shifted by the labels
    before it (splicing the Text once per label was quadratic: 12 minutes for a 1 MB post with
    62k hits)."""
    raw = detail.text
    pages = post_pages(detail, max_chars)
    page = min(max(page, 0), pages - 1)
    low, high = page * max_chars, (page + 1) * max_chars
    truncated = len(raw) > max_chars
    clean, to_clean = sanitize_with_offsets(raw[low:high] if truncated else raw)
    spans: list[tuple[int, int]] = []
    tags: dict[int, list[str]] = {}
    for hit in detail.hits:
        if hit.end <= hit.start or hit.start >= min(len(raw), high) or hit.end > high or hit.start < low:
            continue
        start, end = to_clean(hit.start - low), to_clean(hit.end - low)
        spans.append((start, end))
        names = tags.setdefault(end, [])
        if hit.indicator not in names:
            names.append(hit.indicator)
    positions = sorted(tags)
    labels = [f"⟦{'+'.join(tags[p])}⟧" for p in positions]
    before: list[int] = []  # total label length inserted at positions[0..i]
    total = 0
    for label in labels:
        total += len(label)
        before.append(total)
    text = Text()
    last = 0
    for pos, label in zip(positions, labels):
        text.append(clean[last:pos])
        text.append(label, style=TAG_STYLE)
        last = pos
    text.append(clean[last:])

    def shift(offset: int, is_end: bool) -> int:
        # Labels at `offset` come after an end there and before a start there.
        i = bisect_left(positions, offset) if is_end else bisect_right(positions, offset)
        return offset + (before[i - 1] if i else 0)

    for start, end in spans:
        inner_from, inner_to = bisect_right(positions, start), bisect_left(positions, end)
        cuts = [start, *positions[inner_from:inner_to][:50], end]  # a label inside a span stays unstyled
        for a, b in zip(cuts, cuts[1:]):
            if b > a:
                text.stylize(EVIDENCE_STYLE, shift(a, False), shift(b, True))
    if truncated:
        text.append(f"\n… post truncated for display: {len(raw):,} characters in all (the store keeps it whole); "
                    f"page {page + 1} of {pages}, characters {low + 1:,}-{min(high, len(raw)):,}: ] next page, "
                    "[ previous", style="italic")
    if tagged_chars is not None and len(raw) > tagged_chars:
        text.append(f"\n… the detector read the first {tagged_chars:,} characters of {len(raw):,}",
                    style="italic")
    return text


def context_line(line: ContextLine, zone: tzinfo, indent: str = "  ", width: int = 78,
                 handle: bool = True) -> Text:
    """One post of the context (thread, the author's other flagged posts) on one line of at
    most ``width`` cells: id, risk, ⚑ when flagged, time, author, start of the text."""
    risk = f"{line.score:4.2f}" if line.score is not None else "  — "
    out = Text(f"{indent}#{line.id} {risk}{'⚑' if line.flagged else ' '} {fmt_time(line.created_at, zone)} ",
               no_wrap=True, overflow="ellipsis")
    if handle:
        out.append(clip("@" + line.handle, 16) + " ", style="bold")
    out.append(clip(" ".join(line.snippet.split()), max(10, width - out.cell_len)))
    return out


def why_line(detail: PostDetail) -> Text:
    """Why the post is in the queue, in one line: each indicator with its best score and the
    rule or model that fired, highest first (an analyst's verdict marked ✓/✗)."""
    best: dict[str, HitRow] = {}
    for hit in detail.hits:
        if hit.indicator not in best or hit.score > best[hit.indicator].score:
            best[hit.indicator] = hit
    out = Text()
    out.append("why ", style="bold")
    if detail.concern is not None and detail.concern.lifted:
        out.append("in the flagged queue for its author's concern (its own risk is under the threshold)"
                   + (" · " if best else ""), style="bold")
    elif not best:
        out.append("nothing detected" if not detail.indicators else
                   "indicators " + ", ".join(detail.indicators) + " (no evidence stored)", style="dim")
    for n, hit in enumerate(sorted(best.values(), key=lambda h: (-h.score, h.indicator))):
        badge = BY_ID[hit.indicator].badge if hit.indicator in BY_ID else "?"
        mark = VERDICT_MARK.get(detail.verdicts.get(hit.indicator), "")
        out.append(" · " if n else "")
        out.append(f"{badge} {hit.indicator}{mark}", style="bold")
        out.append(f" {hit.score:.2f} {hit.origin}:{sanitize(hit.rule)}")
    return out


def post_panel(detail: PostDetail, zone: tzinfo, max_chars: int, page: int = 0, claim: Claim | None = None) -> Text:
    """The post view. The first screen at 80×24 (eleven rows) holds what a decision needs: the
    post's id, risk and label, another analyst's claim, the analysts' decisions when several
    decided, the one-line why, and the text's first lines with the evidence marked; who, when,
    the thread and the details follow."""
    out = Text()
    out.append(f"#{detail.id} ", style="bold")
    out.append(sanitize(f"{detail.source}:{detail.external_id}") + " ", style="dim")
    out.append(f"  risk {detail.score:.2f}" if detail.score is not None else "  not tagged")
    out.append("  FLAGGED" if detail.flagged else "", style="bold")
    out.append(f"  label: {sanitize(detail.disposition or 'none')}\n", style="bold" if detail.disposition else "")
    if claim is not None:
        out.append(f"{CLAIM_MARK} {claim_text(claim.analyst, claim.expires_at, zone)}\n", style="bold reverse")
    if detail.decisions is not None:
        out.append_text(decisions_text(detail.decisions, zone))
    out.append_text(why_line(detail))
    out.append("\n\n")
    out.append_text(post_text(detail, max_chars, TAG_TEXT_CHARS, page))
    out.append("\n\n")
    out.append("author ")
    out.append(sanitize("@" + detail.author_handle), style="bold")
    if detail.author_name:
        out.append(" (" + sanitize(detail.author_name) + ")")
    out.append(f"  · {detail.author_posts} posts")
    if detail.concern is not None:
        c = detail.concern
        out.append(f"  · concern {c.concern:.2f}", style="bold" if c.concern >= CONCERN_THRESHOLD else "")
        if c.behaviours:
            out.append(" (" + ", ".join(b.replace("_", " ") for b in c.behaviours) + ")")
    out.append("\n")
    utc = fmt_time(detail.created_at, timezone.utc, with_year=True)
    local = fmt_time(detail.created_at, zone, with_year=True)
    out.append(f"time   {utc} UTC · {local} {format_epoch(detail.created_at, '%Z', zone)}")
    if detail.created_raw and detail.created_raw != str(detail.created_at):
        out.append(" · raw " + sanitize(detail.created_raw), style="dim")
    out.append("\n")
    if detail.url:
        out.append("url    " + sanitize(detail.url) + "\n", style="underline")
    if detail.place or detail.lat is not None:
        where = sanitize(detail.place or "")
        if detail.lat is not None:
            where += f" ({detail.lat:.3f}, {detail.lon:.3f})"
        out.append("place  " + where.strip() + "\n")
    if detail.rescore is not None:  # a version carries a model id read from the model's own metadata file
        now = PostState(detail.id, detail.score, detail.flagged, detail.detector_version)
        out.append(sanitize(detail.rescore.describe(zone, now)) + "\n", style="dim")
    out.append("\n")
    if detail.thread:
        out.append("in reply to (t: open)\n", style="bold underline")
        for depth, line in enumerate(detail.thread):
            out.append_text(context_line(line, zone, indent="  " + "  " * min(depth, 4)))
            out.append("\n")
        out.append("\n")
    out.append("indicators\n", style="bold underline")
    if not detail.hits and not detail.indicators:
        out.append("  none detected\n", style="dim")
    seen = set()
    for hit in sorted(detail.hits, key=lambda h: -h.score):
        key = (hit.indicator, hit.rule)
        if key in seen:
            continue
        seen.add(key)
        verdict = detail.verdicts.get(hit.indicator)
        mark = VERDICT_WORD.get(verdict, "")
        title = BY_ID[hit.indicator].title if hit.indicator in BY_ID else hit.indicator
        out.append(f"  {BY_ID[hit.indicator].badge if hit.indicator in BY_ID else '?'} {hit.indicator:<22}",
                   style="bold")
        out.append(f" {hit.score:4.2f} {hit.origin}:{sanitize(hit.rule)}{mark}\n")
        if hit.text:
            out.append("      “" + clip(hit.text, 60) + "” — " + title + "\n", style="dim")
    for ind, verdict in detail.verdicts.items():
        if ind not in {h.indicator for h in detail.hits}:
            out.append(f"  {BY_ID[ind].badge} {ind:<22} analyst: {'added (confirmed)' if verdict else 'rejected'}\n",
                       style="bold")
    if detail.author_flagged:
        out.append(f"\nother flagged posts by {sanitize('@' + detail.author_handle)} (t: open)\n",
                   style="bold underline")
        for line in detail.author_flagged:
            out.append_text(context_line(line, zone, handle=False))
            out.append("\n")
    if detail.history:
        out.append("\nhistory\n", style="bold underline")
        for item in detail.history:
            when = fmt_time(int(item.at), zone, with_year=True)
            out.append(f"  {when} {sanitize(item.analyst)} {item.kind}{' (undo)' if item.undo else ''}: ")
            out.append(sanitize(item.value) + "\n")
    out.append(f"\nevidence sha256 {detail.raw_sha256[:16]}… · detector {sanitize(detail.detector_version or '—')}",
               style="dim")
    return out
