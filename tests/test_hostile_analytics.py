"""Analytics and tagging never die on one post (issue 15): a store holding impossible dates
(filled before imports were bounded) still analyses, shows and exports; posts left untagged are
tagged by the next import; a post longer than the detector reads is tagged on its first part
and the post view says so; evidence highlighting is linear in the hits."""

from __future__ import annotations

import json
import sqlite3

from hypothesis import given, settings, strategies as st
from rich.text import Text

from triage.store.queries import HitRow, PostDetail
from triage.tagging import TAG_TEXT_CHARS

from .test_hostile_records import PEAK_RSS_LIMIT_MB, good, run, stored


def test_a_store_with_impossible_dates_still_analyses_and_exports(tmp_path):
    src = tmp_path / "in.jsonl"
    src.write_text("\n".join(json.dumps(good(i)) for i in range(6)) + "\n")
    db = tmp_path / "s.db"
    assert run(db, "import", "--no-tag", src)[0] == 0
    conn = sqlite3.connect(db)
    # What an unchecked import once stored: year ~3e12, year 0 in UTC, 9999-12-31 -14:00.
    conn.execute("UPDATE posts SET created_at = 100000000000000000 WHERE external_id = 'g1'")
    conn.execute("UPDATE posts SET created_at = -62135647200 WHERE external_id = 'g2'")
    conn.execute("UPDATE posts SET created_at = 253402351199 WHERE external_id = 'g3'")
    conn.commit()
    conn.close()
    for args in (["analyze"], ["author", "alice"], ["author", "alice", "--json"], ["overview"], ["stats"],
                 ["export", "--format", "report", "--any-label", "--out", tmp_path / "case"],
                 ["export", "--format", "csv", "--any-label", "--out", tmp_path / "sheet"]):
        code, out, err, peak = run(db, *args)
        assert code == 0, (args, err)
        assert "Traceback" not in err
        assert peak < PEAK_RSS_LIMIT_MB, args


def test_posts_left_untagged_are_tagged_by_the_next_import(tmp_path):
    first = tmp_path / "a.jsonl"
    first.write_text("\n".join(json.dumps(good(i)) for i in range(5)) + "\n")
    db = tmp_path / "s.db"
    assert run(db, "import", "--no-tag", first)[0] == 0  # as a killed import leaves them
    code, out, _err, _ = run(db, "stats", "--json")
    assert json.loads(out)["untagged"] == 5
    second = tmp_path / "b.jsonl"
    second.write_text(json.dumps({**good(9), "id": "later"}) + "\n")
    code, out, err, _ = run(db, "import", second)
    assert code == 0, err
    assert "tagged 5 posts left untagged by an earlier run" in out
    code, out, _err, _ = run(db, "stats", "--json")
    assert json.loads(out)["untagged"] == 0


async def test_the_console_status_line_says_how_many_posts_wait_for_tagging(tmp_path):
    from triage.config import Config
    from triage.screens.app import TriageApp

    from .test_console import screen_text

    src = tmp_path / "a.jsonl"
    src.write_text("\n".join(json.dumps(good(i)) for i in range(3)) + "\n")
    db = tmp_path / "s.db"
    assert run(db, "import", "--no-tag", src)[0] == 0
    app = TriageApp(db, Config(analyst="t", timezone="UTC"))
    async with app.run_test(size=(120, 30)) as pilot:
        await pilot.pause()
        await app.workers.wait_for_complete()
        await pilot.pause()
        assert "3 untagged: triage tag" in screen_text(app)


