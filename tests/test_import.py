"""`triage import`: streaming JSONL/CSV, field mapping, bad records reported and skipped."""

from __future__ import annotations

import json

from triage.store import Store

from .backend import rows
from .conftest import post, write_jsonl


def posts_in(db_path):
    return rows(db_path, "SELECT source, external_id, text FROM posts ORDER BY id")


def test_bad_lines_are_reported_with_line_numbers_and_good_lines_kept(tmp_path, cli, db_path):
    path = tmp_path / "mixed.jsonl"
    with open(path, "wb") as fh:
        fh.write(json.dumps(post(1)).encode() + b"\n")
        fh.write(b'{"id": "2", "text": "unterminated\n')  # broken JSON
        fh.write(json.dumps({"id": "3", "author": "x", "created_at": 1}).encode() + b"\n")  # no text
        fh.write(b'{"id":"4","text":"caf\xe9","author":"x","created_at":1780000000}\n')  # invalid UTF-8
        fh.write(json.dumps(post(5, text="x" * (5 * 1024 * 1024))).encode() + b"\n")  # a 5 MB line
        fh.write(json.dumps(post(6, created_at="the day after tomorrow")).encode() + b"\n")
        fh.write(b"\n")
        fh.write(json.dumps(post(8)).encode() + b"\n")
    result = cli("import", "--no-tag", path)
    assert result.exit_code == 3
    errors = result.stderr.splitlines()
    assert errors == [
        f"{path}:2: broken JSON at column 21: Unterminated string starting at",
        f"{path}:3: text: missing",
        f"{path}:4: invalid UTF-8 at byte 21 of the line",
        f"{path}:5: line is 5.0 MB, over the 4.0 MB limit (max_line_bytes)",
        f"{path}:6: created_at: unrecognised time format: 'the day after tomorrow'",
    ]
    assert [p[1] for p in posts_in(db_path)] == ["1", "8"]
    assert "2 read, 2 added, 0 already stored, 5 bad" in result.stdout


def test_strict_stops_at_the_first_bad_line_keeping_what_came_before(tmp_path, cli, db_path):
    rows = [post(i) for i in range(1, 6)] + ["{not json"] + [post(i) for i in range(7, 10)]
    path = write_jsonl(tmp_path / "s.jsonl", rows)
    result = cli("import", "--no-tag", "--strict", "--batch-size", "2", path)
    assert result.exit_code == 1
    assert f"stopped at {path}:6: broken JSON at column 2" in result.stderr
    assert [p[1] for p in posts_in(db_path)] == ["1", "2", "3", "4", "5"]


def test_importing_twice_changes_nothing(tmp_path, cli, db_path):
    path = write_jsonl(tmp_path / "p.jsonl", [post(i) for i in range(300)])
    cli("import", "--no-tag", "--batch-size", "64", path)
    before = posts_in(db_path)
    second = cli("import", "--no-tag", path)
    assert "300 read, 0 added, 300 already stored" in second.stdout
    assert posts_in(db_path) == before and len(before) == 300


def test_fields_mentions_hashtags_geo_and_raw_time_are_stored(tmp_path, cli, db_path):
    row = {"id": "a1", "text": "see you @bob_k at #Riverside tonight", "author": "@alice",
           "author_name": "Alice K", "created_at": "2026-08-14T22:31:05+02:00", "url": "https://ex.org/a1",
           "reply_to": "a0", "lang": "en", "lat": "51.5", "lon": -0.12, "source": "mastodon"}
    cli("import", "--no-tag", write_jsonl(tmp_path / "f.jsonl", [row]))
    with Store.open(db_path, readonly=True) as store:
        got = store.conn.execute(
            "SELECT p.source, p.created_at, p.created_raw, p.mentions, p.hashtags, p.lat, p.lon, p.url, p.reply_to, "
            "a.handle, a.display_name FROM posts p JOIN authors a ON a.id = p.author_id").fetchone()
    assert got == ("mastodon", 1786739465, "2026-08-14T22:31:05+02:00", '["bob_k"]', '["Riverside"]', 51.5, -0.12,
                   "https://ex.org/a1", "a0", "alice", "Alice K")


def test_csv_with_mapping_quoted_newlines_and_bad_rows(tmp_path, cli, db_path):
    path = tmp_path / "p.csv"
    path.write_text(
        "post_id,body,user,when\n"
        '1,"hello, world",al,2026-01-01T00:00:00Z\n'
        '2,"two\nlines",bo,1780000000\n'
        "3,bad time,cy,never\n"
        "4,too,many,cells,here\n"
        "5,fine,dee,1780000500\n", encoding="utf-8")
    result = cli("import", "--no-tag", "--map", "id=post_id,text=body,author=user,created_at=when", path)
    assert result.exit_code == 3
    assert result.stderr.splitlines() == [
        f"{path}:5: when: unrecognised time format: 'never'",
        f"{path}:6: has 5 columns, the header has 4",
    ]
    assert posts_in(db_path) == [("csv", "1", "hello, world"), ("csv", "2", "two\nlines"), ("csv", "5", "fine")]


