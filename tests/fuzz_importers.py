"""Property-based fuzzing of every file importer (`make fuzz`, `python -m tests.fuzz_importers`).

Hypothesis builds hostile files for each importer — JSONL, CSV, Telegram export, X archive,
Reddit dump (plain and zstd, whole or cut) — out of fields of the wrong type, numbers such as
``1e300``, NaN and 10**400, far-future and year-0 times, control and format characters, deep
nesting, long strings, broken quotes and BOMs, with one known-good post before and one after the
hostile records. For every file the import must:

- finish without an exception (a bad record is an ``ImportProblem``: one line);
- keep the good posts (both of them, or the first one where the hostile part ends the document);
- store only posts that pass the record check (dates in the window, text within its bound);
- keep the import's own peak RSS under 500 MB (the peak above what the process held before it:
  in the test session the process also holds every earlier test's memory).

It runs in rounds until the time budget is spent (``--minutes``, default 10, or
``FUZZ_MINUTES``), spread over the importers; a failure prints Hypothesis's falsifying example
and exits 1. The regression tests run the same properties for a few dozen examples each
(``tests/test_hostile_fuzz.py``).
"""

from __future__ import annotations

import argparse
import io
import json
import os
import resource
import sys
import tempfile
import time
import zipfile
from pathlib import Path

from hypothesis import HealthCheck, given, settings, strategies as st

GOOD_TIME = 1_780_000_000
PEAK_RSS_LIMIT_MB = 500
IMPORTERS = ("jsonl", "csv", "telegram", "x-archive", "reddit-dump")

# ---- hostile values ---------------------------------------------------------------------------

_NASTY_TEXT = st.sampled_from([
    "\x1b]0;owned\x07", "\x1b]52;c;ZXZpbA==\x07", "\x00", "\u202e", "\u2063", "\U000E0041", "\ufeff", "\r",
    "=HYPERLINK(\"x\")", "\"", "'", "\\", "\n", "\ud800", "[[[[", "{{", "💥", "ℌ", "\u0000=1+1",
])
hostile_text = st.one_of(
    st.text(max_size=40),
    st.lists(_NASTY_TEXT, max_size=6).map("".join),
    st.integers(1, 50).map(lambda n: "x" * (n * 1000)),
)
hostile_time = st.one_of(
    st.sampled_from(["1e300", "1e20", "99999999999999999", "0001-01-01T00:00:00+14:00", "9999-12-31T23:59:59-14:00",
                     "nan", "inf", "-1", "May 2, 2026 10:50 PM CEST", "2026-05-02 IST", "", "soon", "1969-07-20",
                     "02/05/2026"]),
    st.sampled_from([1e300, 1e20, float("inf"), -1, 0, 10**400, 99999999999999999, True]),
    st.integers(-10**20, 10**20),
    st.floats(allow_nan=True, allow_infinity=True),
)
leaf = st.one_of(st.none(), st.booleans(), st.integers(-10**30, 10**30), st.floats(allow_nan=False), hostile_text,
                 hostile_time)
hostile_value = st.recursive(leaf, lambda inner: st.one_of(st.lists(inner, max_size=3),
                                                           st.dictionaries(st.text(max_size=5), inner, max_size=3)),
                             max_leaves=12)
deep = st.integers(70, 3000).map(lambda n: "[" * n + "]" * n)


def _good(i: int) -> dict:
    return {"id": f"good{i}", "text": f"good post number {i}", "author": "alice", "created_at": GOOD_TIME + i}


# ---- one file per importer --------------------------------------------------------------------


@st.composite
def jsonl_file(draw) -> bytes:
    lines = [json.dumps(_good(1))]
    for _ in range(draw(st.integers(0, 6))):
        kind = draw(st.integers(0, 3))
        if kind == 0:
            row = {**_good(99), "id": draw(st.text(min_size=1, max_size=8)).replace("good", "g")}
            for key in draw(st.lists(st.sampled_from(["id", "text", "author", "created_at", "lat", "lon", "mentions",
                                                      "hashtags", "reply_to", "url", "source", "lang"]), max_size=4)):
                row[key] = draw(hostile_value)
            lines.append(json.dumps(row))
        elif kind == 1:
            lines.append(draw(deep))
        elif kind == 2:
            lines.append(draw(hostile_text).replace("\n", " "))
        else:
            lines.append(json.dumps(draw(hostile_value)))
    lines.append(json.dumps(_good(2)))
    data = "\n".join(lines).encode("utf-8", "surrogatepass") + b"\n"
    return (b"\xef\xbb\xbf" if draw(st.booleans()) else b"") + data


