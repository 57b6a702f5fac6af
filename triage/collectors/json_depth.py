"""Bounded nesting for the streamed JSON documents (Telegram exports, X archives).

ijson builds a prefix string per event whose length grows with the depth, so a 200 KB file of
100k ``[`` cost gigabytes and minutes. A first pass over ijson's prefix-free events (cheap: C
parser, no building) finds where the nesting first goes deeper than the limit; the real pass
then reads only the bytes before that point and reports it as where reading stopped, so every
message before it is kept. ``numbered_entries`` numbers the items of such a document for
``records_from`` and turns the place where reading stopped into its one problem line.
"""

from __future__ import annotations

import io
from typing import IO, Callable, Iterable, Iterator

import ijson

from .problems import EntryProblem, json_reason

MAX_DEPTH = 64  # Telegram and X entries nest 6-8 levels; 64 is far beyond any real export
_PROBE_CHUNK = 64 * 1024
_FINE_CHUNK = 16  # the cut lands at most this many bytes before the deep part


class _Counting(io.RawIOBase):
    """Counts the bytes handed to the parser; from byte ``fine_from`` on, in tiny reads, so a
    depth violation found there is placed within a few bytes."""

    def __init__(self, raw: IO[bytes], fine_from: int | None = None):
        self.raw, self.count, self.fine_from = raw, 0, fine_from

    def readable(self) -> bool:
        return True

    def readinto(self, buffer) -> int:
        size = len(buffer)
        if self.fine_from is not None:
            size = max(1, self.fine_from - self.count) if self.count < self.fine_from else _FINE_CHUNK
            size = min(size, len(buffer))
        data = self.raw.read(size)
        buffer[:len(data)] = data
        self.count += len(data)
        return len(data)


def _probe(open_stream: Callable[[], IO[bytes]], limit: int, fine_from: int | None) -> int | None:
    with open_stream() as fh:
        counter = _Counting(fh, fine_from)
        depth = 0
        chunk = _PROBE_CHUNK if fine_from is None else _FINE_CHUNK
        try:
            for event, _value in ijson.basic_parse(counter, buf_size=_PROBE_CHUNK):
                if event == "start_map" or event == "start_array":
                    depth += 1
                    if depth > limit:
                        # Every byte before the read that held this event nested at most `limit`.
                        return max(0, counter.count - (chunk if counter.count > (fine_from or 0) else _PROBE_CHUNK))
                elif event == "end_map" or event == "end_array":
                    depth -= 1
        except (ijson.JSONError, UnicodeDecodeError):  # the real pass reports where it broke
            return None
    return None


def depth_cut(open_stream: Callable[[], IO[bytes]], limit: int = MAX_DEPTH) -> int | None:
    """Byte offset (in the stream ``open_stream`` gives) before which the document nests at
    most ``limit`` deep, or None if it never goes deeper. Parse errors are left to the real pass.
    A coarse pass finds the region; only a hostile file pays for the second, fine one."""
    coarse = _probe(open_stream, limit, None)
    if coarse is None:
        return None
    return _probe(open_stream, limit, coarse)


class Capped(io.RawIOBase):
    """The first ``limit`` bytes of a stream."""

    def __init__(self, raw: IO[bytes], limit: int):
        self.raw, self.left = raw, limit

    def readable(self) -> bool:
        return True

    def readinto(self, buffer) -> int:
        if self.left <= 0:
            return 0
        data = self.raw.read(min(len(buffer), self.left))
        buffer[:len(data)] = data
        self.left -= len(data)
        return len(data)

    def read(self, size: int = -1) -> bytes:
        if self.left <= 0:
            return b""
        data = self.raw.read(self.left if size is None or size < 0 else min(size, self.left))
        self.left -= len(data)
        return data


def too_deep(limit: int = MAX_DEPTH) -> str:
    return f"nested deeper than {limit} levels, reading stopped here"


def numbered_entries(label: str, items: Iterable, *, cut: int | None = None,
                     after_each: Callable[[int], object] | None = None) -> Iterator[tuple[tuple[str, int], object]
                                                                                   | EntryProblem]:
    """``((label, N), item)`` for each item of a streamed JSON document, N counting from 1. Where
    the document breaks (broken JSON, bad UTF-8, or the ``cut`` that ``depth_cut`` placed), one
    ``label: entry N: ...`` problem and the end of reading: the items before it are kept.
    ``after_each(N)`` runs once item N has been handed on (progress, a cursor)."""
    entry = 0
    try:
        for item in items:
            entry += 1
            yield (label, entry), item
            if after_each is not None:
                after_each(entry)
    except ijson.JSONError as exc:
        reason = too_deep() if cut is not None else f"broken JSON, reading stopped here: {json_reason(exc)}"
        yield EntryProblem(label, entry + 1, reason)
    except UnicodeDecodeError as exc:  # the C parser decodes strings as it goes
        yield EntryProblem(label, entry + 1, f"invalid UTF-8 ({exc.reason}), reading stopped here")
