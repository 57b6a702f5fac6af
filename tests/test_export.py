"""`triage export`: JSONL and CSV on a real store, the manifest, verify, the audit entry, the CLI."""

from __future__ import annotations

import csv
import json

import pytest

from triage.export import ExportError, ExportFilter, run_export, verify
from triage.sanitize import spreadsheet_cell
from triage.indicators import INDICATORS, TEXT_INDICATORS

from .backend import connection, store_file
from .conftest import Cli
from .test_export_fixtures import ANALYST, POSTS, build_store, store  # noqa: F401  (fixture)


def read_jsonl(path) -> list[dict]:
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines()]


def exported(directory) -> dict[str, dict]:
    return {r["id"]: r for name in ("train.jsonl", "dev.jsonl") for r in read_jsonl(directory / name)}


def verdicts_in_store(db) -> dict[str, dict[str, int | None]]:
    """Current verdicts straight from the table (latest row per post and indicator), not via export code."""
    with connection(db) as conn:
        rows = conn.execute(
            "SELECT p.source || ':' || p.external_id, v.indicator, v.verdict, p.disposition FROM verdicts v "
            "JOIN posts p ON p.id = v.post_id ORDER BY v.id").fetchall()
        dispositions = dict(conn.execute("SELECT source || ':' || external_id, disposition FROM posts"))
    current: dict[str, dict] = {ref: {} for ref in dispositions}
    for ref, indicator, verdict, _ in rows:
        current[ref][indicator] = verdict
    return current, dispositions


def test_jsonl_cats_are_exactly_what_the_verdicts_say(store, tmp_path, db_path):
    result = run_export(store, "jsonl", tmp_path / "set", analyst=ANALYST)
    records = exported(tmp_path / "set")
    assert sorted(records) == ["jsonl:p1", "jsonl:p2", "jsonl:p3", "jsonl:p4", "jsonl:p5"]  # p6: not labeled
    assert (result.posts, result.train + result.dev) == (5, 5)

    current, dispositions = verdicts_in_store(db_path)
    for ref, rec in records.items():
        expected = {i: 0 for i in TEXT_INDICATORS} if dispositions[ref] == "benign" else {}
        expected.update({i: v for i, v in current[ref].items() if v is not None})
        assert rec["cats"] == expected, ref
        assert list(rec["cats"]) == [i for i in INDICATORS if i in expected]  # vocabulary order

    p1 = records["jsonl:p1"]["cats"]
    assert p1 == {"threat": 1, "weapons": 1, "target": 1}  # target 0 then 1: latest wins; plan cleared: absent
    assert records["jsonl:p3"]["cats"] == {i: 0 for i in TEXT_INDICATORS}  # benign, no behavior_change
    assert records["jsonl:p4"]["cats"]["distress"] == 1  # benign, but the explicit verdict wins
    assert records["jsonl:p5"]["cats"] == {"plan": 0}


def test_jsonl_records_carry_the_interchange_and_prodigy_fields(store, tmp_path):
    run_export(store, "jsonl", tmp_path / "set", analyst=ANALYST)
    records = exported(tmp_path / "set")
    p1 = records["jsonl:p1"]
    assert p1["text"] == POSTS[0][3]
    assert (p1["source"], p1["created_at"], p1["disposition"]) == ("jsonl", "2026-05-28T20:26:40Z", "escalate")
    assert p1["analyst"] == ANALYST  # who set the latest label ("bo" set the first one)
    assert p1["meta"] == {
        "store_id": store.resolve_post("jsonl:p1"), "author": "grim_reaper_77", "author_id": "acct-grim-77",
        "url": "https://social.example/grim_reaper_77/p1", "score": 0.91, "flagged": True,
        "detector_version": "rules-1.0", "hits": {"weapons": 1, "threat": 1, "target": 1}, "notes": 1,
    }
    answers = {ref: r["answer"] for ref, r in records.items()}
    assert answers == {"jsonl:p1": "accept", "jsonl:p2": "accept", "jsonl:p3": "reject", "jsonl:p4": "reject",
                       "jsonl:p5": "reject"}
    assert records["jsonl:p5"]["analyst"] == "bo"  # verdicts only: who set the latest verdict
    for r in records.values():
        assert isinstance(r["_input_hash"], int) and -2**31 <= r["_input_hash"] < 2**31
        assert isinstance(r["_task_hash"], int) and -2**31 <= r["_task_hash"] < 2**31