def test_a_post_longer_than_the_detector_reads_is_tagged_and_marked(tmp_path):
    long_text = "I will hurt them all tomorrow. " + "calm words here " * ((TAG_TEXT_CHARS // 16) + 1000)
    src = tmp_path / "long.jsonl"
    src.write_text(json.dumps({**good(1), "text": long_text}) + "\n" + json.dumps(good(2)) + "\n")
    db = tmp_path / "s.db"
    code, _out, err, _ = run(db, "import", src)
    assert code == 0, err
    assert len(stored(db)["g1"]) == len(long_text)  # the store keeps it whole
    conn = sqlite3.connect(db)
    assert conn.execute("SELECT COUNT(*) FROM posts WHERE tagged_at IS NULL").fetchone()[0] == 0
    conn.close()

    from triage.screens.formatting import post_text as shown
    detail = _detail(long_text, [])
    assert f"the detector read the first {TAG_TEXT_CHARS:,} characters" in shown(detail, 100_000, TAG_TEXT_CHARS).plain


def _detail(text: str, hits: list[HitRow]) -> PostDetail:
    return PostDetail(id=1, source="s", external_id="e", text=text, created_at=0, created_raw="", collected_at=0,
                      url=None, reply_to=None, lang=None, lat=None, lon=None, place=None, score=0.5, flagged=True,
                      indicators=[], detector_version="v", disposition=None, author_id=1, author_handle="a",
                      author_name=None, author_posts=1, raw_sha256="", hits=hits)


def _reference(detail: PostDetail) -> Text:
    """The former splice-per-label highlighting (quadratic), kept as the specification."""
    from triage.sanitize import sanitize_with_offsets
    from triage.screens.formatting import EVIDENCE_STYLE, TAG_STYLE

    clean, to_clean = sanitize_with_offsets(detail.text)
    text = Text(clean)
    tags: dict[int, list[str]] = {}
    for hit in detail.hits:
        if hit.end <= hit.start or hit.start >= len(detail.text):
            continue
        start, end = to_clean(hit.start), to_clean(hit.end)
        text.stylize(EVIDENCE_STYLE, start, end)
        tags.setdefault(end, [])
        if hit.indicator not in tags[end]:
            tags[end].append(hit.indicator)
    for end in sorted(tags, reverse=True):
        text = text[:end] + Text(f"⟦{'+'.join(tags[end])}⟧", style=TAG_STYLE) + text[end:]
    return text


def _styled_chars(text: Text) -> list[tuple[str, frozenset]]:
    marks = [set() for _ in text.plain]
    for span in text.spans:
        for i in range(span.start, min(span.end, len(marks))):
            marks[i].add(str(span.style))
    return list(zip(text.plain, map(frozenset, marks)))


@settings(max_examples=150, deadline=None)
@given(st.text(alphabet="ab \x1b\u202e", min_size=1, max_size=40),
       st.lists(st.tuples(st.integers(0, 45), st.integers(1, 8), st.sampled_from(["threat", "plan"])), max_size=8))
def test_linear_highlighting_matches_the_former_rendering(body, raw_hits):
    from triage.screens.formatting import post_text

    hits = [HitRow(indicator=ind, score=0.9, start=s, end=min(s + n, len(body)), text="", rule="r", origin="rule")
            for s, n, ind in raw_hits]
    detail = _detail(body, hits)
    assert _styled_chars(post_text(detail, 10_000)) == _styled_chars(_reference(detail))


def test_sixty_thousand_hits_render_in_one_pass():
    """A 1 MB post with 62k rule hits froze the console for 12 minutes a visit; the rendering is
    now linear (the speed itself is pinned in bench/, not here): every span is still placed."""
    from triage.screens.formatting import post_text

    unit = "kill them "
    body = unit * 100_000
    hits = [HitRow(indicator="threat", score=0.9, start=i * len(unit), end=i * len(unit) + 4, text="kill",
                   rule="r", origin="rule") for i in range(62_000)]
    text = post_text(_detail(body, hits), 2_000_000)
    assert text.plain.count("⟦threat⟧") == 62_000
    assert len(text.spans) >= 124_000


HOSTILE_SOURCE = "evil\x1b]52;c;ZXZpbA==\x07\u2063src"


def _hostile_source_store(tmp_path):
    src = tmp_path / "in.jsonl"
    src.write_text(json.dumps({**good(1), "source": HOSTILE_SOURCE}) + "\n")
    db = tmp_path / "s.db"
    assert run(db, "import", "--no-tag", src)[0] == 0
    return db


def test_stats_shows_a_hostile_source_name_sanitized(tmp_path):
    db = _hostile_source_store(tmp_path)
    code, out, err, _ = run(db, "stats")
    assert code == 0, err
    assert "\x1b" not in out and "\x07" not in out and "\u2063" not in out
    assert "evil␛]52;c;ZXZpbA==␇⟨U+2063⟩src" in out


async def test_the_filter_dialog_lists_a_hostile_source_sanitized(tmp_path):
    from textual.widgets import Select

    from triage.config import Config
    from triage.screens.app import TriageApp

    from .test_console import screen_text

    db = _hostile_source_store(tmp_path)
    app = TriageApp(db, Config(analyst="t", timezone="UTC"))
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.pause()
        await app.workers.wait_for_complete()
        await pilot.press("f")
        await pilot.pause()
        select = app.screen.query_one("#f-source", Select)
        select.expanded = True
        await pilot.pause()
        shown = screen_text(app)
        assert "\x1b" not in shown and "\x07" not in shown and "\u2063" not in shown
        assert "evil␛]52;c;ZXZpbA==␇⟨U+2063⟩src" in shown


async def test_a_huge_post_with_many_hits_is_read_a_page_at_a_time(tmp_path):
    """A 1 MB post with 62k rule hits once froze the console for 12 minutes a visit: now each
    page of max_post_chars shows with its evidence, and ] / [ turn the pages."""
    from triage.config import Config
    from triage.records import PostRecord
    from triage.screens.app import TriageApp
    from triage.store import Store, TagResult

    unit = "kill them "
    huge = unit * 100_000
    db = tmp_path / "big.db"
    with Store.open(db) as writer:
        res = writer.add_posts([PostRecord("big", "b1", huge, "bigposter", 1_780_000_000, "x", raw="{}")])
        hits = [("threat", 0.9, i * len(unit), i * len(unit) + 4, "kill", "r", "rule") for i in range(62_000)]
        writer.write_tags([TagResult(res.first_new_id, 0.99, True, ["threat"], hits)], "test-1")
    app = TriageApp(db, Config(analyst="t", timezone="UTC"))

    def post_view() -> str:
        return "".join(seg.text for line in app.screen.query_one("#post-pane").lines for seg in line)

    async with app.run_test(size=(100, 30)) as pilot:
        await pilot.pause()
        await app.workers.wait_for_complete()
        await pilot.pause()
        assert "page 1 of 10, characters 1-100,000" in post_view()
        await pilot.press("right_square_bracket")
        await pilot.pause()
        view = post_view()
        assert "page 2 of 10, characters 100,001-200,000" in view
        assert "kill⟦threat⟧ them" in view  # the evidence of this page is highlighted
        await pilot.press("left_square_bracket", "left_square_bracket")
        await pilot.pause()
        assert "page 1 of 10" in post_view()


@settings(max_examples=150, deadline=None)
@given(st.text(alphabet="ab \x1b", min_size=1, max_size=30),
       st.lists(st.tuples(st.integers(0, 35), st.integers(0, 8), st.sampled_from(["threat", "plan"])), max_size=8))
def test_report_evidence_runs_match_the_former_rule(body, raw_spans):
    """The report's evidence runs (now one sweep) cover each run with exactly the spans around it."""
    from triage.export.prepared import Span
    from triage.export.report import evidence_runs
    from triage.sanitize import sanitize_with_offsets

    spans = [Span(ind, s, s + n, "r", "rule", 0.9) for s, n, ind in raw_spans]
    runs = evidence_runs(body, spans)
    clean, to_clean = sanitize_with_offsets(body)
    assert "".join(text for text, _ in runs) == clean
    marks = [(to_clean(max(0, s.start)), to_clean(min(len(body), s.end)), s.indicator) for s in spans]
    marks = [m for m in marks if m[1] > m[0]]
    pos = 0
    for text, covering in runs:
        expected = tuple(sorted({ind for s, e, ind in marks if s <= pos and pos + len(text) <= e}))
        assert covering == expected
        pos += len(text)


def test_a_report_of_a_post_with_sixty_thousand_hits_keeps_every_mark():
    from triage.export.prepared import Span
    from triage.export.report import evidence_runs

    unit = "kill them "
    spans = [Span("threat", i * len(unit), i * len(unit) + 4, "r", "rule", 0.9) for i in range(62_000)]
    runs = evidence_runs(unit * 100_000, spans)
    assert sum(1 for _, covering in runs if covering == ("threat",)) == 62_000


async def test_the_console_opens_its_screens_on_a_store_with_impossible_dates(tmp_path):
    """After the 1e20 post the console once crashed as it opened (exit 0)."""
    from triage.config import Config
    from triage.screens.app import TriageApp
    from triage.store.queries import QueueFilter

    from .test_console import screen_text

    src = tmp_path / "in.jsonl"
    src.write_text("\n".join(json.dumps(good(i)) for i in range(6)) + "\n")
    db = tmp_path / "s.db"
    assert run(db, "import", "--no-tag", src)[0] == 0
    conn = sqlite3.connect(db)
    conn.execute("UPDATE posts SET created_at = 100000000000000000 WHERE external_id = 'g1'")
    conn.execute("UPDATE posts SET created_at = -62135647200 WHERE external_id = 'g2'")
    conn.execute("UPDATE posts SET flagged = 1, score = 0.9")  # in the queue, whatever the detector says
    conn.commit()
    conn.close()
    app = TriageApp(db, Config(analyst="t", timezone="UTC"))
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.pause()
        await app.workers.wait_for_complete()
        app.screen._apply_filter(QueueFilter(label_state="any"))
        await pilot.pause()
        await app.workers.wait_for_complete()
        seen = ""
        for _ in range(6):
            seen += screen_text(app)
            await pilot.press("j")
            await pilot.pause()
        assert "(out of range: 100000000000000000)" in seen  # shown as what it is, not a crash
        await pilot.press("a")  # the author's profile: timeline, hours
        await pilot.pause()
        await app.workers.wait_for_complete()
        await pilot.pause()
        assert app.is_running
        await pilot.press("q", "o")  # the overview: heat map by week
        await pilot.pause()
        await app.workers.wait_for_complete()
        await pilot.pause()
        assert app.is_running
