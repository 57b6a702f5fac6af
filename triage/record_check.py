"""The one checked path from a collected record to a ``PostRecord`` the store will take.

Every importer and collector hands its records through ``check_record`` (inside the loop
helper ``record_loop.records_from``, so a failure carries their ``file:line``;
``runner.run_collector`` again for anything a third-party plugin yields). A record that fails raises ``RecordError``
whose text is ``field: what is wrong``; the batch it came in keeps its good records.

What is checked, and why:

- types: every text field a ``str`` (an object where an id belongs once reached SQLite as a
  ``ProgrammingError`` and lost the batch), lists of strings, numbers that are numbers;
- sizes: text up to ``max_text_chars``, other fields up to ``max_field_chars``, at most
  ``max_list_items`` mentions/hashtags (a crafted archive once expanded one post to 67 million
  characters);
- time: ``created_at`` within ``[earliest, now + future_slack]`` (a ``1e300`` or year-9999 stamp
  once overflowed SQLite, or made the weekly analytics allocate a week per entry up to year 10¹²);
- place: finite ``lat`` in -90..90, ``lon`` in -180..180;
- the raw evidence copy: JSON-serialisable, nested at most ``max_depth`` levels.
"""

from __future__ import annotations

import json
import math
import time
from dataclasses import dataclass

from .errors import TriageError
from .records import PostRecord

EARLIEST_DEFAULT = 631_152_000  # 1990-01-01T00:00:00Z: before any source this tool reads
FUTURE_SLACK_DEFAULT = 86_400  # a clock a day fast is a clock; a post from next year is not


class RecordError(TriageError, ValueError):
    """One record that cannot become a post: the one error every collector raises for it.

    The message is ``field: what is wrong`` (``'field': ...`` with ``quoted=True``, the style of
    API paths such as ``'post.record.text'``), or just ``what`` when no single field is to blame.
    ``within("status 12")`` puts the record's own name before it. ``line`` is set when the raiser
    knows the record's line better than its loop does. The loop helper
    (``triage.collectors.record_loop.records_from``) turns it into one ``file:line: message``.
    """

    def __init__(self, field: str | None, what: str, *, quoted: bool = False, where: str = "",
                 line: int | None = None):
        self.field, self.what, self.quoted, self.where, self.line = field, what, quoted, where, line
        super().__init__(self._message(field))

    def _message(self, field: str | None) -> str:
        named = f"'{field}'" if self.quoted and field is not None else field
        body = f"{named}: {self.what}" if field is not None else self.what
        return f"{self.where}: {body}" if self.where else body

    def named(self, source_names: dict[str, str] | None = None) -> str:
        """The message with the field as the source file calls it (``created_utc``, a --map column)."""
        if not source_names or self.field is None:
            return str(self)
        return self._message(source_names.get(self.field, self.field))

    def within(self, where: str) -> "RecordError":
        """The same error, named after the record it is in (``status 12: 'account': ...``)."""
        outer = f"{where}: {self.where}" if self.where else where
        return RecordError(self.field, self.what, quoted=self.quoted, where=outer, line=self.line)


@dataclass(frozen=True)
class RecordLimits:
    earliest: int = EARLIEST_DEFAULT  # UTC epoch seconds
    future_slack: int = FUTURE_SLACK_DEFAULT  # seconds past "now" still accepted
    max_text_chars: int = 2_000_000
    max_field_chars: int = 4_096
    max_list_items: int = 1_000
    max_depth: int = 64

    def latest(self) -> int:
        return int(time.time()) + self.future_slack


DEFAULT_LIMITS = RecordLimits()

_TEXT_FIELDS = ("source", "external_id", "author_handle", "created_raw")
_OPTIONAL_TEXT_FIELDS = ("author_id", "author_name", "url", "reply_to", "reply_to_author", "lang", "place")


def _kind(value) -> str:
    return {dict: "an object", list: "a list", bool: "a boolean", int: "a number", float: "a number",
            type(None): "missing"}.get(type(value), type(value).__name__)


def _text(field: str, value, limit: int, *, required: bool) -> None:
    if value is None and not required:
        return
    if type(value) is not str:
        raise RecordError(field, f"expected text, got {_kind(value)}")
    if required and not value.strip():
        raise RecordError(field, "is empty")
    if len(value) > limit:
        raise RecordError(field, f"{len(value):,} characters, over the {limit:,} limit")


