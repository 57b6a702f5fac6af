"""Generic JSON Lines importer: one JSON object a line, fields as in ``field_mapping``."""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import Iterator

from triage.collectors import Collector, CollectorState, ImportProblem, Option, PostRecord, records_from
from triage.collectors.field_mapping import FieldMapper, parse_mapping
from triage.collectors.lines import iter_lines
from triage.collectors.record_loop import Where

DEFAULT_MAX_LINE_BYTES = 4 * 1024 * 1024


def _mb(n: int) -> str:
    return f"{n / 1_048_576:.1f} MB"


class JsonlCollector(Collector):
    name = "jsonl"
    description = "JSON Lines file: one post per line (id, text, author, created_at, ...)"
    formats = ("jsonl",)
    options_schema = {
        "path": Option(str, required=True, help="the .jsonl file"),
        "map": Option(dict, default={}, help="field -> key, e.g. {text = 'body'}"),
        "source": Option(str, default="jsonl", help="source name for rows without a 'source' field"),
        "max_line_bytes": Option(int, default=DEFAULT_MAX_LINE_BYTES, help="longer lines are reported and skipped"),
    }

    @classmethod
    def sniff(cls, path: Path, head: bytes) -> bool:
        if path.suffix.lower() in (".jsonl", ".ndjson"):
            return True
        first = head.removeprefix(b"\xef\xbb\xbf").lstrip()[:1]
        return first == b"{" and b"\n{" in head  # several objects, one a line

    def collect(self, state: CollectorState) -> Iterator[PostRecord | ImportProblem]:
        to_record = FieldMapper(parse_mapping(self.options["map"]), self.options["source"])

        def record(line: bytes) -> PostRecord:
            text = line.decode("utf-8").rstrip("\r\n")
            return to_record(json.loads(text), raw=text)

        yield from records_from(self._lines(state), record, state, source_names=to_record.source_names)

    def _lines(self, state: CollectorState) -> Iterator[tuple[Where, bytes] | ImportProblem]:
        """Each non-blank line, numbered; a line over the limit as its problem. Moves the cursor."""
        path = Path(self.options["path"])
        limit = self.options["max_line_bytes"]
        size = os.path.getsize(path)
        cursor = state.cursor or {}
        with open(path, "rb") as fh:
            start_line = 0
            if cursor.get("path") == str(path) and 0 < cursor.get("offset", 0) <= size:
                fh.seek(cursor["offset"])  # resume a watched file where the last run stopped
                start_line = cursor.get("line", 0)
            line_no = start_line  # the cursor's line when the file has nothing new
            for line_no, line, skipped in iter_lines(fh, limit, start_line):
                if skipped:
                    yield ImportProblem(str(path), line_no,
                                        f"line is {_mb(skipped)}, over the {_mb(limit)} limit (max_line_bytes)")
                    continue
                if not line.strip():
                    continue
                if line_no == 1:
                    line = line.removeprefix(b"\xef\xbb\xbf")  # a byte-order mark some editors write
                yield (str(path), line_no), line
                if line_no % 2000 == 0:
                    state.progress(fh.tell(), size)
            state.progress(fh.tell(), size)
            state.cursor = {"path": str(path), "offset": fh.tell(), "line": line_no}
