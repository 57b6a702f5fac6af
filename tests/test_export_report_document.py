"""The case report as a document to send: its title, the TLP marking at the top and bottom (and
in every printed page's margins), a summary whose numbers are the store's, the authors of
concern with their timeline as a well-formed SVG image, and a compact print (pages counted by
printing the demo store's report to PDF with WeasyPrint in a child process)."""

from __future__ import annotations

import importlib.util
import json
import re
import sqlite3
import subprocess
import sys
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest

from triage.analytics.timeline import Timeline, TimelineBucket
from triage.export import ExportFilter, run_export
from triage.export.svg_timeline import SVG_NS, timeline_svg

from .test_export_fixtures import ANALYST, store  # noqa: F401  (fixture)
from .test_export_report import add_hostile_post
from .test_export_stix import copy_store, triage_binary

ROOT = Path(__file__).resolve().parents[1]


def _export(store, tmp_path, **kw):
    run_export(store, "report", tmp_path / "case", ExportFilter(label_state="any"), analyst=ANALYST, **kw)
    return (tmp_path / "case" / "report.md").read_text(), (tmp_path / "case" / "report.html").read_text()


def test_title_and_tlp_banner_top_and_bottom_and_in_every_page_margin(store, tmp_path):
    md, page = _export(store, tmp_path, tlp="red", title="Case 17: <Mayor> threats")
    body = page[page.index("<body>"):]
    assert body.count('<div class="tlp tlp-red">TLP:RED</div>') == 2
    assert body.index("TLP:RED") < body.index("<h1>") and body.rindex("TLP:RED") > body.index("<h2>Custody</h2>")
    assert "<h1>Case 17: &lt;Mayor&gt; threats</h1>" in page
    assert "<title>TLP:RED Case 17: &lt;Mayor&gt; threats</title>" in page
    assert re.search(r'@top-center\{content:"TLP:RED"[^}]*color:#ff2b2b', page)
    assert re.search(r'@bottom-center\{content:"TLP:RED"', page)
    assert md.startswith("**TLP:RED**\n\n# Case 17: \\<Mayor\\> threats") and md.rstrip().endswith("**TLP:RED**")
    manifest = json.loads((tmp_path / "case" / "manifest.json").read_text())
    assert manifest["tlp"] == "red"


def test_the_default_title_and_marking(store, tmp_path):
    md, page = _export(store, tmp_path)
    assert "<h1>Case report</h1>" in page and page.count("TLP:AMBER</div>") == 2


def _rows(section: str) -> dict[str, list[str]]:
    return {cells[0]: cells[1:] for cells in
            (re.findall(r"<td>(.*?)</td>", row) for row in re.findall(r"<tr>(.*?)</tr>", section)) if cells}


def test_summary_numbers_are_the_stores(store, tmp_path):
    _, page = _export(store, tmp_path)
    summary = page[page.index("<h2>Summary</h2>"):page.index("<h2>Authors</h2>")]
    db = sqlite3.connect(store.path)
    posts, flagged, labeled, first, last = db.execute(
        "SELECT COUNT(*), SUM(flagged), SUM(disposition IS NOT NULL), MIN(created_at), MAX(created_at) FROM posts"
    ).fetchone()
    assert f"<dd>{posts} ({flagged} flagged, {labeled} labeled)</dd>" in summary
    first_day = sqlite3.connect(":memory:").execute(
        "SELECT strftime('%Y-%m-%dT%H:%M:%SZ', ?, 'unixepoch'), strftime('%Y-%m-%dT%H:%M:%SZ', ?, 'unixepoch')",
        (first, last)).fetchone()
    assert f"<dd>{first_day[0]} to {first_day[1]} ({(last - first) // 86400 + 1} days)</dd>" in summary
    rows = _rows(summary)
    detected = dict(db.execute("SELECT indicator, COUNT(DISTINCT post_id) FROM hits GROUP BY indicator"))
    for indicator, n in detected.items():
        assert rows[indicator][0] == str(n), indicator
    # The current verdict per (post, indicator): the latest row.
    current = db.execute("""SELECT indicator, verdict FROM verdicts v WHERE id = (SELECT MAX(id) FROM verdicts
                            WHERE post_id = v.post_id AND indicator = v.indicator)""").fetchall()
    for indicator in ("threat", "weapons", "target", "plan", "distress"):
        assert rows[indicator][1:] == [str(sum(1 for i, v in current if i == indicator and v == 1)),
                                       str(sum(1 for i, v in current if i == indicator and v == 0))], indicator
    assert rows["target"][1] == "1"  # rejected, then confirmed: the latest counts
    for disposition, n in db.execute("SELECT COALESCE(disposition, 'not labeled'), COUNT(*) FROM posts "
                                     "GROUP BY 1"):
        assert rows[disposition] == [str(n)], disposition


def test_hostile_text_never_becomes_markup_in_the_new_sections(store, tmp_path):
    add_hostile_post(store)
    _, page = _export(store, tmp_path, title="<script>alert(1)</script>")
    assert "<script>" not in page and "&lt;script&gt;alert(1)&lt;/script&gt;" in page
    card = page[page.index("<h3>jsonl:h1</h3>"):]
    card = card[:card.index("</section>")]
    assert "<b>author:</b> &lt;b&gt;mallory&lt;/b&gt;" in card
    assert "\x1b" not in page and "\u202e" not in page
    assert '<mark title="threat">I will ␛[31mhurt␛[0m</mark>' in card  # the evidence, marked


