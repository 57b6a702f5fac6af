"""The case report, a document to send: Markdown (``report.md``) and self-contained HTML
(``report.html``: inline CSS and SVG, no external assets, a CSP that forbids loading any).

It reads top to bottom as a decision maker needs it: the TLP marking (a banner at the top and
the bottom, and in the margin of every printed page), the case title, a summary (period covered,
posts and authors, counts by indicator and by disposition, the authors of concern), each author
of concern with their indicator timeline as an SVG image (``svg_timeline``) and warning
behaviours, the evidence posts with their evidence spans marked, and the custody section (audit
chain, the evidence tables' running hashes and anchor, the audit trail of these posts).

Both files are rendered from one list of blocks, so they say the same thing. Every untrusted
string (post text, handles, names, urls, notes) passes the core sanitizer (control, bidi and
zero-width characters become visible placeholders) and is then escaped for the target:
HTML-escaped, or every ASCII punctuation character backslash-escaped in Markdown (CommonMark
reads none of them as markup then: no links, no HTML, no emphasis). The Markdown shows the
timelines as ``timeline-N.svg`` files written beside it.

Evidence spans are offsets into ``posts.text``; they are mapped through pseudonymization (when
on) and ``sanitize_with_offsets`` so the highlight sits on the same words.
"""

from __future__ import annotations

import html
import json
import re
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import Sequence

from .. import __version__
from ..analytics.timeline import author_timeline
from ..concern_levels import CONCERN_THRESHOLD
from ..indicators import INDICATORS
from ..sanitize import sanitize, sanitize_with_offsets
from ..store import export_queries as q
from .findings import DEFAULT_TLP, authors_of_concern
from .prepared import PreparedPost, Span
from .selection import iso_utc
from .svg_timeline import timeline_svg

DEFAULT_TITLE = "Case report"

# ---- the document model --------------------------------------------------------------------


@dataclass
class Heading:
    level: int
    text: str


@dataclass
class Facts:
    items: list[tuple[str, str]]
    inline: bool = False  # one line "key: value · key: value" (a post's header), not a list


@dataclass
class Table:
    headers: list[str]
    rows: list[list[str]]
    empty: str = "none"
    small: bool = False  # the audit trail: small print


@dataclass
class Evidence:
    """Text in runs; a run with indicators is highlighted."""

    runs: list[tuple[str, tuple[str, ...]]] = field(default_factory=list)


@dataclass
class Banner:
    """The TLP marking, at the top and the bottom of the report (print repeats it on every page)."""

    tlp: str  # one of TLP_LEVELS


@dataclass
class Image:
    """An SVG we drew (``svg_timeline``): inline in HTML, a file beside the Markdown."""

    svg: str
    file: str
    alt: str


@dataclass
class Card:
    """Blocks kept together on a printed page where they fit (one post, one author)."""

    blocks: list


Block = Heading | Facts | Table | Evidence | Banner | Image | Card


def evidence_runs(text: str, spans: Sequence[Span]) -> list[tuple[str, tuple[str, ...]]]:
    """Sanitize ``text`` and cut it where spans (possibly overlapping) begin and end."""
    clean, to_clean = sanitize_with_offsets(text)
    marks = []
    for s in spans:
        start, end = to_clean(max(0, s.start)), to_clean(min(len(text), s.end))
        if end > start:
            marks.append((start, end, s.indicator))
    # One sweep over the cut points with a count of open spans per indicator: a 1 MB post with
    # 62k hits took 229 s when every run looked at every span.
    opens: dict[int, list[str]] = {}
    closes: dict[int, list[str]] = {}
    for start, end, indicator in marks:
        opens.setdefault(start, []).append(indicator)
        closes.setdefault(end, []).append(indicator)
    cuts = sorted({0, len(clean), *opens, *closes})
    active: Counter = Counter()
    runs = []
    for a, b in zip(cuts, cuts[1:]):
        for indicator in closes.get(a, ()):
            active[indicator] -= 1
        for indicator in opens.get(a, ()):
            active[indicator] += 1
        runs.append((clean[a:b], tuple(sorted(i for i, n in active.items() if n > 0))))
    return runs


# ---- Markdown -------------------------------------------------------------------------------

