"""`triage labels import`: labels from the JSONL export (or Prodigy's output) land on the existing
posts of a real store, by source:external_id or by text, with their analyst and time, audited."""

from __future__ import annotations

import gzip
import json

from triage.store import Store

from .backend import rows
from .conftest import Cli
from .test_export import read_jsonl, verdicts_in_store
from .test_export_fixtures import ANALYST, POSTS, T0, build_store, record


def bare_store(path) -> None:
    """The same six posts as the export fixture, with no label at all."""
    store = Store.open(path)
    store.add_posts([record(ext, h, uid, text, n) for n, (ext, h, uid, text, _, _) in enumerate(POSTS)])
    store.close()


def table(db, sql):
    return rows(db, sql)


def exported_set(tmp_path, db):
    build_store(db).close()
    out = tmp_path / "set"
    result = Cli(db)("export", "--format", "jsonl", "--out", out)
    assert result.exit_code == 0, result.stderr
    return out


def test_a_labeled_export_restores_every_label_on_a_fresh_store_without_a_duplicate(tmp_path, db_path,
                                                                                   other_db_path):
    out = exported_set(tmp_path, other_db_path)
    bare_store(db_path)
    cli = Cli(db_path)
    for name in ("train.jsonl", "dev.jsonl"):
        result = cli("labels", "import", out / name)
        assert result.exit_code == 0, result.stderr
    assert table(db_path, "SELECT COUNT(*) FROM posts") == [(6,)]
    current_a, dispositions_a = verdicts_in_store(other_db_path)
    current_b, dispositions_b = verdicts_in_store(db_path)
    assert dispositions_b == dispositions_a
    for ref, verdicts in current_a.items():  # every current verdict came back (cleared ones stay unknown)
        assert {i: v for i, v in current_b[ref].items() if v is not None} == \
               {i: v for i, v in verdicts.items() if v is not None}, ref
    # who and when: the label rows carry the exporting analysts and the export's label time
    records = {r["id"]: r for name in ("train.jsonl", "dev.jsonl") for r in read_jsonl(out / name)}
    rows = table(db_path, "SELECT p.source || ':' || p.external_id, l.analyst, l.at FROM labels l "
                                    "JOIN posts p ON p.id = l.post_id")
    assert {ref: who for ref, who, _ in rows} == {"jsonl:p1": ANALYST, "jsonl:p2": ANALYST, "jsonl:p3": ANALYST,
                                                  "jsonl:p4": ANALYST}
    for ref, _, at in rows:
        assert records[ref]["labeled_at"].startswith(
            __import__("datetime").datetime.fromtimestamp(at, __import__("datetime").timezone.utc)
            .strftime("%Y-%m-%dT%H:%M:%S"))
    assert table(db_path, "SELECT DISTINCT analyst FROM verdicts ORDER BY 1") == [(ANALYST,), ("bo",)]
    audit = table(db_path, "SELECT action, analyst, detail FROM audit WHERE action IN "
                                     "('label', 'verdict', 'labels-import')")
    assert {a for a, _, _ in audit} == {"label", "verdict", "labels-import"}
    for action, _, detail in audit:
        if action != "labels-import":
            assert json.loads(detail)["imported_by"] == "tester"
    assert Cli(db_path)("audit", "verify").exit_code == 0

    back = tmp_path / "back"
    assert cli("export", "--format", "jsonl", "--out", back, "--dev-fraction", "0").exit_code == 0
    again_records = {r["id"]: r for r in read_jsonl(back / "train.jsonl")}
    keys = ("cats", "disposition", "answer", "analyst", "labeled_at", "text")
    assert {ref: [r[k] for k in keys] for ref, r in again_records.items()} == \
           {ref: [r[k] for k in keys] for ref, r in records.items()}

    again = cli("labels", "import", out / "train.jsonl")  # the same file twice writes nothing new
    assert again.exit_code == 0 and " 0 dispositions, 0 verdicts, 0 notes written" in again.stdout


def test_reimporting_into_the_exporting_store_changes_nothing(tmp_path, db_path):
    out = exported_set(tmp_path, db_path)
    before = table(db_path, "SELECT COUNT(*) FROM labels"), table(db_path, "SELECT COUNT(*) FROM verdicts")
    result = Cli(db_path)("labels", "import", out / "train.jsonl")
    assert result.exit_code == 0, result.stderr
    assert "0 dispositions, 0 verdicts, 0 notes written" in result.stdout
    assert (table(db_path, "SELECT COUNT(*) FROM labels"),
            table(db_path, "SELECT COUNT(*) FROM verdicts")) == before
    assert table(db_path, "SELECT COUNT(*) FROM posts") == [(6,)]


