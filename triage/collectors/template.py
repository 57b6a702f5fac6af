"""A collector plugin to copy: the shape every collector has, with the SDK doing the common work.

To start your own, copy this file into your package, rename the class and ``name``, and register
it in your package's ``pyproject.toml`` (then ``pip install`` it next to triage)::

    [project.entry-points."triage.collectors"]
    mysource = "my_package.my_module:MySourceCollector"

It is not registered itself (it would show up in every `triage collectors`); the tests register
it as ``template`` the way a third-party package would, and import a small file with it.

What it reads: a text file of posts, one a line, ``ID|TIME|HANDLE|TEXT`` (``TIME`` as ISO 8601
with its offset, or epoch seconds); blank lines and lines starting with ``#`` are skipped::

    # exported from the tip line
    tip-1|2024-05-14T09:58:00+02:00|quiet_hiker|canisters die below zero
    tip-2|2024-05-14T10:02:00+02:00|trail_mix|liquid fuel it is

The three parts every collector has, each in its own method:

1. ``_lines``: *read* the source into raw items, each with where it came from, ``((file,
   line), raw)``; problems of the input itself (a line too long) go in the same stream as
   ``ImportProblem``; the cursor moves here, right after an item is yielded.
2. ``_record``: *turn one raw item into a post* (``PostRecord``), or raise ``RecordError``
   naming the field that is wrong; return None for an item with nothing to read.
3. ``collect``: hand both to ``records_from``, which checks each record against the run's
   limits, keeps the good ones and reports each bad one as one line (``file:line: field: what``).
   No try/except of your own: whatever one item raises costs that item only.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Iterator

# A plugin imports the SDK, triage.collectors, and nothing else of triage: that is the surface
# kept stable for third parties.
from triage.collectors import (Collector, CollectorState, ImportProblem, Option, PostRecord, RecordError,
                               TimestampError, parse_timestamp, records_from)
from triage.collectors.lines import iter_lines
from triage.collectors.record_loop import Where

MAX_LINE_BYTES = 1 << 20  # a post is a few KB; a longer line is junk, reported and skipped
MAX_HANDLE = 200  # the store takes longer fields, but a handle this long is not a handle


class TemplateCollector(Collector):
    # The plugin name: `plugin = "template"` in the config, the row in `triage collectors`.
    # It is also the store's key for this collector's state: never rename it once in use.
    name = "template"
    description = "Posts from a text file, ID|TIME|HANDLE|TEXT per line (the template plugin)"
    # File importers name the `triage import --format` values they answer to; a live collector
    # (an API, a feed) leaves `formats` empty and runs under `triage collect` only.
    formats = ("template",)
    # The options a config may give under [collectors.options]; checked before collect() runs
    # (an unknown or mistyped option is a one-line error). A token is never an option value:
    # declare `Option(str, secret=True)` and read it with `triage.collectors.get_secret`.
    options_schema = {
        "path": Option(str, required=True, help="the text file"),
        "source": Option(str, default="template", help="source name stored with each post"),
    }

    @classmethod
    def sniff(cls, path: Path, head: bytes) -> bool:
        """`triage import` without --format asks each importer: is this file yours? ``head``
        is its first 64 KiB. Be strict: a wrong yes takes another importer's file."""
        return path.suffix == ".posts"

    def collect(self, state: CollectorState) -> Iterator[PostRecord | ImportProblem]:
        yield from records_from(self._lines(state), self._record, state)

    def _lines(self, state: CollectorState) -> Iterator[tuple[Where, bytes] | ImportProblem]:
        path = Path(self.options["path"])
        size = os.path.getsize(path)
        # The cursor is whatever JSON this collector left last time (None on the first run). Check
        # it as untrusted: a file replaced by a shorter one starts again from the top.
        cursor = state.cursor if isinstance(state.cursor, dict) else {}
        offset = cursor.get("offset") if cursor.get("path") == str(path) else None
        with open(path, "rb") as fh:
            start_line = 0
            if isinstance(offset, int) and 0 < offset <= size:
                fh.seek(offset)
                start_line = int(cursor.get("line", 0))
            line_no = start_line  # the cursor's line when the file has nothing new
            # iter_lines holds at most MAX_LINE_BYTES of a line in memory, whatever the file holds.
            for line_no, line, skipped in iter_lines(fh, MAX_LINE_BYTES, start_line):
                if skipped:
                    yield ImportProblem(str(path), line_no, f"line of {skipped:,} bytes, over the "
                                                            f"{MAX_LINE_BYTES:,}-byte limit")
                elif line.strip() and not line.startswith(b"#"):
                    yield (str(path), line_no), line
                # Runs once the record of this line has been yielded on: the runner commits a
                # record before it saves the cursor that covers it, so a crash never skips one.
                state.cursor = {"path": str(path), "offset": fh.tell(), "line": line_no}
                state.progress(fh.tell(), size)

    def _record(self, line: bytes) -> PostRecord | None:
        # A UnicodeDecodeError here is reported by records_from as "invalid UTF-8 at byte N".
        text = line.decode("utf-8").rstrip("\r\n")
        parts = text.split("|", 3)
        if len(parts) != 4:
            raise RecordError(None, "expected ID|TIME|HANDLE|TEXT")
        post_id, when, handle, body = (part.strip() for part in parts)
        if not post_id:
            raise RecordError("id", "missing")
        if not handle or len(handle) > MAX_HANDLE:
            raise RecordError("handle", f"missing or longer than {MAX_HANDLE} characters")
        if not body:
            return None  # nothing to read: skipped without a report
        try:
            created_at, created_raw = parse_timestamp(when)
        except TimestampError as exc:
            raise RecordError("time", str(exc)) from None
        # (source, external_id) is the store's key: make it stable, and a re-import is harmless.
        return PostRecord(source=self.options["source"], external_id=post_id, text=body,
                          author_handle=handle.lstrip("@"), created_at=created_at, created_raw=created_raw,
                          raw=text)  # the record as collected: the evidence copy
