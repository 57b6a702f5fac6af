"""Generic CSV importer: a header row, then one post a row, columns as in ``field_mapping``."""

from __future__ import annotations

import csv
import io
import json
import os
from collections import deque
from pathlib import Path
from typing import Iterator, TextIO

from triage.collectors import Collector, CollectorState, ImportProblem, Option, PostRecord, records_from
from triage.collectors.field_mapping import FieldMapper, parse_mapping
from triage.collectors.record_loop import Where

from .jsonl_file import DEFAULT_MAX_LINE_BYTES


class _CountingReader(io.RawIOBase):
    """Counts bytes read, for the progress bar, without buffering the whole file."""

    def __init__(self, raw):
        self._raw = raw
        self.count = 0

    def readable(self) -> bool:
        return True

    def readinto(self, buffer) -> int:
        n = self._raw.readinto(buffer)
        self.count += n or 0
        return n


class CsvCollector(Collector):
    name = "csv"
    description = "CSV file with a header row (id, text, author, created_at, ...)"
    formats = ("csv",)
    options_schema = {
        "path": Option(str, required=True, help="the .csv file"),
        "map": Option(dict, default={}, help="field -> column, e.g. {text = 'body'}"),
        "source": Option(str, default="csv", help="source name for rows without a 'source' column"),
        "delimiter": Option(str, default="", help="column separator; empty: detect , ; tab |"),
        "max_line_bytes": Option(int, default=DEFAULT_MAX_LINE_BYTES, help="larger fields are reported"),
    }

    @classmethod
    def sniff(cls, path: Path, head: bytes) -> bool:
        if path.suffix.lower() in (".csv", ".tsv"):
            return True
        first_line = head.removeprefix(b"\xef\xbb\xbf").split(b"\n", 1)[0].decode("utf-8", "replace").lower()
        return "," in first_line and "text" in first_line and not first_line.lstrip().startswith("{")

    def collect(self, state: CollectorState) -> Iterator[PostRecord | ImportProblem]:
        to_record = FieldMapper(parse_mapping(self.options["map"]), self.options["source"])

        def record(row: dict) -> PostRecord:
            return to_record(row, raw=json.dumps(row, ensure_ascii=False))

        yield from records_from(self._rows(state, to_record), record, state, source_names=to_record.source_names)

    def _rows(self, state: CollectorState, to_record: FieldMapper) -> Iterator[tuple[Where, dict] | ImportProblem]:
        """Each row as {column: cell}, numbered by the line it starts on; what breaks the CSV
        itself (a header without the needed columns, a quote that never closes) as a problem."""
        path = Path(self.options["path"])
        size = os.path.getsize(path)
        csv.field_size_limit(self.options["max_line_bytes"])
        with open(path, "rb") as binary:
            sample = binary.read(8192).decode("utf-8", "replace")
            binary.seek(0)
            counter = _CountingReader(binary)
            # surrogateescape keeps reading past invalid UTF-8, so the bad row is reported and skipped.
            text_stream = io.TextIOWrapper(io.BufferedReader(counter), encoding="utf-8-sig",
                                           errors="surrogateescape", newline="")
            delimiter = self.options["delimiter"] or self._guess_delimiter(sample, path)
            lines = _LineSource(text_stream)
            reader = csv.reader(lines, delimiter=delimiter)
            try:
                header = next(reader)
            except StopIteration:
                return
            except csv.Error as exc:
                yield ImportProblem(str(path), 1, f"bad header: {exc}")
                return
            header = [h.strip() for h in header]
            wanted = {to_record.columns[f] for f in ("text", "author", "created_at")}
            missing = [c for c in wanted if c not in header and "." not in c]
            if missing:
                yield ImportProblem(str(path), 1, f"header has no column {', '.join(map(repr, sorted(missing)))}"
                                                  f" (columns: {', '.join(header[:12])}; map with --map)")
                return
            row_no = 0
            while True:
                lines.start_row()
                start_line = lines.consumed + 1
                try:
                    cells = next(reader)
                    broken = None
                except StopIteration:
                    break
                except csv.Error as exc:
                    cells, broken = None, str(exc)
                if lines.row_span() > 1 and (cells is None or len(cells) != len(header)):
                    # A quote that never closed swallowed the rows after it: report its line,
                    # then read those rows again on their own (their records are good).
                    yield ImportProblem(str(path), start_line, "unterminated quoted field (it ran into the "
                                                               f"next {lines.row_span() - 1:,} line(s), read again)")
                    lines.replay_after_first()
                    reader = csv.reader(lines, delimiter=delimiter)
                    continue
                if cells is None:  # csv.Error: broken says why
                    yield ImportProblem(str(path), start_line, f"bad CSV: {broken}")
                    reader = csv.reader(lines, delimiter=delimiter)  # a fresh parser: no half-read field
                    continue
                row_no += 1
                if not any(c.strip() for c in cells):
                    continue
                if len(cells) != len(header):
                    yield ImportProblem(str(path), start_line,
                                        f"has {len(cells)} columns, the header has {len(header)}")
                    continue
                if any(_has_surrogate(c) for c in cells):
                    yield ImportProblem(str(path), start_line, "invalid UTF-8")
                    continue
                yield (str(path), start_line), dict(zip(header, cells))
                if row_no % 2000 == 0:
                    state.progress(counter.count, size)
            state.progress(size, size)

    @staticmethod
    def _guess_delimiter(sample: str, path: Path) -> str:
        if path.suffix.lower() == ".tsv":
            return "\t"
        first = sample.split("\n", 1)[0]
        counts = {d: first.count(d) for d in (",", ";", "\t", "|")}
        best = max(counts, key=lambda d: counts[d])
        return best if counts[best] else ","


class _LineSource:
    """The physical lines csv.reader parses, counted, with the lines of the current row kept
    so that a row swallowed by an unterminated quote can be read again."""

    def __init__(self, stream: TextIO) -> None:
        self._stream = stream
        self._pending: deque[str] = deque()
        self._row: list[str] = []
        self.consumed = 0

    def __iter__(self) -> _LineSource:
        return self

    def __next__(self) -> str:
        line = self._pending.popleft() if self._pending else self._stream.readline()
        if not line:
            raise StopIteration
        self.consumed += 1
        self._row.append(line)
        return line

    def start_row(self) -> None:
        self._row = []

    def row_span(self) -> int:
        return len(self._row)

    def replay_after_first(self) -> None:
        again = self._row[1:]
        self._pending.extendleft(reversed(again))
        self.consumed -= len(again)
        self._row = []


def _has_surrogate(text: str) -> bool:
    return any("\udc80" <= ch <= "\udcff" for ch in text)

