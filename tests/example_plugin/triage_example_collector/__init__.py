"""A minimal triage collector: each line of a text file is a post.

Lines look like ``2024-05-14T09:58:00+02:00<TAB>handle<TAB>text``. The cursor is the byte
offset after the last line read, so a file that keeps growing (a log, an export written
to by another tool) is picked up where the last run stopped.
"""

from __future__ import annotations

from pathlib import Path
from typing import Iterator

from triage.plugin_api import Collector, CollectorState, Option
from triage.records import ImportProblem, PostRecord
from triage.timeparse import TimestampError, parse_timestamp


class LinesCollector(Collector):
    name = "lines"
    description = "Plain text file: TIME<TAB>HANDLE<TAB>TEXT per line (example plugin)"
    options_schema = {
        "path": Option(str, required=True, help="the text file"),
        "source": Option(str, default="lines", help="source name of the posts"),
    }

    def collect(self, state: CollectorState) -> Iterator[PostRecord | ImportProblem]:
        path = Path(self.options["path"])
        offset = state.cursor.get("offset", 0) if isinstance(state.cursor, dict) else 0
        with open(path, "rb") as fh:
            fh.seek(offset)
            line_no = state.cursor.get("line", 0) if offset else 0
            for raw in fh:
                line_no += 1
                if not raw.endswith(b"\n"):
                    break  # a line still being written: take it next run
                parts = raw.decode("utf-8", "replace").rstrip("\n").split("\t", 2)
                if len(parts) != 3:
                    yield ImportProblem(str(path), line_no, "expected TIME<TAB>HANDLE<TAB>TEXT")
                else:
                    try:
                        created_at, created_raw = parse_timestamp(parts[0])
                    except TimestampError as exc:
                        yield ImportProblem(str(path), line_no, str(exc))
                    else:
                        yield PostRecord(source=self.options["source"], external_id=f"{path.name}:{line_no}",
                                         text=parts[2], author_handle=parts[1], created_at=created_at,
                                         created_raw=created_raw, raw=parts)
                offset += len(raw)
                # The rule of the plugin API: move the cursor only past lines already yielded.
                state.cursor = {"offset": offset, "line": line_no}
