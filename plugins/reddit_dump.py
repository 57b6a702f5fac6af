"""Reddit dumps: Pushshift / Arctic Shift NDJSON, zstd-compressed (``RS_2023-01.zst``
submissions, ``RC_2023-01.zst`` comments, per-subreddit ``*_submissions.zst``), or plain.

One JSON object a line. These files are compressed with a 2 GiB window (``zstd --long=31``)
and run to hundreds of gigabytes: the decompressor gets ``max_window_size=2**31`` and the
stream is read line by line, so memory stays constant (the zstd window plus one line).

Submissions and comments have separate id spaces, so posts are keyed by fullname: ``t3_<id>``
for a submission, ``t1_<id>`` for a comment; a comment's ``parent_id`` (``t1_``/``t3_``) is then
its ``reply_to`` as is. ``created_utc`` comes as an int, a float or a numeric string across the
years. ``[deleted]`` authors are kept as that handle (the text may still matter); posts whose
text was deleted or removed have nothing to read and are skipped.
"""

from __future__ import annotations

import io
import json
import os
import re
from pathlib import Path
from typing import IO, Iterator

import zstandard

from triage.collectors import (Collector, CollectorState, ImportProblem, Option, PostRecord, RecordError,
                               TimestampError, parse_timestamp, records_from)
from triage.collectors.lines import iter_lines
from triage.collectors.record_loop import Where
from triage.collectors.zstd_frames import truncation

ZSTD_MAGIC = b"\x28\xb5\x2f\xfd"
MAX_WINDOW = 2**31  # what `zstd --long=31` dumps need; the default limit (128 MiB) refuses them
DEFAULT_MAX_LINE_BYTES = 8 * 1024 * 1024
_GONE = {"", "[deleted]", "[removed]"}
_USER = re.compile(r"(?<![\w/])/?u/([A-Za-z0-9_-]{3,20})\b")
_PROGRESS_EVERY = 5000
_SOURCE_NAMES = {"created_at": "created_utc", "author_handle": "author", "external_id": "id", "reply_to": "parent_id",
                 "author_id": "author_fullname", "text": "body"}


def open_lines(path: Path) -> tuple[IO[bytes], IO[bytes]]:
    """(line reader, underlying file). zstd if the magic says so, else plain bytes."""
    raw = open(path, "rb")
    magic = raw.read(4)
    raw.seek(0)
    if magic == ZSTD_MAGIC:
        reader = zstandard.ZstdDecompressor(max_window_size=MAX_WINDOW).stream_reader(raw, read_across_frames=True)
        return io.BufferedReader(reader, buffer_size=1 << 20), raw
    return raw, raw


def _fullname(kind: str, row: dict) -> str:
    name = row.get("name")
    if isinstance(name, str) and name.startswith(kind + "_"):
        return name
    return f"{kind}_{row['id']}"


