"""File importers for the air-gapped path: Telegram Desktop exports, X archives, Reddit dumps.
Sample files in tests/fixtures/collectors follow each format's real layout, malformed
entries included; they go through `triage import` as an analyst would run it."""

from __future__ import annotations

import io
import json
import shutil
import tracemalloc
import zipfile
from pathlib import Path

import pytest
import zstandard

from triage.collectors.runner import run_collector
from triage.collectors.discovery import detect_format, get_collector
from triage.store import Store

from . import backend

FIXTURES = Path(__file__).parent / "fixtures" / "collectors"
TELEGRAM_CHAT = FIXTURES / "telegram" / "chat_result.json"
TELEGRAM_ACCOUNT = FIXTURES / "telegram" / "account_result.json"
X_DIR = FIXTURES / "x_archive"
REDDIT = FIXTURES / "reddit"


def rows(db_path, columns="p.external_id, p.text") -> dict:
    return {r[0]: r for r in backend.rows(
        db_path, f"SELECT {columns} FROM posts p JOIN authors a ON a.id = p.author_id ORDER BY p.id")}


def zip_archive(tmp_path) -> Path:
    target = tmp_path / "twitter-2024-04-20-5f2c1a.zip"
    with zipfile.ZipFile(target, "w", zipfile.ZIP_DEFLATED) as zf:
        for path in sorted((X_DIR / "data").iterdir()):
            zf.write(path, f"data/{path.name}")
        zf.writestr("assets/js/app.js", "/* viewer */")
    return target


# ---- detection ---------------------------------------------------------------------------


def test_each_format_is_recognised_without_being_told(tmp_path):
    assert detect_format(TELEGRAM_CHAT) == "telegram"
    assert detect_format(TELEGRAM_ACCOUNT) == "telegram"
    assert detect_format(X_DIR / "data" / "tweets.js") == "x-archive"
    assert detect_format(zip_archive(tmp_path)) == "x-archive"
    assert detect_format(REDDIT / "RS_2024-01.zst") == "reddit-dump"
    assert detect_format(REDDIT / "RC_2024-01.zst") == "reddit-dump"
    assert get_collector("x-archive").sniff(X_DIR, b"")  # the unpacked directory too
    plain = tmp_path / "posts.jsonl"
    plain.write_text('{"id": 1, "text": "hi", "author": "a", "created_at": 1}\n{"id": 2}\n')
    assert detect_format(plain) == "jsonl"


# ---- Telegram ----------------------------------------------------------------------------


def test_telegram_chat_export_imports_messages_and_reports_bad_entries(cli, db_path):
    result = cli("import", "--no-tag", TELEGRAM_CHAT)
    assert result.exit_code == 3
    assert result.stderr.splitlines() == [
        f"{TELEGRAM_CHAT}: entry 6: message 6: 'text' is neither a string nor a list (int)",
        f"{TELEGRAM_CHAT}: entry 7: message 7: no 'date_unixtime' (an old export? give the exporter's zone in "
        "the 'timezone' option)",
        f"{TELEGRAM_CHAT}: entry 9: message 9: no sender ('from_id' or 'from')",
    ]
    assert "4 read, 4 added, 0 already stored, 3 bad" in result.stdout  # service message and sticker skipped
    got = rows(db_path, "p.external_id, p.text, a.handle, a.display_name, p.mentions, p.hashtags, p.reply_to, "
                        "p.created_at, p.created_raw, p.source, p.raw")
    assert list(got) == ["1785230044/2", "1785230044/3", "1785230044/4", "1785230044/8"]
    reply = got["1785230044/3"]
    assert reply[1] == "thanks @danak, this commute is killing me anyway #roadworks https://council.example/roadworks"
    assert reply[2:7] == ("user5550002", "Marek", '["danak"]', '["roadworks"]', "1785230044/2")
    # The UTC time is date_unixtime; the exporter-local `date` is kept raw, never read as UTC.
    assert reply[7:10] == (1709370131, "2024-03-02T10:02:11", "telegram")
    forwarded = json.loads(got["1785230044/4"][10])
    assert forwarded["message"]["forwarded_from"] == "City News Channel"
    assert forwarded["chat"] == {"id": 1785230044, "name": "Riverside Neighbours", "type": "private_supergroup"}
    assert got["1785230044/4"][1] == "Police say the suspect wrote online before the attack."


def test_an_old_export_without_unix_times_reads_date_in_the_zone_given(db_path):
    cls = get_collector("telegram")
    with Store.open(db_path) as store:
        summary, _ = run_collector(store, cls({"path": str(TELEGRAM_CHAT), "timezone": "Europe/Warsaw"}))
        created = store.conn.execute(
            "SELECT created_at, created_raw FROM posts WHERE external_id = '1785230044/7'").fetchone()
    assert created == (1709377500, "2024-03-02T12:05:00")  # 12:05 in Warsaw (UTC+1) is 11:05 UTC
    assert summary.problem_count == 2


