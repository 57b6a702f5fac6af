"""The one loop every collector runs: raw items in, checked records out, each bad item one line.

A collector reads its source into *raw items* (a line of a file, an entry of a JSON export, a
status of an API page), each with where it came from: ``((path, number), raw)``. It hands
them with its own ``to_record(raw) -> PostRecord | None`` (None: nothing to read, such as a
sticker or a deleted post) to ``records_from``, which

- calls ``to_record`` and checks the record against the run's limits (``state.check``),
- yields the good records in order,
- turns whatever went wrong with one item into one ``ImportProblem`` (``path:line: reason``,
  or ``path: entry N: reason`` with ``entries=True``) and goes on with the next item: a
  ``RecordError`` says it in its own words (field renamed by ``source_names``), broken JSON
  and bad UTF-8 say where, and anything unforeseen (a RecursionError, a bug) is named without
  a traceback,
- passes an ``ImportProblem`` found while reading (a line too long, a parse that stopped) on
  as it is, so the reading generator can report those in the same stream.

Cursor rule: the reading generator may set ``state.cursor`` right after its ``yield`` of an
item: that code runs only once the record made from that item has been yielded downstream.
"""

from __future__ import annotations

import json
from typing import Callable, Iterable, Iterator, Mapping, TypeVar

from ..records import ImportProblem, PostRecord
from .api import CollectorState
from .problems import EntryProblem
from ..record_check import RecordError, unexpected

Raw = TypeVar("Raw")
Where = tuple[str, int]  # (file or URL, line or entry number)


def reason(exc: Exception, source_names: Mapping[str, str] | None = None) -> str:
    """The one line that says why an item could not become a record."""
    if isinstance(exc, RecordError):
        return exc.named(dict(source_names) if source_names else None)
    if isinstance(exc, json.JSONDecodeError):
        return f"broken JSON at column {exc.colno}: {exc.msg}"
    if isinstance(exc, UnicodeDecodeError):
        return f"invalid UTF-8 at byte {exc.start} of the line"
    return unexpected(exc)


def records_from(
    items: Iterable[tuple[Where, Raw] | ImportProblem],
    to_record: Callable[[Raw], PostRecord | None],
    state: CollectorState,
    *,
    entries: bool = False,
    source_names: Mapping[str, str] | None = None,
) -> Iterator[PostRecord | ImportProblem]:
    """Checked records from raw items; each bad item is one problem and the others are kept."""
    report = EntryProblem if entries else ImportProblem
    for item in items:
        if isinstance(item, ImportProblem):
            yield item
            continue
        (path, number), raw = item
        try:
            record = to_record(raw)
            if record is None:
                continue
            state.check(record)
        except Exception as exc:  # noqa: BLE001 - one item's failure, whatever it is, is that item's line
            line = exc.line if isinstance(exc, RecordError) and exc.line is not None else number
            yield report(path, line, reason(exc, source_names))
            continue
        yield record