class RedditDumpCollector(Collector):
    name = "reddit-dump"
    description = "Reddit dump: Pushshift/Arctic Shift NDJSON (.zst or plain), submissions and comments"
    formats = ("reddit-dump",)
    reads_compressed = True  # streams .zst itself, frame by frame, with the 2 GiB window
    options_schema = {
        "path": Option(str, required=True, help="the .zst (or .ndjson) dump"),
        "source": Option(str, default="reddit", help="source name of the posts"),
        "max_line_bytes": Option(int, default=DEFAULT_MAX_LINE_BYTES, help="longer lines are reported and skipped"),
    }

    @classmethod
    def sniff(cls, path: Path, head: bytes) -> bool:
        if head.startswith(ZSTD_MAGIC):
            try:
                sample = zstandard.ZstdDecompressor(max_window_size=MAX_WINDOW).decompressobj().decompress(head)
            except zstandard.ZstdError:
                return False
        else:
            sample = head
        return b'"subreddit"' in sample and b'"created_utc"' in sample and (
            b'"body"' in sample or b'"selftext"' in sample or b'"title"' in sample)

    def _line_record(self, line: bytes) -> PostRecord | None:
        record = self._record(json.loads(line))
        if record is not None:
            record.raw = line.decode("utf-8").rstrip("\r\n")  # the evidence: the line exactly as read
        return record

    def _record(self, row) -> PostRecord | None:
        if type(row) is not dict:
            raise RecordError(None, "not an object")
        if not row.get("id"):
            raise RecordError(None, "no 'id'")
        if not isinstance(row["id"], str) or len(row["id"]) > 64:
            raise RecordError("id", "expected short text")
        is_comment = "body" in row and "title" not in row
        if is_comment:
            body = row.get("body")
            if not isinstance(body, str):
                raise RecordError(None, "'body' is not a string")
            if body.strip() in _GONE:
                return None
            text = body
        else:
            title = row.get("title")
            if not isinstance(title, str):
                raise RecordError(None, "no 'title' (neither a submission nor a comment)")
            selftext = row.get("selftext")
            if not isinstance(selftext, str):
                selftext = ""
            text = title if selftext.strip() in _GONE else f"{title}\n\n{selftext}"
        try:
            created_at, created_raw = parse_timestamp(row.get("created_utc"))
        except TimestampError as exc:
            raise RecordError("created_utc", str(exc), quoted=True) from None
        author = row.get("author")
        if not isinstance(author, str) or not author:
            author = "[deleted]"
        parent = row.get("parent_id") if is_comment else None
        return PostRecord(
            source=self.options["source"],
            external_id=_fullname("t1" if is_comment else "t3", row),
            text=text,
            author_handle=author,
            author_id=row.get("author_fullname") if isinstance(row.get("author_fullname"), str) else None,
            created_at=created_at,
            created_raw=str(created_raw),
            url=_url(row, is_comment),
            reply_to=parent if isinstance(parent, str) and parent[:3] in ("t1_", "t3_") else None,
            mentions=_USER.findall(text) if "u/" in text else [],
            raw=None,  # set by the caller: the line exactly as read
        )

    def collect(self, state: CollectorState) -> Iterator[PostRecord | ImportProblem]:
        yield from records_from(self._lines(state), self._line_record, state, source_names=_SOURCE_NAMES)

    def _lines(self, state: CollectorState) -> Iterator[tuple[Where, bytes] | ImportProblem]:
        """Each non-blank line after the cursor, numbered; a line over the limit, corrupt zstd
        data or a file cut short as a problem. Moves the cursor every few thousand lines."""
        path = Path(self.options["path"])
        limit = self.options["max_line_bytes"]
        size = os.path.getsize(path)
        cursor = state.cursor if isinstance(state.cursor, dict) and state.cursor.get("path") == str(path) else {}
        resume_at = int(cursor.get("line", 0))
        reader, raw = open_lines(path)
        cut = truncation(raw, size) if reader is not raw else None
        raw.seek(0)
        line_no = 0
        with raw:
            try:
                for line_no, line, too_long in iter_lines(reader, limit):  # too_long: bytes skipped
                    if line_no <= resume_at:
                        continue  # done by an earlier run (a compressed stream cannot seek)
                    if too_long:
                        yield ImportProblem(str(path), line_no, f"line over the {limit:,}-byte limit (max_line_bytes)")
                        continue
                    if not line.strip():
                        continue
                    yield (str(path), line_no), line
                    if line_no % _PROGRESS_EVERY == 0:
                        state.progress(raw.tell(), size)
                        state.cursor = {"path": str(path), "line": line_no}
            except zstandard.ZstdError as exc:
                yield ImportProblem(str(path), line_no + 1, f"corrupt zstd data, reading stopped here: {exc}")
        if cut is not None:
            yield ImportProblem(str(path), line_no + 1, f"zstd file {cut}; the posts before it are imported")
        state.progress(size, size)
        state.cursor = {"path": str(path), "line": line_no}


def _url(row: dict, is_comment: bool) -> str | None:
    permalink = row.get("permalink")
    if isinstance(permalink, str) and permalink.startswith("/"):
        return f"https://www.reddit.com{permalink}"
    link = row.get("link_id")
    if is_comment and isinstance(link, str) and link.startswith("t3_"):  # dumps before 2017 have no permalink
        return f"https://www.reddit.com/comments/{link[3:]}/_/{row['id']}/"
    return None