def test_the_custody_section_says_what_the_store_verified(store, tmp_path):
    _, page = _export(store, tmp_path)
    custody = page[page.index("<h2>Custody</h2>"):]
    rows = dict(re.findall(r"<dt>(.*?)</dt><dd>(.*?)</dd>", custody))
    assert rows["audit chain"].startswith("ok, ") and rows["evidence tables"] == "ok"
    assert rows["raw captures checked"] == "6 against their SHA-256"
    assert rows["anchored"] == "yes (custody key)"
    assert re.fullmatch(r"audit row \d+ sha256 [0-9a-f]{64} custody-mac [0-9a-f]{64}",
                        rows["anchor (keep it outside the station)"])


def test_timeline_svg_is_well_formed_and_its_bars_are_the_counts():
    buckets = [TimelineBucket("2026-W01", 0, 4, 1, {"threat": 2, "weapons": 1}),
               TimelineBucket("2026-W02", 604800, 0, 0, {}),
               TimelineBucket("2026-W03", 1209600, 6, 2, {"threat": 4})]
    svg = timeline_svg(Timeline("week", buckets, {"threat": 6, "weapons": 1}), "eve\x1b]0;x\x07 <b>&")
    root = ET.fromstring(svg)
    assert root.tag == f"{{{SVG_NS}}}svg"
    assert root.find(f"{{{SVG_NS}}}title").text == "eve␛]0;x␇ <b>&"
    bars = [r for r in root.iter(f"{{{SVG_NS}}}rect") if r.get("data-indicator")]
    assert [(b.get("data-indicator"), b.get("data-count")) for b in bars] == [
        ("threat", "2"), ("weapons", "1"), ("threat", "4")]
    heights = [float(b.get("height")) for b in bars]
    assert heights[2] == pytest.approx(2 * heights[0], abs=0.2) and heights[0] == pytest.approx(2 * heights[1], abs=0.2)
    labels = [t.text for t in root.iter(f"{{{SVG_NS}}}text")]
    assert "T threat 6" in labels and "W weapons 1" in labels and "2026-W01" in labels
    assert ET.fromstring(timeline_svg(Timeline("week", [], {}), "x")).find(f"{{{SVG_NS}}}text").text == "no posts"


@pytest.fixture(scope="module")
def demo_report(demo_db, tmp_path_factory):
    """The demo store's posts with a risk of 0.3 and more, through the real binary."""
    tmp = tmp_path_factory.mktemp("demo-report")
    db = copy_store(demo_db, tmp / "demo.db")
    result = triage_binary(db, "export", "--format", "report", "--out", tmp / "case", "--any-label",
                           "--min-score", "0.3", "--title", "Demo case")
    assert result.returncode == 0, result.stderr
    return db, tmp / "case"


def test_demo_authors_of_concern_each_have_an_svg_timeline(demo_report):
    db, case = demo_report
    page = (case / "report.html").read_text()
    section = page[page.index("<h2>Authors of concern</h2>"):page.index("<h2>Authors</h2>")]
    of_concern = [h for (h,) in sqlite3.connect(db).execute(
        "SELECT a.handle FROM author_concern c JOIN authors a ON a.id = c.author_id WHERE c.concern >= 0.5 "
        "AND a.id IN (SELECT author_id FROM posts WHERE score >= 0.3) ORDER BY c.concern DESC")]
    assert of_concern and re.findall(r"<h3>(.*?)</h3>", section) == of_concern
    svgs = re.findall(r"<svg .*?</svg>", section, re.S)
    assert len(svgs) == len(of_concern)
    for n, svg in enumerate(svgs, 1):
        root = ET.fromstring(svg)  # well-formed
        assert any(r.get("data-indicator") for r in root.iter(f"{{{SVG_NS}}}rect"))
        assert (case / f"timeline-{n}.svg").read_text() == svg  # the Markdown's image is the same picture
    md = (case / "report.md").read_text()
    assert "![" + of_concern[0] + ": indicators per week](timeline-1.svg)" in md.replace("\\_", "_")


def test_demo_report_prints_compactly_with_the_marking_on_every_page(demo_report, tmp_path):
    # The test extra; looked up, not imported: it runs in the child, and its fonts and layout stay
    # out of this session (whose peak RSS the importer fuzz test measures).
    if importlib.util.find_spec("weasyprint") is None:
        pytest.skip("weasyprint (the test extra) is not installed")
    db, case = demo_report
    posts = sqlite3.connect(db).execute("SELECT COUNT(*) FROM posts WHERE score >= 0.3").fetchone()[0]
    out = subprocess.run([sys.executable, str(ROOT / "scripts" / "report_pages.py"), str(case / "report.html"),
                          "--pdf", str(tmp_path / "case.pdf")], capture_output=True, text=True, timeout=300)
    assert out.returncode == 0, out.stderr
    printed = json.loads(out.stdout)
    assert (tmp_path / "case.pdf").read_bytes().startswith(b"%PDF")
    # Several posts a page (the first report took 68 pages for 52 posts).
    assert printed["pages"] <= posts // 3, (printed["pages"], posts)
    for n, text in enumerate(printed["text"], 1):
        assert text.count("TLP:AMBER") >= 2, n  # top and bottom margin of every page
        assert f"{n} / {printed['pages']}" in text
    assert "Demo case" in printed["text"][0] and "Summary" in printed["text"][0]
