"""Reading a byte stream a line at a time in bounded memory (JSONL files, Reddit dumps)."""

from __future__ import annotations

from typing import IO, Iterator

_CHUNK = 1 << 20


def iter_lines(reader: IO[bytes], limit: int, first_line: int = 0) -> Iterator[tuple[int, bytes, int]]:
    """(line number, line, skipped) over a byte stream. A line longer than ``limit`` bytes is
    read through without being held: it comes back as ``b""`` with ``skipped`` = its size."""
    line_no = first_line
    while True:
        line = reader.readline(limit + 1)
        if not line:
            return
        line_no += 1
        if len(line) > limit and not line.endswith(b"\n"):
            skipped = len(line)
            while True:
                chunk = reader.readline(_CHUNK)
                skipped += len(chunk)
                if not chunk or chunk.endswith(b"\n"):
                    break
            yield line_no, b"", skipped
            continue
        yield line_no, line, 0