def test_telegram_full_account_export_takes_every_chat_including_left_ones(cli, db_path):
    result = cli("import", "--no-tag", "--format", "telegram", TELEGRAM_ACCOUNT)
    assert result.exit_code == 3
    assert result.stderr.splitlines() == [f"{TELEGRAM_ACCOUNT}: entry 4: not an object"]
    got = rows(db_path, "p.external_id, p.reply_to, a.handle, p.raw")
    assert list(got) == ["5550002/120001", "5550002/120002", "1600000123/77", "1400000777/5"]
    assert got["5550002/120002"][1:3] == ("5550002/120001", "user5550009")
    assert json.loads(got["1400000777/5"][3])["chat"]["name"] == "Old Club"


def test_a_truncated_export_keeps_what_came_before_the_break(tmp_path, cli, db_path):
    text = TELEGRAM_CHAT.read_text()
    cut = tmp_path / "result.json"
    cut.write_text(text[:text.index('"id": 8')])
    result = cli("import", "--no-tag", "--format", "telegram", cut)
    assert result.exit_code == 3
    assert result.stderr.splitlines()[-1].startswith(f"{cut}: entry 8: broken JSON, reading stopped here:")
    assert list(rows(db_path)) == ["1785230044/2", "1785230044/3", "1785230044/4"]


def test_a_big_export_is_streamed_not_loaded(tmp_path, db_path):
    path = tmp_path / "result.json"
    message = {"id": 0, "type": "message", "date": "2024-01-01T00:00:00", "date_unixtime": "1704067200",
               "from": "Someone", "from_id": "user1", "text": "padding " * 60, "text_entities": []}
    with open(path, "w") as fh:
        fh.write('{"name": "Big", "type": "public_channel", "id": 42, "messages": [')
        for i in range(10_000):
            fh.write(("," if i else "") + json.dumps({**message, "id": i + 1}))
        fh.write("]}")
    collector = get_collector("telegram")({"path": str(path)})
    tracemalloc.start()
    count = sum(1 for _ in collector.collect(_State()))
    peak = tracemalloc.get_traced_memory()[1]
    tracemalloc.stop()
    assert count == 10_000
    assert path.stat().st_size > 5_000_000 and peak < 1_000_000  # one message at a time


class _State:
    cursor = None
    extra: dict = {}

    def progress(self, done, total=None):
        pass


# ---- X archive ---------------------------------------------------------------------------


def test_x_archive_zip_imports_tweets_with_account_and_zone(tmp_path, cli, db_path):
    archive = zip_archive(tmp_path)
    result = cli("import", "--no-tag", archive)
    assert result.exit_code == 3
    assert result.stderr.splitlines() == [
        f"{archive}:data/tweets.js: entry 4: tweet 1780004444555566667: 'created_at': missing time"]
    got = rows(db_path, "p.external_id, p.text, a.handle, a.display_name, p.mentions, p.hashtags, p.reply_to, "
                        "p.reply_to_author, p.url, p.created_at, p.created_raw, p.lat, p.lon, p.raw, p.source")
    assert list(got) == ["1780001111222233334", "1780002222333344445", "1780003333444455556",
                         "1780005555666677778", "1780006666777788889"]
    first = got["1780001111222233334"]
    assert first[2:6] == ("river_walker", "River Walker", '["cityparks"]', '["riverclean"]')
    assert first[8] == "https://x.com/river_walker/status/1780001111222233334"
    assert first[9:11] == (1713247930, "Tue Apr 16 06:12:10 +0000 2024")
    reply = got["1780002222333344445"]
    assert reply[1] == "@jo_runs I would never hurt anyone & you know it <3"  # archives escape &, <, >
    assert reply[6:8] == ("1780000000000000001", "jo_runs")
    assert got["1780003333444455556"][1] == "Bridge closed till May: https://news.example/2024/04/17/bridge-repairs"
    assert got["1780005555666677778"][11:13] == (33.415, -111.94)  # GeoJSON is lon, lat
    raw = json.loads(first[13])
    assert raw["archive"]["time_zone"] == "Arizona" and raw["tweet"]["id_str"] == "1780001111222233334"
    assert json.loads(got["1780006666777788889"][13])["archive"]["deleted"] is True
    assert first[14] == "x"


def test_x_archive_tweets_js_alone_finds_account_js_beside_it(tmp_path, cli, db_path):
    copy = tmp_path / "data"
    shutil.copytree(X_DIR / "data", copy)
    result = cli("import", "--no-tag", copy / "tweets.js")
    assert result.exit_code == 3
    handles = {r[1] for r in rows(db_path, "p.external_id, a.handle").values()}
    assert handles == {"river_walker"}
    assert len(rows(db_path)) == 4  # tweets.js only: the deleted tweets are another file


def test_x_archive_directory(db_path):
    cls = get_collector("x-archive")
    with Store.open(db_path) as store:
        summary, _ = run_collector(store, cls({"path": str(X_DIR), "deleted": False}))
    assert (summary.added, summary.problem_count) == (4, 1)


# ---- Reddit dumps ------------------------------------------------------------------------