def _number(field: str, value, low: float, high: float) -> None:
    if value is None:
        return
    if type(value) not in (int, float):
        raise RecordError(field, f"expected a number, got {_kind(value)}")
    if not math.isfinite(value):
        raise RecordError(field, f"not a finite number ({value})")
    if not low <= value <= high:
        raise RecordError(field, f"{value} is outside {low:g}..{high:g}")


def check_time(epoch, limits: RecordLimits = DEFAULT_LIMITS, field: str = "created_at") -> int:
    """``epoch`` as int seconds if it is a sane post time, else ``RecordError``."""
    if type(epoch) not in (int, float) or (type(epoch) is float and not math.isfinite(epoch)):
        raise RecordError(field, f"expected epoch seconds, got {_kind(epoch)}")
    if epoch < limits.earliest:
        raise RecordError(field, f"{_describe(epoch)} is before the earliest accepted time "
                                   f"({_describe(limits.earliest)}; setting: earliest_post_time)")
    latest = limits.latest()
    if epoch > latest:
        raise RecordError(field, f"{_describe(epoch)} is in the future (later than now + "
                                   f"{limits.future_slack // 3600} h; setting: future_tolerance_hours)")
    return int(epoch)


def _describe(epoch) -> str:
    from datetime import datetime, timezone

    try:
        return datetime.fromtimestamp(epoch, tz=timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")
    except (OverflowError, OSError, ValueError):
        return f"{epoch:.4g} s" if isinstance(epoch, float) else f"{str(epoch)[:24]} s"


def _depth_ok(value, limit: int) -> bool:
    """Iterative (a recursive walk is what a hostile nesting wants to break)."""
    stack = [(value, 1)]
    while stack:
        item, depth = stack.pop()
        if depth > limit:
            return False
        if type(item) is dict:
            stack.extend((v, depth + 1) for v in item.values() if type(v) in (dict, list))
        elif type(item) is list:
            stack.extend((v, depth + 1) for v in item if type(v) in (dict, list))
    return True


def check_record(rec: PostRecord, limits: RecordLimits = DEFAULT_LIMITS) -> PostRecord:
    """Return ``rec`` if the store can take it as it is; raise ``RecordError`` otherwise."""
    if not isinstance(rec, PostRecord):
        raise RecordError("record", f"expected a PostRecord, got {type(rec).__name__}")
    _text("text", rec.text, limits.max_text_chars, required=True)
    for name in _TEXT_FIELDS:
        _text(name, getattr(rec, name), limits.max_field_chars, required=name != "created_raw")
    for name in _OPTIONAL_TEXT_FIELDS:
        _text(name, getattr(rec, name), limits.max_field_chars, required=False)
    check_time(rec.created_at, limits)
    _number("lat", rec.lat, -90, 90)
    _number("lon", rec.lon, -180, 180)
    for name in ("mentions", "hashtags"):
        items = getattr(rec, name)
        if type(items) is not list:
            raise RecordError(name, f"expected a list, got {_kind(items)}")
        if len(items) > limits.max_list_items:
            raise RecordError(name, f"{len(items):,} items, over the {limits.max_list_items:,} limit")
        for item in items:
            _text(name, item, 256, required=False)
    raw = rec.raw
    if raw is not None and not isinstance(raw, (str, bytes)):
        if not _depth_ok(raw, limits.max_depth):
            raise RecordError("raw", f"nested deeper than {limits.max_depth} levels")
        try:
            size = len(json.dumps(raw, ensure_ascii=False, allow_nan=False, separators=(",", ":"), default=str))
        except (TypeError, ValueError) as exc:
            raise RecordError("raw", f"not storable as JSON ({str(exc)[:80]})") from None
        if size > limits.max_text_chars * 4:
            raise RecordError("raw", f"{size:,} characters, over the {limits.max_text_chars * 4:,} limit")
    elif isinstance(raw, (str, bytes)) and len(raw) > limits.max_text_chars * 4:
        raise RecordError("raw", f"{len(raw):,} characters, over the {limits.max_text_chars * 4:,} limit")
    return rec


def unexpected(exc: BaseException) -> str:
    """The one line for a record that broke an importer in a way it did not foresee."""
    if isinstance(exc, RecursionError):
        return "record: nested too deeply to read"
    if isinstance(exc, MemoryError):
        return "record: too large to read in memory"
    return f"record: unreadable ({type(exc).__name__}: {str(exc)[:120]})"