def test_prodigy_output_lands_by_text_with_its_annotator_time_and_notes_and_bad_lines_are_named(tmp_path, db_path):
    bare_store(db_path)
    lines = [
        # binary textcat, no id: matched by text
        {"text": POSTS[3][3], "label": "distress", "answer": "accept", "_annotator_id": "review-kim",
         "_timestamp": T0 + 600, "_session_id": "s1"},
        # choice: chosen options 1, the others 0
        {"id": "jsonl:p1", "text": POSTS[0][3], "options": [{"id": "threat"}, {"id": "plan"}], "accept": ["threat"],
         "answer": "accept", "_annotator_id": "review-kim", "_timestamp": T0 + 700, "note": "kim: clear threat"},
        {"text": POSTS[2][3], "label": "threat", "answer": "ignore", "_timestamp": T0},  # ignored: nothing
        {"id": "jsonl:nope", "cats": {"threat": 1}},  # no such post
        {"id": "jsonl:p2", "cats": {"rage": 1}},  # unknown indicator
        {"id": "jsonl:p2", "disposition": "nuke"},  # not a disposition
    ]
    path = tmp_path / "reviewed.jsonl.gz"
    path.write_bytes(gzip.compress(("\n".join(json.dumps(x) for x in lines) + "\n{broken\n").encode()))
    result = Cli(db_path)("labels", "import", path)
    assert result.exit_code == 3
    errors = result.stderr.strip().splitlines()
    assert errors == [
        f"{path}:4: no post jsonl:nope in this store",
        f"{path}:5: cats: unknown indicator 'rage' (known: {', '.join(__import__('triage.indicators').indicators.INDICATORS)})",
        f"{path}:6: disposition: 'nuke' is not one of escalate, monitor, benign, unclear",
        f"{path}:7: broken JSON at column 2: Expecting property name enclosed in double quotes",
    ]
    assert "3 posts matched, 0 dispositions, 3 verdicts, 1 notes written" in result.stdout
    verdicts = table(db_path, "SELECT p.external_id, v.indicator, v.verdict, v.analyst, v.at FROM verdicts v "
                                        "JOIN posts p ON p.id = v.post_id ORDER BY v.id")
    assert verdicts == [("p4", "distress", 1, "review-kim", T0 + 600), ("p1", "threat", 1, "review-kim", T0 + 700),
                        ("p1", "plan", 0, "review-kim", T0 + 700)]
    assert table(db_path, "SELECT body, analyst FROM notes") == [("kim: clear threat", "review-kim")]


def test_labels_come_from_standard_input(tmp_path, db_path):
    bare_store(db_path)
    line = json.dumps({"id": "jsonl:p5", "disposition": "monitor", "analyst": "lee", "labeled_at": "2026-06-01T10:00:00Z"})
    result = Cli(db_path)("labels", "import", "-", input=line + "\n")
    assert result.exit_code == 0, result.stderr
    assert table(db_path, "SELECT disposition, analyst, at FROM labels") == [("monitor", "lee", 1780308000.0)]


def test_an_id_with_an_empty_part_is_one_line_not_a_traceback(tmp_path, db_path):
    bare_store(db_path)
    lines = [{"id": "reddit:", "cats": {"threat": 1}}, {"id": ":p1", "disposition": "monitor"},
             {"id": "jsonl:", "text": POSTS[3][3], "disposition": "benign"}]  # the text still names a post
    path = tmp_path / "odd.jsonl"
    path.write_text("\n".join(json.dumps(x) for x in lines) + "\n")
    result = Cli(db_path)("labels", "import", path)
    assert result.exit_code == 3, result.stderr
    assert result.stderr.strip().splitlines() == [
        f"{path}:1: id: missing (give id \"source:external_id\", or the post's text)",
        f"{path}:2: id: missing (give id \"source:external_id\", or the post's text)",
    ]
    assert table(db_path, "SELECT p.external_id, l.disposition FROM labels l JOIN posts p ON p.id = l.post_id") \
        == [("p4", "benign")]


def test_another_analysts_same_decision_is_a_second_rating_not_a_duplicate(tmp_path):
    """Agreement counts both analysts: a label equal to the post's current one but from someone
    else is kept; the same analyst's same label again is not."""
    bare_store(tmp_path / "b.db")
    cli = Cli(tmp_path / "b.db")
    lee = json.dumps({"id": "jsonl:p5", "disposition": "monitor", "analyst": "lee", "labeled_at": "2026-06-01T10:00:00Z",
                      "cats": {"threat": 1}})
    kim = json.dumps({"id": "jsonl:p5", "disposition": "monitor", "analyst": "kim", "labeled_at": "2026-06-01T11:00:00Z",
                      "cats": {"threat": 1}})
    for lines in ([lee], [kim], [lee, kim]):
        assert cli("labels", "import", "-", input="\n".join(lines) + "\n").exit_code == 0
    assert table(tmp_path / "b.db", "SELECT analyst, disposition FROM labels ORDER BY id") == [("lee", "monitor"),
                                                                                                ("kim", "monitor")]
    assert table(tmp_path / "b.db", "SELECT analyst, indicator, verdict FROM verdicts ORDER BY id") == [
        ("lee", "threat", 1), ("kim", "threat", 1)]
