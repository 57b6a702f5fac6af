"""The hostile corpus (data/demo/hostile.jsonl) through import → tag → console → every export
format: nothing crashes, no escape byte reaches the screen, exports keep the text faithfully
and no format breaks."""

from __future__ import annotations

import csv
import json
import sqlite3

import pytest

from .conftest import REPO

HOSTILE = REPO / "data" / "demo" / "hostile.jsonl"


@pytest.fixture(scope="module")
def hostile_db(tmp_path_factory):
    from click.testing import CliRunner

    from triage.cli import main

    db = tmp_path_factory.mktemp("hostile") / "h.db"
    result = CliRunner().invoke(main, ["--db", str(db), "import", str(HOSTILE)], catch_exceptions=False)
    assert result.exit_code == 0, result.output
    conn = sqlite3.connect(db)
    ids = [r[0] for r in conn.execute("SELECT id FROM posts ORDER BY id")]
    conn.execute("UPDATE posts SET flagged = 1")  # every hostile post in the queue, whatever its score
    conn.commit()
    conn.close()
    from triage.store import Store

    with Store.open(db) as store:
        store.set_disposition(ids, "monitor", "tester")  # labeled: the labeled-set exports take them
        for i, post_id in enumerate(ids):  # both kinds of verdict, so a DocBin has a label to train
            store.set_verdict(post_id, "threat", i % 2, "tester")
    return db


def stored_texts(db) -> dict[str, str]:
    conn = sqlite3.connect(db)
    try:
        return {f"{s}:{e}": t for s, e, t in conn.execute("SELECT source, external_id, text FROM posts")}
    finally:
        conn.close()


async def test_console_walks_every_hostile_post(hostile_db):
    from triage.config import Config
    from triage.screens.app import TriageApp
    from triage.screens.queue_list import QueueList
    from triage.store.queries import QueueFilter

    from .test_console import screen_text

    app = TriageApp(hostile_db, Config(analyst="t", timezone="UTC"))
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.pause()
        await app.workers.wait_for_complete()
        app.screen._apply_filter(QueueFilter(label_state="any"))
        await pilot.pause()
        await app.workers.wait_for_complete()
        queue = app.screen.query_one(QueueList)
        assert len(queue.ids) == sum(1 for line in open(HOSTILE, encoding="utf-8") if line.strip())
        for _ in range(len(queue.ids)):
            shown = screen_text(app)
            assert "\x1b" not in shown and "\x07" not in shown and "\u202e" not in shown and "\x00" not in shown
            await pilot.press("j")
            await pilot.pause()
        assert app.is_running


@pytest.mark.parametrize("fmt", ["jsonl", "csv", "report", "docbin"])
def test_every_export_format_keeps_hostile_text_faithfully(hostile_db, tmp_path, fmt):
    from triage.export import ExportFilter, run_export, verify
    from triage.store import Store

    texts = stored_texts(hostile_db)
    out = tmp_path / fmt
    with Store.open(hostile_db) as store:
        result = run_export(store, fmt, out, ExportFilter(), analyst="tester")
    assert result.posts == len(texts)
    assert verify(out).ok
    if fmt == "jsonl":
        rows = [json.loads(line) for f in sorted(out.glob("*.jsonl")) for line in f.read_text("utf-8").splitlines()]
        assert {r["id"]: r["text"] for r in rows} == texts
    elif fmt == "csv":
        (sheet,) = out.glob("*.csv")
        csv.field_size_limit(1 << 30)  # the hostile corpus holds a 1 MB post
        with open(sheet, encoding="utf-8-sig", newline="") as fh:
            rows = list(csv.DictReader(fh))
        assert len(rows) == len(texts)
        from triage.sanitize import sanitize, spreadsheet_cell

        for r in rows:
            original = texts[r["id"].lstrip("'")]
            cell = r["text"]
            # CSV injection neutralised, control characters made visible, text otherwise intact.
            assert cell == spreadsheet_cell(original)
            assert cell.lstrip("'") == sanitize(original)
        raw = sheet.read_text("utf-8-sig")
        assert not any(ch in raw for ch in "\x00\x1b\x07\x9b\u202e")
        for r in rows:
            for value in r.values():
                lead = value.lstrip(" \t\r\n\u2400\u00a0")
                assert lead[:1] not in ("=", "+", "-", "@") or value.startswith("'")
    elif fmt == "report":
        html = next(out.glob("*.html")).read_text("utf-8")
        assert "<script" not in html.lower().replace("&lt;script", "")
        assert "\x1b" not in html
    else:
        import spacy
        from spacy.tokens import DocBin

        nlp = spacy.blank("en")
        docs = [d for f in out.glob("*.spacy") for d in DocBin().from_disk(f).get_docs(nlp.vocab)]
        assert sorted(d.text for d in docs) == sorted(texts.values())
