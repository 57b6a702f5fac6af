"""The case report: evidence highlighted on the right words, history, notes, authors, audit
trail; HTML self-contained and every untrusted string escaped; Markdown inert."""

from __future__ import annotations

import re

import pytest

from triage.export import ExportFilter, run_export
from triage.export.report import evidence_runs, md_escape
from triage.export.prepared import Span
from triage.records import PostRecord
from triage.store import TagResult

from .test_export_fixtures import ANALYST, T0, store  # noqa: F401  (fixture)

HOSTILE = ("\x1b]0;pwned\x07<script>alert(1)</script> [click](javascript:alert(1)) "
           "\u202eevil\u202c I will \x1b[31mhurt\x1b[0m @victim_99 <img src=http://tracker.example/p.gif>")


def add_hostile_post(store) -> int:
    store.add_posts([PostRecord(source="jsonl", external_id="h1", text=HOSTILE, author_handle="<b>mallory</b>",
                                author_name="<iframe src=x>", created_at=T0, created_raw=str(T0),
                                url="javascript:alert(2)")])
    pid = store.resolve_post("jsonl:h1")
    start = HOSTILE.index("I will")
    end = HOSTILE.index(" @victim_99")
    store.write_tags([TagResult(pid, 0.8, True, ["threat"],
                                [("threat", 0.9, start, end, HOSTILE[start:end], "threat-rule", "rule")])], "rules-1.0")
    store.set_disposition([pid], "escalate", ANALYST)
    store.add_note(pid, "</td><script>steal()</script>", ANALYST)
    return pid


@pytest.fixture
def report(store, tmp_path):
    add_hostile_post(store)
    run_export(store, "report", tmp_path / "case", ExportFilter(label_state="any"), analyst=ANALYST)
    return (tmp_path / "case" / "report.md").read_text(), (tmp_path / "case" / "report.html").read_text()


def test_evidence_spans_are_highlighted_on_the_same_words_after_sanitizing():
    text = "\x1b[1m I will \u202ehurt you"
    start = text.index("hurt")
    runs = evidence_runs(text, [Span("threat", start, start + 4, None, None, None),
                                Span("target", start + 5, len(text), None, None, None)])
    marked = [(t, ind) for t, ind in runs if ind]
    assert marked == [("hurt", ("threat",)), ("you", ("target",))]
    assert "".join(t for t, _ in runs) == "␛[1m I will ⟨RLO⟩hurt you"


def test_overlapping_spans_are_cut_into_runs():
    runs = evidence_runs("abcdef", [Span("threat", 0, 4, None, None, None), Span("target", 2, 6, None, None, None)])
    assert runs == [("ab", ("threat",)), ("cd", ("target", "threat")), ("ef", ("target",))]


def test_the_html_report_highlights_evidence_and_holds_history_notes_authors_and_audit(report):
    _, page = report
    assert '<mark title="weapons">bought a rifle</mark>' in page
    assert '<mark title="target, threat">@mayor_bob</mark>' in page
    p1 = page.index("<h3>jsonl:p1</h3>")
    history = page[p1:page.index("</section>", p1)]
    assert re.search(r"<td>bo</td><td>disposition monitor</td>.*<td>ana</td><td>disposition escalate</td>", history)
    assert "target rejected" in history and "target confirmed" in history and "plan verdict cleared" in history
    assert "Escalated to @mayor_bob&#x27;s security detail" in history
    assert "&lt;b&gt;locally&lt;/b&gt;" in history
    authors = page[page.index("<h2>Authors</h2>"):page.index("<h2>Evidence posts</h2>")]
    assert "<td>grim_reaper_77</td><td>acct-grim-77</td><td>jsonl</td><td>Grim Reaper 77</td><td>2</td>" in authors
    assert "threat 2, target 1, weapons 1" in authors
    audit = page[page.index("<h2>Custody</h2>"):]
    assert audit.count("<tr>") >= 15 and "<td>verdict</td>" in audit and "<td>note</td>" in audit
    assert "audit chain</dt><dd>ok," in page


def test_the_html_report_is_self_contained_and_escapes_every_untrusted_string(report):
    _, page = report
    tags = set(re.findall(r"<([a-zA-Z0-9]+)", page))
    assert tags <= {"html", "head", "meta", "title", "style", "body", "h1", "h2", "h3", "h4", "dl", "dt", "dd",
                    "table", "thead", "tbody", "tr", "th", "td", "div", "mark", "p", "b", "section",
                    "svg", "g", "line", "rect", "text", "polyline"}
    attributes = " ".join(re.findall(r"<[a-zA-Z][^>]*>", page))
    assert not re.search(r"(?i)\b(src|href|on\w+)\s*=", attributes)  # nothing loads, nothing runs
    assert not re.search(r"(?i)url\(|@import", page.split("</style>")[0])
    assert "default-src 'none'" in page
    assert "\x1b" not in page and "\u202e" not in page and "\x07" not in page
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page and "&lt;/td&gt;&lt;script&gt;steal()" in page
    assert "&lt;b&gt;mallory&lt;/b&gt;" in page and "&lt;iframe src=x&gt;" in page
    assert "⟨RLO⟩evil" in page and "␛]0;pwned␇" in page
    assert '<mark title="threat">I will ␛[31mhurt␛[0m</mark>' in page


def test_the_markdown_report_is_inert_and_says_the_same(report):
    md, _ = report
    assert "> I **bought a rifle** and **I will shoot @mayor\\_bob at city hall** https://t.co/x1" in md
    assert "\x1b" not in md and "\u202e" not in md
    assert "\\<script\\>alert(1)\\</script\\>" in md
    assert "\\[click\\](javascript:alert(1))" in md
    assert "**I will ␛\\[31mhurt␛\\[0m**" in md
    assert "> **nobody would miss me**. I can't go on like this.\\\n> **no one cares**" in md
    assert "| bo | disposition monitor |" in md
    assert "## Custody" in md and "### Audit trail of these posts" in md


@pytest.mark.parametrize("text, escaped", [
    ("a|b", "a\\|b"), ("*x*", "\\*x\\*"), ("<b>", "\\<b\\>"), ("line1\nline2", "line1 ⏎ line2"),
    ("&amp;", "\\&amp;"), ("`code`", "\\`code\\`"), ("[x](y)", "\\[x\\](y)"), ("plain 1.5", "plain 1.5"),
])
def test_markdown_escaping(text, escaped):
    assert md_escape(text) == escaped