# What CommonMark/GFM could read as markup anywhere in a line (emphasis, code, links, raw HTML,
# entities, tables, strikethrough), and what it reads as a block marker at the start of one.
_MD_INLINE = re.compile(r"([\\`*_\[\]<>|~&])")
_MD_LINE_START = re.compile(r"^(\s*)([-+=#>]|\d+[.)])")


def _md_escape_run(text: str) -> str:
    return _MD_INLINE.sub(r"\\\1", text.replace("\t", " "))


def md_escape(text: str) -> str:
    """Sanitized and inert in Markdown, on one line (for tables, facts and headings)."""
    return _md_escape_run(sanitize(text).replace("\r\n", "\n").replace("\n", " ⏎ "))


def _merge_marked(runs: list[tuple[str, tuple[str, ...]]]) -> list[list]:
    """Markdown cannot say which indicator a run has: one bold run per stretch of evidence."""
    merged: list[list] = []
    for text, indicators in runs:
        if merged and bool(merged[-1][1]) == bool(indicators):
            merged[-1][0] += text
        else:
            merged.append([text, indicators])
    return merged


def _md_evidence(block: Evidence) -> list[str]:
    lines = [""]
    for text, indicators in _merge_marked(block.runs):
        for n, piece in enumerate(text.split("\n")):
            if n:
                lines.append("")
            core = piece.strip(" ")
            if indicators and core:
                lead, trail = piece[:len(piece) - len(piece.lstrip(" "))], piece[len(piece.rstrip(" ")):]
                lines[-1] += f"{lead}**{_md_escape_run(core)}**{trail}"
            else:
                lines[-1] += _md_escape_run(piece)
    # A blockquote keeps the post apart; a trailing backslash is a hard line break (not before
    # or on an empty line, which is a paragraph break and would show the backslash).
    out = []
    for n, line in enumerate(lines):
        if not line.strip():
            out.append(">")
            continue
        more = n + 1 < len(lines) and lines[n + 1].strip()
        line = _MD_LINE_START.sub(lambda m: m.group(1) + "\\" + m.group(2), line)
        out.append("> " + line.rstrip() + ("\\" if more else ""))
    return out


def _tlp_label(tlp: str) -> str:
    return f"TLP:{tlp.upper()}"


def _md_blocks(blocks: Sequence[Block], out: list[str]) -> None:
    for b in blocks:
        if isinstance(b, Heading):
            out += ["#" * b.level + " " + md_escape(b.text), ""]
        elif isinstance(b, Facts):
            if b.inline:
                out += [" · ".join(f"**{md_escape(k)}:** {md_escape(v)}" for k, v in b.items), ""]
            else:
                out += [f"- **{md_escape(k)}:** {md_escape(v)}" for k, v in b.items] + [""]
        elif isinstance(b, Table):
            if not b.rows:
                out += [f"_{md_escape(b.empty)}_", ""]
                continue
            out.append("| " + " | ".join(md_escape(h) for h in b.headers) + " |")
            out.append("|" + "---|" * len(b.headers))
            out += ["| " + " | ".join(md_escape(c) for c in row) + " |" for row in b.rows]
            out.append("")
        elif isinstance(b, Evidence):
            out += _md_evidence(b) + [""]
        elif isinstance(b, Banner):
            out += [f"**{_tlp_label(b.tlp)}**", ""]
        elif isinstance(b, Image):
            out += [f"![{md_escape(b.alt)}]({b.file})", ""]  # the file name is ours: timeline-N.svg
        elif isinstance(b, Card):
            _md_blocks(b.blocks, out)


def render_markdown(blocks: Sequence[Block]) -> str:
    out: list[str] = []
    _md_blocks(blocks, out)
    return "\n".join(out).rstrip() + "\n"


# ---- HTML -----------------------------------------------------------------------------------

# TLP 2.0 as FIRST prints it: the label in its colour on black.
TLP_COLOURS = {"clear": "#ffffff", "green": "#33ff00", "amber": "#ffc000", "amber+strict": "#ffc000", "red": "#ff2b2b"}