def test_csv_without_required_columns_says_which(tmp_path, cli):
    path = tmp_path / "p.csv"
    path.write_text("id,body\n1,hi\n")
    result = cli("import", "--no-tag", path)
    assert result.exit_code == 3
    assert "header has no column 'author', 'created_at', 'text'" in result.stderr


def test_nested_json_mapping(tmp_path, cli, db_path):
    row = {"id_str": "9", "full_text": "nested", "user": {"screen_name": "zed"}, "created_at": 1780000000}
    path = write_jsonl(tmp_path / "n.jsonl", [row])
    result = cli("import", "--no-tag", "--map", "id=id_str,text=full_text,author=user.screen_name", path)
    assert result.exit_code == 0, result.stderr
    with Store.open(db_path, readonly=True) as store:
        assert store.conn.execute("SELECT a.handle FROM authors a").fetchone()[0] == "zed"


def test_unknown_map_field_and_format_are_one_line_errors(tmp_path, cli):
    path = write_jsonl(tmp_path / "p.jsonl", [post(1)])
    result = cli("import", "--map", "body=text", path)
    assert result.exit_code == 1 and result.stderr.count("\n") == 1
    assert "--map: unknown field(s) body" in result.stderr
    result = cli("import", "--format", "myspace", path)
    assert "--format 'myspace': no such importer" in result.stderr


def test_stats_json_has_the_promised_keys(tmp_path, cli):
    cli("import", "--no-tag", write_jsonl(tmp_path / "p.jsonl", [post(i) for i in range(10)]))
    cli("label", "1", "2", "--as", "benign")
    data = json.loads(cli("stats", "--json").stdout)
    assert (data["posts"], data["authors"], data["flagged"], data["labeled"]) == (10, 7, 0, 2)


def test_import_memory_stays_flat_on_a_large_file(tmp_path, db_path):
    """Constant memory: peak RSS importing 200k posts is close to importing 20k."""
    import resource
    import subprocess
    import sys

    def peak_kb(n: int) -> int:
        path = tmp_path / f"big{n}.jsonl"
        with open(path, "w") as fh:
            for i in range(n):
                fh.write(json.dumps(post(i, text=f"post {i} " + "lorem ipsum " * 20)) + "\n")
        code = ("import resource, sys; from triage.cli import main\n"
                "try: main(['--db', sys.argv[1], 'import', '--no-tag', '-q', sys.argv[2]])\n"
                "except SystemExit: pass\n"
                "print(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss)")
        out = subprocess.run([sys.executable, "-c", code, str(tmp_path / f"s{n}.db"), str(path)],
                             capture_output=True, text=True, check=True)
        return int(out.stdout.strip().splitlines()[-1])

    small, large = peak_kb(10_000), peak_kb(100_000)
    assert large < small * 1.3 + 20_000, (small, large)
    del resource


def test_demo_dataset_imports_cleanly_and_twice_changes_nothing(cli):
    from .conftest import REPO

    demo = REPO / "data" / "demo" / "posts.jsonl"
    first = cli("import", "--no-tag", demo)
    assert first.exit_code == 0, first.stderr
    counts = json.loads(cli("stats", "--json").stdout)
    again = cli("import", "--no-tag", demo)
    assert again.exit_code == 0 and " 0 added" in again.stdout
    assert json.loads(cli("stats", "--json").stdout) == counts
    assert counts["posts"] == sum(1 for line in open(demo, encoding="utf-8") if line.strip())
    assert counts["authors"] > 300 and len(counts["by_source"]) >= 4


def test_hostile_corpus_imports_every_record(cli, db_path):
    from .conftest import REPO

    hostile = REPO / "data" / "demo" / "hostile.jsonl"
    result = cli("import", "--no-tag", hostile)
    assert result.exit_code == 0, result.stderr
    rows = sum(1 for line in open(hostile, encoding="utf-8") if line.strip())
    with Store.open(db_path, readonly=True) as store:
        assert store.conn.execute("SELECT COUNT(*) FROM posts").fetchone()[0] == rows
        # A lone surrogate cannot be stored as text: U+FFFD stands in, the raw copy keeps the escape.
        raw, text = store.conn.execute("SELECT raw, text FROM posts WHERE raw LIKE '%\\ud83d%'").fetchone()
        assert "\\ud83d" in raw and "\ufffd" in text