def test_the_dumps_need_the_large_zstd_window():
    with open(REDDIT / "RS_2024-01.zst", "rb") as fh, pytest.raises(zstandard.ZstdError):
        zstandard.ZstdDecompressor().stream_reader(fh).read()


def test_reddit_dumps_import_submissions_and_comments_keyed_by_fullname(cli, db_path):
    rs, rc = REDDIT / "RS_2024-01.zst", REDDIT / "RC_2024-01.zst"
    result = cli("import", "--no-tag", rs, rc)
    assert result.exit_code == 3
    assert result.stderr.splitlines() == [
        f"{rs}:4: broken JSON at column 86: Invalid control character at",
        f"{rs}:5: no 'title' (neither a submission nor a comment)",
        f"{rc}:5: not an object",
        f"{rc}:6: 'created_utc': missing time",
    ]
    got = rows(db_path, "p.external_id, p.text, a.handle, p.reply_to, p.created_at, p.created_raw, p.url, "
                        "p.mentions, p.raw, p.source")
    assert list(got) == ["t3_18vq2ab", "t3_18vr9cd", "t3_18vs0ef", "t1_kfx01aa", "t1_kfx02bb", "t1_kfx04dd"]
    assert got["t3_18vq2ab"][1] == "Best stove for winter?\n\nLooking for a stove that works below freezing. Budget ~80."
    assert got["t3_18vq2ab"][6] == "https://www.reddit.com/r/CampingGear/comments/18vq2ab/best_stove_for_winter/"
    assert got["t3_18vr9cd"][1:3] == ("Selling my old tent, DM me", "[deleted]")  # removed body: the title stays
    assert got["t3_18vr9cd"][4:6] == (1704110400, "1704110400")  # created_utc as a string
    assert got["t3_18vs0ef"][7] == '["quiet_hiker"]'
    assert got["t1_kfx01aa"][3] == "t3_18vq2ab" and got["t1_kfx02bb"][3] == "t1_kfx01aa"
    assert got["t1_kfx02bb"][4] == 1704108600  # "1704108600.0"
    assert got["t1_kfx02bb"][6] == "https://www.reddit.com/comments/18vq2ab/_/kfx02bb/"  # no permalink in the dump
    assert got["t1_kfx04dd"][2] == "[deleted]"
    assert json.loads(got["t1_kfx01aa"][8])["link_id"] == "t3_18vq2ab"  # the line as read
    assert {r[9] for r in got.values()} == {"reddit"}
    again = cli("import", "--no-tag", rs, rc)
    assert "3 read, 0 added, 3 already stored" in again.stdout


def test_a_reddit_dump_resumes_from_its_line_cursor(db_path):
    cls = get_collector("reddit-dump")
    path = str(REDDIT / "RC_2024-01.zst")
    with Store.open(db_path) as store:
        summary, cursor = run_collector(store, cls({"path": path}), cursor={"path": path, "line": 2})
    assert summary.added == 1 and summary.problem_count == 2  # lines 3-6: a deleted body, one post, two bad
    assert cursor == {"path": path, "line": 6}


def test_a_plain_ndjson_dump_reads_the_same(tmp_path, db_path):
    cls = get_collector("reddit-dump")
    with Store.open(db_path) as store:
        summary, _ = run_collector(store, cls({"path": str(REDDIT / "RC_2024-01.ndjson")}))
    assert (summary.added, summary.problem_count) == (3, 2)


def test_a_huge_line_is_skipped_without_holding_it(tmp_path, db_path):
    path = tmp_path / "RC_big.zst"
    line = json.dumps({"id": "x1", "body": "y" * 300_000, "created_utc": 1, "parent_id": "t3_a", "subreddit": "s",
                       "author": "a"})
    good = json.dumps({"id": "x2", "body": "fine", "created_utc": 1_700_000_000, "parent_id": "t3_a", "subreddit": "s",
                       "author": "a"})
    path.write_bytes(zstandard.ZstdCompressor().compress(f"{line}\n{good}\n".encode()))
    cls = get_collector("reddit-dump")
    with Store.open(db_path) as store:
        summary, _ = run_collector(store, cls({"path": str(path), "max_line_bytes": 100_000}))
    assert summary.added == 1
    assert [str(p) for p in summary.problems] == [f"{path}:1: line over the 100,000-byte limit (max_line_bytes)"]


def test_reading_a_dump_stream_keeps_memory_flat():
    data = "".join(json.dumps({"id": f"c{i}", "body": "z" * 200, "created_utc": i, "parent_id": "t3_a",
                               "subreddit": "s", "author": "a"}) + "\n" for i in range(30_000)).encode()
    blob = zstandard.ZstdCompressor().compress(data)
    from triage.collectors.lines import iter_lines

    reader = zstandard.ZstdDecompressor(max_window_size=2**31).stream_reader(io.BytesIO(blob))
    tracemalloc.start()
    count = sum(1 for _ in iter_lines(io.BufferedReader(reader, 1 << 16), 1 << 20))
    peak = tracemalloc.get_traced_memory()[1]
    tracemalloc.stop()
    assert count == 30_000 and len(data) > 6_000_000 and peak < 1_000_000
