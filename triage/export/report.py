"""The case report: findings for people, as Markdown (``report.md``) and self-contained HTML
(``report.html``: inline CSS, no external assets, a CSP that forbids loading any).

Both are rendered from one list of blocks, so they say the same thing. Every untrusted string
(post text, handles, names, urls, notes) passes the core sanitizer (control, bidi and
zero-width characters become visible placeholders) and is then escaped for the target:
HTML-escaped, or every ASCII punctuation character backslash-escaped in Markdown (CommonMark
reads none of them as markup then: no links, no HTML, no emphasis).

Evidence spans are offsets into ``posts.text``; they are mapped through pseudonymization (when
on) and ``sanitize_with_offsets`` so the highlight sits on the same words. When
``triage.analytics`` is installed, each author gets an indicators-per-week text chart.
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
from ..sanitize import sanitize, sanitize_with_offsets
from ..store import export_queries as q
from .prepared import PreparedPost, Span
from .selection import iso_utc

# ---- the document model --------------------------------------------------------------------


@dataclass
class Heading:
    level: int
    text: str


@dataclass
class Facts:
    items: list[tuple[str, str]]


@dataclass
class Table:
    headers: list[str]
    rows: list[list[str]]
    empty: str = "none"


@dataclass
class Evidence:
    """Text in runs; a run with indicators is highlighted."""

    runs: list[tuple[str, tuple[str, ...]]] = field(default_factory=list)


@dataclass
class Pre:
    """Text we made ourselves (a chart): monospace, shown as is."""

    text: str


Block = Heading | Facts | Table | Evidence | Pre


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


def _merge_marked(runs):
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


def render_markdown(blocks: Sequence[Block]) -> str:
    out: list[str] = []
    for b in blocks:
        if isinstance(b, Heading):
            out += ["#" * b.level + " " + md_escape(b.text), ""]
        elif isinstance(b, Facts):
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
        elif isinstance(b, Pre):
            out += ["````text", b.text, "````", ""]  # four: a chart never holds a run of four backticks
    return "\n".join(out).rstrip() + "\n"


# ---- HTML -----------------------------------------------------------------------------------

CSS = """
body{font:15px/1.45 system-ui,sans-serif;max-width:60rem;margin:2rem auto;padding:0 1rem;color:#111;background:#fff}
h1,h2,h3,h4{line-height:1.2}h3{border-top:1px solid #bbb;padding-top:1rem}
table{border-collapse:collapse;margin:.5rem 0 1rem;width:100%}
th,td{border:1px solid #bbb;padding:.2rem .4rem;text-align:left;vertical-align:top;overflow-wrap:anywhere}
th{background:#eee}dl{display:grid;grid-template-columns:max-content 1fr;gap:.1rem 1rem}dt{font-weight:bold}
dd{margin:0;overflow-wrap:anywhere}
.post{white-space:pre-wrap;overflow-wrap:anywhere;border-left:4px solid #555;padding:.5rem .8rem;background:#f6f6f6}
mark{background:#ffd54f;color:#000;font-weight:bold;text-decoration:underline;padding:0 .1em}
.empty{font-style:italic;color:#555}pre{font-size:12px;line-height:1.1;overflow-x:auto}
@media print{h3{break-before:page}}
"""


def h(text: str) -> str:
    return html.escape(sanitize(text), quote=True)


def render_html(blocks: Sequence[Block], title: str) -> str:
    body: list[str] = []
    for b in blocks:
        if isinstance(b, Heading):
            body.append(f"<h{b.level}>{h(b.text)}</h{b.level}>")
        elif isinstance(b, Facts):
            body.append("<dl>" + "".join(f"<dt>{h(k)}</dt><dd>{h(v)}</dd>" for k, v in b.items) + "</dl>")
        elif isinstance(b, Table):
            if not b.rows:
                body.append(f'<p class="empty">{h(b.empty)}</p>')
                continue
            head = "".join(f"<th>{h(c)}</th>" for c in b.headers)
            rows = "".join("<tr>" + "".join(f"<td>{h(c)}</td>" for c in row) + "</tr>" for row in b.rows)
            body.append(f"<table><thead><tr>{head}</tr></thead><tbody>{rows}</tbody></table>")
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
        elif isinstance(b, Pre):
            body.append(f"<pre>{h(b.text)}</pre>")
    return (
        "<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">\n"
        # Nothing may load from anywhere, even if some text ever slipped through unescaped.
        "<meta http-equiv=\"Content-Security-Policy\" content=\"default-src 'none'; style-src 'unsafe-inline'\">\n"
        "<meta name=\"referrer\" content=\"no-referrer\">\n"
        f"<title>{h(title)}</title>\n<style>{CSS}</style></head>\n<body>\n"
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
        if kind == "label":
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


def build_blocks(ctx, mask=None) -> list[Block]:
    """The report for ``ctx.posts``; ``mask`` pseudonymizes free text such as notes."""
    conn = ctx.store.conn
    posts: list[PreparedPost] = ctx.posts
    ids = [p.post.id for p in posts]
    mask = mask or (lambda text: text)
    labels, verdicts, notes = (_by_post(q.label_history(conn, ids)), _by_post(q.verdict_history(conn, ids)),
                               _by_post(q.notes(conn, ids)))
    audit_rows = q.audit_for_posts(conn, ids)
    chain = ctx.store.verify_audit()
    author_ids = list(dict.fromkeys(p.post.author_id for p in posts if p.post.author_id is not None))
    authors = q.author_summaries(conn, author_ids)
    shown = {p.post.author_id: (p.author, p.author_id) for p in posts}
    here: dict[int, int] = {}
    for p in posts:
        here[p.post.author_id] = here.get(p.post.author_id, 0) + 1

    blocks: list[Block] = [
        Heading(1, "Case report"),
        Facts([
            ("generated", _time(ctx.generated_at)),
            ("analyst", ctx.analyst),
            ("tool", f"triage {__version__}"),
            ("posts", str(len(posts))),
            ("authors", str(len(authors))),
            ("selection", _filter_text(ctx.filter_dict()) or "all"),
            ("pseudonymized", "yes" if ctx.pseudonymized else "no"),
            ("audit chain", f"ok, {chain.rows} rows verified" if chain.ok
             else f"BROKEN at row {chain.broken_at}: {chain.reason}"),
        ]),
        Heading(2, "Authors"),
        Table(["author", "author id", "source", "name", "posts in store", "first seen", "last seen", "posts here",
               "detector indicators (posts)", "confirmed (posts)"],
              [[shown[a.id][0] or "—", shown[a.id][1] or "—", a.source,
                ("—" if ctx.pseudonymized else a.display_name or "—"), str(a.post_count), _time(a.first_seen),
                _time(a.last_seen), str(here.get(a.id, 0)), _counts(a.indicator_posts), _counts(a.confirmed)]
               for a in authors]),
    ]
    blocks += _timelines(conn, authors, shown, here)
    blocks.append(Heading(2, "Posts"))
    for p in posts:
        post = p.post
        blocks += [
            Heading(3, p.ref),
            Facts([
                ("time (UTC)", p.created_at), ("source", post.source), ("author", p.author or "—"),
                ("url", p.url or "—"), ("score", "—" if post.score is None else f"{post.score:.3f}"),
                ("flagged", "yes" if post.flagged else "no"), ("disposition", post.disposition or "—"),
                ("indicators (cats)", ", ".join(f"{k}={v}" for k, v in p.cats.items()) or "—"),
                ("detector", post.detector_version or "—"), ("store id", str(post.id)),
            ]),
            Evidence(evidence_runs(p.text, p.spans)),
            Heading(4, "Evidence"),
            Table(["indicator", "evidence", "rule", "origin", "score"],
                  [[s.indicator, p.text[s.start:s.end], s.rule or "—", s.origin or "—",
                    "—" if s.score is None else f"{s.score:.2f}"] for s in p.spans], empty="no detector hits"),
            Heading(4, "Labels"),
            Table(["time (UTC)", "analyst", "decision"],
                  _history_rows(labels.get(post.id, []), verdicts.get(post.id, [])), empty="not labeled"),
            Heading(4, "Notes"),
            Table(["time (UTC)", "analyst", "note"],
                  [[_time(n.at), n.analyst or "—", mask(n.body)] for n in notes.get(post.id, [])],
                  empty="no notes"),
        ]
    blocks += [
        Heading(2, "Audit trail"),
        Table(["row", "time (UTC)", "analyst", "action", "posts", "detail"],
              [[str(a.id), _time(a.at), a.analyst or "—", a.action, a.target, _audit_detail(a.detail)]
               for a in audit_rows], empty="no audit rows for these posts"),
    ]
    return blocks


# Charts for the authors with the most posts in the report; more would bury the posts.
MAX_CHARTS = 12


def _timelines(conn, authors, shown, here) -> list[Block]:
    """Each author's indicators per week as a plotext text chart, when triage.analytics has
    them (optional here: a report without charts is still the whole report)."""
    try:
        from ..analytics.charts import timeline_chart
        from ..analytics.timeline import author_timeline
    except ImportError:
        return []
    blocks: list[Block] = [Heading(3, "Indicators per week")]
    for a in sorted(authors, key=lambda a: (-here.get(a.id, 0), a.id))[:MAX_CHARTS]:
        try:
            chart = timeline_chart(author_timeline(conn, [a.id]), width=78, height=12, colour=False)
        except Exception as exc:  # a chart must never cost the analyst the report
            chart = f"(chart unavailable: {type(exc).__name__})"
        blocks += [Heading(4, shown[a.id][0] or str(a.id)), Pre(chart)]
    return blocks


def _audit_detail(detail: str) -> str:
    try:
        data = json.loads(detail)
    except ValueError:
        return detail
    return ", ".join(f"{k}={v}" for k, v in data.items() if v is not None) if isinstance(data, dict) else detail


def write(out: Path, ctx) -> list[str]:
    mask = (lambda text: ctx.pseudonymizer.mask_text(text)[0]) if ctx.pseudonymizer else None
    blocks = build_blocks(ctx, mask)
    (out / "report.md").write_text(render_markdown(blocks), encoding="utf-8")
    (out / "report.html").write_text(render_html(blocks, "Case report"), encoding="utf-8")
    return ["report.md", "report.html"]