def test_jsonl_carries_prodigys_spans_accept_options_and_label(store, tmp_path):
    run_export(store, "jsonl", tmp_path / "set", analyst=ANALYST)
    records = exported(tmp_path / "set")
    p1 = records["jsonl:p1"]
    assert [(s["label"], p1["text"][s["start"]:s["end"]]) for s in p1["spans"]] == [
        ("weapons", "bought a rifle"), ("threat", "I will shoot @mayor_bob"), ("target", "@mayor_bob at city hall")]
    assert p1["label"] == "THREAT_LEAKAGE" and p1["answer"] == "accept"
    assert [o["id"] for o in p1["options"]] == ["threat", "weapons", "target"]  # the known ones only
    assert p1["accept"] == ["threat", "weapons", "target"]
    p5 = records["jsonl:p5"]
    assert (p5["options"], p5["accept"], p5["answer"]) == ([{"id": "plan", "text": "manifestos and detailed plans"}],
                                                            [], "reject")
    assert records["jsonl:p3"]["spans"] == [] and records["jsonl:p3"]["accept"] == []


def test_relabeling_keeps_the_input_hash_and_changes_the_task_hash(store, tmp_path):
    run_export(store, "jsonl", tmp_path / "a", analyst=ANALYST)
    store.set_verdict(store.resolve_post("jsonl:p2"), "weapons", 0, ANALYST)
    run_export(store, "jsonl", tmp_path / "b", analyst=ANALYST)
    a, b = exported(tmp_path / "a")["jsonl:p2"], exported(tmp_path / "b")["jsonl:p2"]
    assert a["_input_hash"] == b["_input_hash"]
    assert a["_task_hash"] != b["_task_hash"]
    assert exported(tmp_path / "a")["jsonl:p1"]["_task_hash"] == exported(tmp_path / "b")["jsonl:p1"]["_task_hash"]


@pytest.mark.parametrize("value, expected", [
    ("=1+1", "'=1+1"), ("+1 to that", "'+1 to that"), ("-2", "'-2"), ("@SUM(A1)", "'@SUM(A1)"),
    ("\tcmd", "'\tcmd"), ("\rcmd", "'␍cmd"), ("a=1", "a=1"), ("", ""), (0.5, 0.5), ("hello -world", "hello -world"),
    # LibreOffice skips leading NUL, whitespace and control characters before it looks for a formula.
    ("\x00=HYPERLINK(\"http://x\")", "'␀=HYPERLINK(\"http://x\")"), (" =1+1", "' =1+1"),
    ("\u00a0\u3000@SUM(A1)", "'\u00a0\u3000@SUM(A1)"), ("\x01\x02-3", "'␁␂-3"), ("＝1+1", "'＝1+1"),
    # No control character reaches the file: grepping it never retitles a terminal.
    ("see \x1b]0;owned\x07 now", "see ␛]0;owned␇ now"), ("\u2063hidden\U000E0041", "⟨U+2063⟩hidden⟨TAG A⟩"),
])
def test_a_cell_that_a_spreadsheet_would_run_is_neutralised(value, expected):
    assert spreadsheet_cell(value) == expected


def test_csv_has_a_row_per_post_a_column_per_indicator_and_faithful_text(store, tmp_path):
    run_export(store, "csv", tmp_path / "sheet", ExportFilter(label_state="any"), analyst=ANALYST)
    raw = (tmp_path / "sheet" / "posts.csv").read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf")  # BOM: Excel reads UTF-8
    with open(tmp_path / "sheet" / "posts.csv", encoding="utf-8-sig", newline="") as fh:
        rows = {r["id"]: r for r in csv.DictReader(fh)}
    assert sorted(rows) == [f"jsonl:p{i}" for i in range(1, 7)]
    texts = {f"jsonl:{ext}": text for ext, _, _, text, _, _ in POSTS}
    assert rows["jsonl:p2"]["text"] == "'" + texts["jsonl:p2"]  # starts with "=": a formula otherwise
    assert rows["jsonl:p6"]["text"] == "'" + texts["jsonl:p6"]  # starts with "+"
    for ref in ("jsonl:p1", "jsonl:p3", "jsonl:p4", "jsonl:p5"):
        assert rows[ref]["text"] == texts[ref]  # quotes, commas and the newline in p4 survive
    p1 = rows["jsonl:p1"]
    assert [p1[i] for i in INDICATORS] == ["1", "", "", "1", "", "1", "", "", "", ""]
    assert (p1["author"], p1["disposition"], p1["url"], p1["created_at"]) == (
        "grim_reaper_77", "escalate", "https://social.example/grim_reaper_77/p1", "2026-05-28T20:26:40Z")
    assert [rows["jsonl:p3"][i] for i in TEXT_INDICATORS] == ["0"] * 9
    assert rows["jsonl:p6"]["disposition"] == "" and rows["jsonl:p6"]["threat"] == ""