# Compact on paper: A4, small type, a post is a card kept whole where it fits, never a page of
# its own (the first report printed 68 pages for 52 posts). The TLP label sits in the top and
# bottom margin of every printed page (CSS paged media margin boxes: WeasyPrint, Chromium).
CSS = """
body{font:13px/1.4 system-ui,sans-serif;max-width:60rem;margin:1.5rem auto;padding:0 1rem;color:#111;background:#fff}
h1{font-size:1.6em;margin:.4rem 0}h2{font-size:1.25em;border-bottom:2px solid #333;margin:1.2rem 0 .4rem}
h3{font-size:1.05em;margin:.2rem 0}h4{font-size:1em;margin:.3rem 0}
h1,h2,h3,h4{line-height:1.2;break-after:avoid}
table{border-collapse:collapse;margin:.3rem 0 .6rem;width:100%}
th,td{border:1px solid #bbb;padding:.1rem .3rem;text-align:left;vertical-align:top;overflow-wrap:anywhere}
th{background:#eee}dl{display:grid;grid-template-columns:max-content 1fr;gap:0 1rem;margin:.3rem 0}dt{font-weight:bold}
dd{margin:0;overflow-wrap:anywhere}p{margin:.2rem 0}
p.meta{color:#333;font-size:.92em}p.meta b{font-weight:600}
.post{white-space:pre-wrap;overflow-wrap:anywhere;border-left:4px solid #555;padding:.3rem .6rem;background:#f6f6f6;
margin:.2rem 0}
mark{background:#ffd54f;color:#000;font-weight:bold;text-decoration:underline;padding:0 .1em}
.empty{font-style:italic;color:#555}
.card{border-top:1px solid #ccc;padding-top:.3rem;margin-top:.4rem;break-inside:avoid}
table.small{font-size:.8em}svg.timeline{max-width:100%;height:auto;display:block}
.tlp{background:#000;font:bold 14px/1.6 monospace;text-align:center;padding:.1rem;margin:.3rem 0}
@page{size:A4;margin:16mm 12mm 16mm 12mm}
@media print{body{margin:0;max-width:none;padding:0;font-size:10.5px}
.tlp{-webkit-print-color-adjust:exact;print-color-adjust:exact}}
"""


def _page_css(tlp: str) -> str:
    label, colour = _tlp_label(tlp), TLP_COLOURS[tlp]  # ours: never text from a post
    box = f'content:"{label}";background:#000;color:{colour};font:bold 11px monospace;padding:1mm 3mm'
    return (f"@page{{@top-center{{{box}}}@bottom-center{{{box}}}"
            "@bottom-right{content:counter(page) \" / \" counter(pages);font:9px sans-serif}}"
            f".tlp-{tlp.replace('+', '-')}{{color:{colour}}}")


def h(text: str) -> str:
    return html.escape(sanitize(text), quote=True)


def _html_blocks(blocks: Sequence[Block], body: list[str]) -> None:
    for b in blocks:
        if isinstance(b, Heading):
            body.append(f"<h{b.level}>{h(b.text)}</h{b.level}>")
        elif isinstance(b, Facts):
            if b.inline:
                body.append('<p class="meta">' + " · ".join(f"<b>{h(k)}:</b> {h(v)}" for k, v in b.items) + "</p>")
            else:
                body.append("<dl>" + "".join(f"<dt>{h(k)}</dt><dd>{h(v)}</dd>" for k, v in b.items) + "</dl>")
        elif isinstance(b, Table):
            if not b.rows:
                body.append(f'<p class="empty">{h(b.empty)}</p>')
                continue
            head = "".join(f"<th>{h(c)}</th>" for c in b.headers)
            rows = "".join("<tr>" + "".join(f"<td>{h(c)}</td>" for c in row) + "</tr>" for row in b.rows)
            cls = ' class="small"' if b.small else ""
            body.append(f"<table{cls}><thead><tr>{head}</tr></thead><tbody>{rows}</tbody></table>")
        elif isinstance(b, Evidence):
            parts = []
            for text, indicators in b.runs:
                escaped = html.escape(text, quote=True)  # runs are sanitized already
                if indicators:
                    label = html.escape(", ".join(indicators), quote=True)
                    parts.append(f'<mark title="{label}">{escaped}</mark>')
                else:
                    parts.append(escaped)
            body.append('<div class="post">' + "".join(parts) + "</div>")
        elif isinstance(b, Banner):
            body.append(f'<div class="tlp tlp-{b.tlp.replace("+", "-")}">{_tlp_label(b.tlp)}</div>')
        elif isinstance(b, Image):
            body.append(b.svg)  # built by ElementTree from sanitized labels: well-formed, nothing raw
        elif isinstance(b, Card):
            body.append('<section class="card">')
            _html_blocks(b.blocks, body)
            body.append("</section>")