@st.composite
def csv_file(draw) -> bytes:
    import csv

    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(["id", "text", "author", "created_at"])
    writer.writerow(["good1", "good post number 1", "alice", GOOD_TIME + 1])
    for _ in range(draw(st.integers(0, 6))):
        if draw(st.booleans()):
            writer.writerow([draw(hostile_text)[:200] for _ in range(draw(st.integers(1, 6)))])
        else:
            out.write(draw(st.sampled_from(['3,"never closed,bob,1', '"', '4,a,b,"1e300"', "\x00,\x00", ",,,",
                                            "5,\"x\"\"y,z,2\n"])) + "\r\n")
    writer.writerow(["good2", "good post number 2", "alice", GOOD_TIME + 2])
    return out.getvalue().encode("utf-8", "surrogatepass")


def _message(i, **extra) -> dict:
    msg = {"id": i, "type": "message", "date": "2026-05-28T10:00:00", "date_unixtime": str(GOOD_TIME + i),
           "from": "Alice", "from_id": "user1", "text": f"good post number {i}"}
    msg.update(extra)
    return msg


@st.composite
def telegram_file(draw) -> bytes:
    messages = [_message(1)]
    for n in range(draw(st.integers(0, 5))):
        msg = _message(100 + n)
        for key in draw(st.lists(st.sampled_from(["id", "text", "date_unixtime", "from", "from_id", "type",
                                                  "reply_to_message_id"]), max_size=3)):
            msg[key] = draw(hostile_value)
        messages.append(msg)
    messages.append(_message(2))
    doc = json.dumps({"name": "chat", "type": "private_group", "id": 7, "messages": messages})
    if draw(st.booleans()):  # deep nesting spliced in after the first good message
        head, sep, tail = doc.partition("}, ")
        doc = head + sep + draw(deep) + ", " + tail
    return doc.encode("utf-8", "surrogatepass")


@st.composite
def x_archive_file(draw) -> bytes:
    def tweet(i, **extra):
        t = {"id_str": f"good{i}", "full_text": f"good post number {i}",
             "created_at": "Thu May 28 10:00:00 +0000 2026"}
        t.update(extra)
        return {"tweet": t}

    tweets = [tweet(1)]
    for n in range(draw(st.integers(0, 5))):
        t = tweet(100 + n)
        for key in draw(st.lists(st.sampled_from(["id_str", "full_text", "created_at", "entities", "coordinates",
                                                  "in_reply_to_status_id_str", "in_reply_to_screen_name", "lang"]),
                                 max_size=3)):
            t["tweet"][key] = draw(hostile_value)
        if draw(st.booleans()):
            count = draw(st.integers(1, 40))
            t["tweet"]["full_text"] = "go https://t.co/0"
            t["tweet"]["entities"] = {"urls": [{"url": f"https://t.co/{k}", "expanded_url": f"https://t.co/{k + 1} " * 2}
                                               for k in range(count)]}
        tweets.append(t)
    tweets.append(tweet(2))
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as zf:
        zf.writestr("data/account.js", 'window.YTD.account.part0 = [{"account": {"username": "alice", '
                                       '"accountId": "1"}}]')
        zf.writestr("data/tweets.js", ("window.YTD.tweets.part0 = " + json.dumps(tweets)).encode("utf-8",
                                                                                                "surrogatepass"))
    return buf.getvalue()