def test_every_export_writes_a_manifest_and_an_audit_entry(store, tmp_path):
    result = run_export(store, "jsonl", tmp_path / "set", analyst=ANALYST, dev_fraction=0.4)
    manifest = json.loads((tmp_path / "set" / "manifest.json").read_text())
    assert {f["path"] for f in manifest["files"]} == {"train.jsonl", "dev.jsonl"}
    for f in manifest["files"]:
        assert f["size"] == (tmp_path / "set" / f["path"]).stat().st_size and len(f["sha256"]) == 64
    assert manifest["format"] == "jsonl" and manifest["analyst"] == ANALYST
    assert manifest["tool"]["version"] and manifest["detector_versions"] == ["rules-1.0"]
    assert manifest["pseudonymized"] is False and manifest["created_at"].endswith("Z")
    assert manifest["filter"]["label_state"] == "labeled"
    counts = manifest["counts"]
    assert (counts["posts"], counts["train"] + counts["dev"]) == (5, 5)
    assert counts["indicators"]["threat"]["positive"] == 2 and counts["indicators"]["threat"]["negative"] == 2
    assert counts["indicators"]["plan"]["negative"] == 3
    dev = read_jsonl(tmp_path / "set" / "dev.jsonl")
    assert counts["dev"] == len(dev) > 0
    for indicator, c in counts["indicators"].items():
        assert c["dev_positive"] == sum(r["cats"].get(indicator) == 1 for r in dev)
        assert c["dev_negative"] == sum(r["cats"].get(indicator) == 0 for r in dev)

    row = store.conn.execute("SELECT action, target, detail, analyst FROM audit ORDER BY id DESC LIMIT 1").fetchone()
    assert (row[0], row[1], row[3]) == ("export", str(tmp_path / "set"), ANALYST)
    detail = json.loads(row[2])
    assert detail["manifest_sha256"] == result.manifest["manifest_sha256"]
    assert detail["files"] == {f["path"]: f["sha256"] for f in manifest["files"]}
    assert store.verify_audit().ok


def test_verify_names_a_changed_a_missing_and_an_extra_file(store, tmp_path):
    out = tmp_path / "set"
    run_export(store, "jsonl", out, analyst=ANALYST)
    assert verify(out).ok and verify(out).checked == 2

    data = bytearray((out / "train.jsonl").read_bytes())
    data[10] ^= 0x01  # one bit of one byte
    (out / "train.jsonl").write_bytes(bytes(data))
    (out / "dev.jsonl").unlink()
    (out / "notes.txt").write_text("added later")
    report = verify(out)
    assert not report.ok
    assert report.problems == ["train.jsonl: changed since export (SHA-256 differs from the manifest)",
                               "dev.jsonl: missing", "notes.txt: extra file, not in the manifest"]


def test_an_export_goes_only_into_a_new_or_empty_directory_and_leaves_nothing_when_it_fails(store, tmp_path, db_path):
    (tmp_path / "full").mkdir()
    (tmp_path / "full" / "x").write_text("x")
    with pytest.raises(ExportError, match="not an empty directory"):
        run_export(store, "jsonl", tmp_path / "full", analyst=ANALYST)
    with pytest.raises(ExportError, match="no posts match"):
        run_export(store, "jsonl", tmp_path / "none", ExportFilter(sources=("reddit",)), analyst=ANALYST)
    (tmp_path / "empty").mkdir()
    run_export(store, "csv", tmp_path / "empty", analyst=ANALYST)
    own = store_file(db_path)  # a SQLite store lives beside the exports, with its WAL files
    store_files = [own.name, own.name + "-shm", own.name + "-wal"] if own else []
    assert sorted(p.name for p in tmp_path.iterdir()) == sorted(["empty", "full", *store_files])