def render_html(blocks: Sequence[Block], title: str, tlp: str = DEFAULT_TLP) -> str:
    body: list[str] = []
    _html_blocks(blocks, body)
    return (
        "<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">\n"
        # Nothing may load from anywhere, even if some text ever slipped through unescaped.
        "<meta http-equiv=\"Content-Security-Policy\" content=\"default-src 'none'; style-src 'unsafe-inline'\">\n"
        "<meta name=\"referrer\" content=\"no-referrer\">\n"
        f"<title>{h(_tlp_label(tlp))} {h(title)}</title>\n<style>{CSS}{_page_css(tlp)}</style></head>\n<body>\n"
        + "\n".join(body) + "\n</body></html>\n"
    )


# ---- the report's content -------------------------------------------------------------------


def _time(epoch) -> str:
    return "—" if epoch is None else iso_utc(int(epoch))


def _counts(counts: dict[str, int]) -> str:
    return ", ".join(f"{k} {v}" for k, v in sorted(counts.items(), key=lambda kv: (-kv[1], kv[0]))) or "—"


def _filter_text(flt_dict: dict) -> str:
    parts = []
    for key, value in flt_dict.items():
        if value in (None, [], ()) or key.endswith("_iso"):
            continue
        if key in ("since", "until"):
            value = flt_dict[key + "_iso"]
        parts.append(f"{key}={','.join(map(str, value)) if isinstance(value, list) else value}")
    return "; ".join(parts)


def _history_rows(labels: list[q.LabelRow], verdicts: list[q.VerdictRow]) -> list[list[str]]:
    events = [(r.at, r.id, "label", r) for r in labels] + [(r.at, r.id, "verdict", r) for r in verdicts]
    rows = []
    for at, _, kind, r in sorted(events, key=lambda e: (e[0], e[2], e[1])):
        if isinstance(r, q.LabelRow):  # kind == "label"
            what = f"disposition {r.disposition or '(cleared)'}"
        else:
            what = f"{r.indicator} " + {1: "confirmed", 0: "rejected", None: "verdict cleared"}[r.verdict]
        if r.undo_of:
            what += f" (undo of {kind} {r.undo_of})"
        rows.append([_time(at), r.analyst or "—", what])
    return rows


def _by_post(rows) -> dict[int, list]:
    out: dict[int, list] = {}
    for r in rows:
        out.setdefault(r.post_id, []).append(r)
    return out


def _period(posts: Sequence[PreparedPost]) -> str:
    times = [p.post.created_at for p in posts if p.post.created_at is not None]
    if not times:
        return "—"
    first, last = min(times), max(times)
    return f"{iso_utc(first)} to {iso_utc(last)} ({(last - first) // 86400 + 1} days)"


def summary_counts(posts: Sequence[PreparedPost]) -> tuple[list[list[str]], list[list[str]]]:
    """Rows of (indicator, posts the detector tagged, confirmed, rejected) and of (disposition,
    posts): what the summary tables say, from the posts' current state."""
    detected: Counter = Counter(i for p in posts for i in set(p.post.indicators))
    confirmed: Counter = Counter(i for p in posts for i, v in p.post.verdicts.items() if v == 1)
    rejected: Counter = Counter(i for p in posts for i, v in p.post.verdicts.items() if v == 0)
    seen = set(detected) | set(confirmed) | set(rejected)
    order = [i for i in INDICATORS if i in seen] + sorted(seen - set(INDICATORS))
    indicators = [[i, str(detected[i]), str(confirmed[i]), str(rejected[i])] for i in order]
    dispositions = Counter(p.post.disposition or "not labeled" for p in posts)
    return indicators, [[d, str(n)] for d, n in sorted(dispositions.items(), key=lambda kv: (-kv[1], kv[0]))]