@st.composite
def reddit_file(draw) -> bytes:
    import zstandard

    def row(i, **extra):
        r = {"id": f"good{i}", "body": f"good post number {i}", "created_utc": GOOD_TIME + i, "subreddit": "s",
             "author": "alice", "parent_id": "t3_x"}
        r.update(extra)
        return r

    lines = [json.dumps(row(1))]
    for n in range(draw(st.integers(0, 5))):
        r = row(100 + n)
        for key in draw(st.lists(st.sampled_from(["id", "body", "created_utc", "author", "title", "parent_id",
                                                  "permalink"]), max_size=3)):
            r[key] = draw(hostile_value)
        lines.append(json.dumps(r) if draw(st.booleans()) else draw(deep))
    lines.append(json.dumps(row(2)))
    data = ("\n".join(lines) + "\n").encode("utf-8", "surrogatepass")
    if draw(st.booleans()):
        return data
    packed = zstandard.ZstdCompressor().compress(data)
    return packed[: draw(st.integers(len(packed) // 2, len(packed)))]  # sometimes cut short


FILES = {"jsonl": (jsonl_file(), "in.jsonl"), "csv": (csv_file(), "in.csv"), "telegram": (telegram_file(), "result.json"),
         "x-archive": (x_archive_file(), "archive.zip"), "reddit-dump": (reddit_file(), "RC_dump.zst")}

# ---- the property -----------------------------------------------------------------------------


def _resident_mb(field: str) -> float | None:
    try:
        for line in Path("/proc/self/status").read_text().splitlines():
            if line.startswith(field + ":"):
                return int(line.split()[1]) / 1024
    except OSError:
        pass
    return None


def _start_peak_window() -> float:
    """Reset the kernel's peak-RSS mark (Linux: clear_refs 5 resets VmHWM) and return the RSS
    now, so the peak read after an import is that import's own. Elsewhere: 0 (the process peak)."""
    try:
        Path("/proc/self/clear_refs").write_text("5")
    except OSError:
        return 0.0
    return _resident_mb("VmRSS") or 0.0


def _peak_since(baseline: float) -> float:
    hwm = _resident_mb("VmHWM") if baseline else None
    if hwm is None:
        return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    return hwm - baseline


def check_import(importer: str, data: bytes) -> None:
    """Import ``data`` as ``importer`` into a fresh store and check the invariants above."""
    baseline = _start_peak_window()
    from triage.collectors.runner import run_collector
    from triage.collectors.discovery import get_collector
    from triage.record_check import DEFAULT_LIMITS
    from triage.store import Store

    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / FILES[importer][1]
        path.write_bytes(data)
        with Store.open(Path(tmp) / "f.db") as store:
            summary, _ = run_collector(store, get_collector(importer)({"path": str(path)}), batch_size=3)
            rows = store.conn.execute("SELECT external_id, text, created_at FROM posts").fetchall()
        ids = {r[0] for r in rows}
        first = {"telegram": "7/1", "reddit-dump": "t1_good1"}.get(importer, "good1")
        if _cut_zstd(importer, data):  # a cut zstd block decodes to nothing: saying so is the property
            assert any("truncated" in p.reason for p in summary.problems), summary.problems[:3]
        else:
            assert first in ids, (importer, summary.problems[:3])
        whole = importer in ("jsonl", "csv") or (importer == "reddit-dump" and data[:4] != b"\x28\xb5\x2f\xfd")
        if whole:  # a line-based file keeps the good post after the hostile lines too
            last = {"reddit-dump": "t1_good2"}.get(importer, "good2")
            assert last in ids, (importer, summary.problems[:3])
        latest = DEFAULT_LIMITS.latest()
        for external_id, text, created_at in rows:
            assert DEFAULT_LIMITS.earliest <= created_at <= latest, (external_id, created_at)
            assert len(text) <= DEFAULT_LIMITS.max_text_chars
        for problem in summary.problems:
            line = str(problem)
            assert "\n" not in line and "\x1b" not in line, line
    peak_mb = _peak_since(baseline)
    assert peak_mb < PEAK_RSS_LIMIT_MB, f"peak RSS {peak_mb:.0f} MB above the {baseline:.0f} MB held before"


def _cut_zstd(importer: str, data: bytes) -> bool:
    if importer != "reddit-dump" or data[:4] != b"\x28\xb5\x2f\xfd":
        return False
    from triage.collectors.zstd_frames import truncation

    return truncation(io.BytesIO(data), len(data)) is not None


def property_for(importer: str, examples: int):
    strategy = FILES[importer][0]

    @settings(max_examples=examples, deadline=None, database=None, derandomize=False,
              suppress_health_check=list(HealthCheck))
    @given(strategy)
    def prop(data):
        check_import(importer, data)

    return prop


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--minutes", type=float, default=float(os.environ.get("FUZZ_MINUTES", 10)))
    parser.add_argument("--importer", action="append", choices=IMPORTERS, help="only these (repeat)")
    parser.add_argument("--examples", type=int, help="run each importer's property once with this many examples "
                                                     "(instead of for --minutes)")
    args = parser.parse_args(argv)
    # Throwaway stores: a throwaway custody key, so fuzzing never touches the analyst's keyring.
    os.environ.setdefault("TRIAGE_SECRET_CUSTODY_KEY", "f0" * 32)
    chosen = args.importer or list(IMPORTERS)
    if args.examples:
        for name in chosen:
            property_for(name, args.examples)()
        peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
        print(f"fuzz: {args.examples} examples each of {', '.join(chosen)}, no failure; peak RSS {peak:.0f} MB")
        return 0
    deadline = time.monotonic() + args.minutes * 60
    runs = {name: 0 for name in chosen}
    rounds = 0
    while time.monotonic() < deadline:
        for name in chosen:
            if time.monotonic() >= deadline:
                break
            try:
                property_for(name, 25)()
            except Exception as exc:  # noqa: BLE001 - Hypothesis printed the falsifying example
                import traceback

                print(f"fuzz: {name}: FAILED after {runs[name]} examples: {type(exc).__name__}: {exc}"[:2000],
                      file=sys.stderr)
                for inner in getattr(exc, "exceptions", ()):  # a flaky failure carries the first one
                    traceback.print_exception(inner, file=sys.stderr)
                return 1
            runs[name] += 25
        rounds += 1
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"fuzz: {args.minutes:g} min, {rounds} rounds, no failure; examples "
          + ", ".join(f"{n} {c}" for n, c in runs.items()) + f"; peak RSS {peak:.0f} MB")
    return 0


if __name__ == "__main__":
    sys.exit(main())