def test_cli_exports_and_verifies(tmp_path, db_path):
    build_store(db_path).close()
    cli = Cli(db_path)
    out = tmp_path / "sheet"
    result = cli("export", "--format", "csv", "--out", out, "--disposition", "escalate,monitor",
                 "--since", "2026-05-28", "--until", "2026-05-29")
    assert result.exit_code == 0, result.stderr
    assert f"exported 2 posts as csv to {out}" in result.stdout
    ok = cli("export", "verify", out)
    assert ok.exit_code == 0 and f"{out}: 1 files match manifest.json" in ok.stdout
    assert "manifest.json matches audit row" in ok.stdout

    (out / "posts.csv").write_bytes((out / "posts.csv").read_bytes().replace(b"escalate", b"escalatE"))
    bad = cli("export", "verify", out)
    assert bad.exit_code == 1
    assert f"{out}: posts.csv: changed since export" in bad.stderr
    assert bad.stderr.strip().splitlines()[-1] == f"triage: error: {out}: export does not verify (1 problem(s))"


def test_cli_takes_marked_posts_by_id_or_reference_and_splits_labeled_sets(tmp_path, db_path):
    build_store(db_path).close()
    cli = Cli(db_path)
    out = tmp_path / "sets" / "2026-05"  # parents are made
    result = cli("export", "--format", "jsonl", "--out", out, "--ids", "6,jsonl:p1", "--dev-fraction", "0")
    assert result.exit_code == 0, result.stderr
    assert "exported 2 posts (2 train, 0 dev) as jsonl" in result.stdout
    assert sorted(r["id"] for r in read_jsonl(out / "train.jsonl")) == ["jsonl:p1", "jsonl:p6"]


@pytest.mark.parametrize("args, message", [
    ((), "give --format and --out"),
    (("--format", "csv", "--out", "x", "--ids", "jsonl:nope"), "no post 'jsonl:nope'"),
    (("--format", "csv", "--out", "x", "--indicator", "rage"), "unknown indicator(s) rage"),
    (("--format", "csv", "--out", "x", "--since", "soon"), "'soon': unrecognised time format"),
    (("--format", "csv", "--out", "x", "--source", "reddit"), "no posts match the filter"),
])
def test_cli_problems_are_one_line(tmp_path, db_path, args, message):
    build_store(db_path).close()
    result = Cli(db_path)("export", *args)
    assert result.exit_code == 1
    assert result.stderr.count("\n") == 1 and message in result.stderr


def test_a_manifest_rewritten_to_match_edited_files_is_not_in_the_audit_log(tmp_path, db_path):
    from triage.export.manifest import file_entry

    build_store(db_path).close()
    cli = Cli(db_path)
    out = tmp_path / "sheet"
    cli("export", "--format", "csv", "--out", out)
    (out / "posts.csv").write_text("id,text\nforged,row\n")
    manifest = json.loads((out / "manifest.json").read_text())
    manifest["files"] = [file_entry(out, "posts.csv")]
    (out / "manifest.json").write_text(json.dumps(manifest))
    result = cli("export", "verify", out)
    assert result.exit_code == 1  # the files agree with the (forged) manifest, which the store never wrote
    assert "files match manifest.json" in result.stdout
    assert "manifest.json is not in this store's audit log" in result.output
    files_only = cli("export", "verify", "--files-only", out)  # a recipient without the store
    assert files_only.exit_code == 0 and "not checked against a store" in files_only.stdout


def test_every_manifest_carries_the_custody_anchor(tmp_path, db_path):
    build_store(db_path).close()
    cli = Cli(db_path)
    out = tmp_path / "set"
    assert cli("export", "--format", "jsonl", "--out", out).exit_code == 0
    anchor = json.loads((out / "manifest.json").read_text())["custody_anchor"]
    assert anchor.startswith("audit row ") and " custody-mac " in anchor and not anchor.endswith("none")