def build_blocks(ctx, mask=None) -> tuple[list[Block], list[tuple[str, str]]]:
    """The report for ``ctx.posts`` and the SVG files it refers to (name, svg); ``mask``
    pseudonymizes free text such as notes."""
    conn = ctx.store.conn
    posts: list[PreparedPost] = ctx.posts
    ids = [p.post.id for p in posts]
    mask = mask or (lambda text: text)
    labels, verdicts, notes = (_by_post(q.label_history(conn, ids)), _by_post(q.verdict_history(conn, ids)),
                               _by_post(q.notes(conn, ids)))
    author_ids = list(dict.fromkeys(p.post.author_id for p in posts if p.post.author_id is not None))
    authors = {a.id: a for a in q.author_summaries(conn, author_ids)}
    shown = {p.post.author_id: (p.author, p.author_id) for p in posts}
    here = Counter(p.post.author_id for p in posts)
    # Of concern as the console says it (CONCERN_THRESHOLD); the sharing formats carry every
    # author above zero, a report to a decision maker only those the console marks.
    concern = [f for f in authors_of_concern(ctx) if f.concern >= CONCERN_THRESHOLD]
    title = getattr(ctx, "title", None) or DEFAULT_TITLE
    indicator_rows, disposition_rows = summary_counts(posts)

    blocks: list[Block] = [
        Banner(ctx.tlp),
        Heading(1, title),
        Facts([
            ("marking", _tlp_label(ctx.tlp)),
            ("generated", _time(ctx.generated_at)),
            ("analyst", ctx.analyst),
            ("tool", f"triage {__version__}"),
            ("selection", _filter_text(ctx.filter_dict()) or "all"),
            ("pseudonymized", "yes" if ctx.pseudonymized else "no"),
        ], inline=True),
        Heading(2, "Summary"),
        Facts([
            ("period covered", _period(posts)),
            ("posts", f"{len(posts)} ({sum(1 for p in posts if p.post.flagged)} flagged, "
                      f"{sum(1 for p in posts if p.post.disposition)} labeled)"),
            ("authors", str(len(authors))),
            ("authors of concern", ", ".join(f"{shown[f.store_author_id][0] or f.store_author_id} ({f.concern:.2f})"
                                             for f in concern) or "none"),
        ]),
        Table(["indicator", "posts (detector)", "confirmed", "rejected"], indicator_rows, empty="no indicators"),
        Table(["disposition", "posts"], disposition_rows),
    ]
    files: list[tuple[str, str]] = []
    if concern:
        blocks.append(Heading(2, "Authors of concern"))
    for n, finding in enumerate(concern, 1):
        a = authors[finding.store_author_id]
        handle = shown[a.id][0] or str(a.id)
        svg = timeline_svg(author_timeline(conn, [a.id]), f"{handle}: posts with each indicator per week")
        files.append((f"timeline-{n}.svg", svg))
        blocks.append(Card([
            Heading(3, handle),
            Facts([("concern", f"{finding.concern:.2f}"), ("trend", finding.trend or "—"),
                   ("posts here / in store", f"{here[a.id]} / {a.post_count}"),
                   ("seen", f"{_time(a.first_seen)} to {_time(a.last_seen)}"),
                   ("confirmed", _counts(a.confirmed))], inline=True),
            Image(svg, f"timeline-{n}.svg", f"{handle}: indicators per week"),
            Table(["warning behaviour", "what it means", "evidence posts here"],
                  [[b.name, b.summary, ", ".join(p.ref for p in b.evidence) or "—"] for b in finding.behaviours],
                  empty="no warning behaviour"),
        ]))
    blocks += [
        Heading(2, "Authors"),
        Table(["author", "author id", "source", "name", "posts in store", "first seen", "last seen", "posts here",
               "detector indicators (posts)", "confirmed (posts)"],
              [[shown[a.id][0] or "—", shown[a.id][1] or "—", a.source,
                ("—" if ctx.pseudonymized else a.display_name or "—"), str(a.post_count), _time(a.first_seen),
                _time(a.last_seen), str(here.get(a.id, 0)), _counts(a.indicator_posts), _counts(a.confirmed)]
               for a in authors.values()], small=True),
        Heading(2, "Evidence posts"),
    ]
    for p in sorted(posts, key=lambda p: (-(p.post.score or 0), p.post.id)):
        blocks.append(Card(_post_blocks(p, labels.get(p.post.id, []), verdicts.get(p.post.id, []),
                                        notes.get(p.post.id, []), mask)))
    blocks += _custody(ctx, ids)
    blocks.append(Banner(ctx.tlp))
    return blocks, files


def _post_blocks(p: PreparedPost, labels, verdicts, notes, mask) -> list[Block]:
    post = p.post
    confirmed = [i for i, v in post.verdicts.items() if v == 1]
    rejected = [i for i, v in post.verdicts.items() if v == 0]
    out: list[Block] = [
        Heading(3, p.ref),
        Facts([("time (UTC)", p.created_at), ("author", p.author or "—"),
               ("score", "—" if post.score is None else f"{post.score:.3f}"),
               ("flagged", "yes" if post.flagged else "no"), ("disposition", post.disposition or "not labeled"),
               ("confirmed", ", ".join(confirmed) or "—"), ("rejected", ", ".join(rejected) or "—"),
               ("url", p.url or "—"), ("store id", str(post.id))], inline=True),
        Evidence(evidence_runs(p.text, p.spans)),
    ]
    if p.spans:
        out.append(Table(["indicator", "evidence", "rule", "origin", "score"],
                         [[s.indicator, p.text[s.start:s.end], s.rule or "—", s.origin or "—",
                           "—" if s.score is None else f"{s.score:.2f}"] for s in p.spans], small=True))
    history = _history_rows(labels, verdicts)
    if history:
        out.append(Table(["time (UTC)", "analyst", "decision"], history, small=True))
    if notes:
        out.append(Table(["time (UTC)", "analyst", "note"], [[_time(n.at), n.analyst or "—", mask(n.body)]
                                                             for n in notes], small=True))
    return out


def _custody(ctx, ids) -> list[Block]:
    """The chain of custody: the audit chain, the evidence tables' running hashes and their
    anchor (triage.store.custody), and who did what to these posts."""
    chain = ctx.store.verify_audit()
    custody = ctx.store.verify_custody()
    rows = q.audit_for_posts(ctx.store.conn, ids)
    return [
        Heading(2, "Custody"),
        Facts([
            ("audit chain", f"ok, {chain.rows} rows verified" if chain.ok
             else f"BROKEN at row {chain.broken_at}: {chain.reason}"),
            ("evidence tables", "ok" if custody.ok else "PROBLEMS: " + "; ".join(custody.problems)),
            ("rows verified", ", ".join(f"{t} {n}" for t, n in custody.tables.items()) or "—"),
            ("raw captures checked", f"{custody.raw_checked} against their SHA-256"),
            ("anchored", "yes (custody key)" if custody.anchored else "no"),
            ("anchor (keep it outside the station)", ctx.store.anchor_line()),
        ]),
        Heading(3, "Audit trail of these posts"),
        Table(["row", "time (UTC)", "analyst", "action", "posts", "detail"],
              [[str(a.id), _time(a.at), a.analyst or "—", a.action, a.target, _audit_detail(a.detail)]
               for a in rows], empty="no audit rows for these posts", small=True),
    ]


def _audit_detail(detail: str) -> str:
    try:
        data = json.loads(detail)
    except ValueError:
        return detail
    return ", ".join(f"{k}={v}" for k, v in data.items() if v is not None) if isinstance(data, dict) else detail


def write(out: Path, ctx) -> list[str]:
    mask = (lambda text: ctx.pseudonymizer.mask_text(text)[0]) if ctx.pseudonymizer else None
    blocks, images = build_blocks(ctx, mask)
    title = getattr(ctx, "title", None) or DEFAULT_TITLE
    for name, svg in images:
        (out / name).write_text(svg, encoding="utf-8")
    (out / "report.md").write_text(render_markdown(blocks), encoding="utf-8")
    (out / "report.html").write_text(render_html(blocks, title, ctx.tlp), encoding="utf-8")
    ctx.extra_manifest["tlp"] = ctx.tlp
    return ["report.md", "report.html", *(name for name, _ in images)]
