"""Reading a bundle's rows back from untrusted JSONL into the plain dataclasses of
``store.bundle_rows`` (which the store's queries also return, so they live beside them).

``parse_*`` is the boundary: each takes one decoded JSON value and returns a dataclass or raises
``BadRecord`` (``field: what is wrong``); ``read_jsonl`` names the file and line. Checks are of
type, size and range only; what the values mean together (the audit chain, the analyst of every
row) is checked by the importer.
"""

from __future__ import annotations

import json
import math
import time
from dataclasses import dataclass
from typing import Callable, TypeVar

from ..indicators import INDICATORS
from ..record_check import EARLIEST_DEFAULT, FUTURE_SLACK_DEFAULT
from ..store.bundle_rows import AuditRow, BundlePost, LabelRow, LinkRow, NoteRow, VerdictRow

MAX_FIELD = 4_096  # ids, handles, names, dispositions: as the post importer allows
MAX_TEXT = 8_000_000  # a post text: above the importer's default (2M), which the config may raise
MAX_BODY = 1_000_000  # a note body or an audit row's detail
MAX_LINE = 40_000_000  # bytes of one JSONL line: above every field limit put together, in UTF-8
_HEX = frozenset("0123456789abcdef")

T = TypeVar("T")


class BadRecord(ValueError):
    """One record's problem: ``field: what is wrong``."""


# ---- checks of one field ---------------------------------------------------------------------

def _get(obj: dict, key: str):
    if key not in obj:
        raise BadRecord(f"{key}: missing")
    return obj[key]


def _string(obj: dict, key: str, limit: int = MAX_FIELD, *, optional: bool = False) -> str | None:
    value = _get(obj, key)
    if value is None and optional:
        return None
    if not isinstance(value, str) or not value:
        raise BadRecord(f"{key}: must be a non-empty string")
    if len(value) > limit:
        raise BadRecord(f"{key}: longer than {limit:,} characters")
    return value


def _required(obj: dict, key: str, limit: int = MAX_FIELD) -> str:
    value = _string(obj, key, limit)
    assert value is not None  # _string only returns None when optional
    return value


def _id(obj: dict, key: str, *, optional: bool = False) -> int | None:
    value = _get(obj, key)
    if value is None and optional:
        return None
    if isinstance(value, bool) or not isinstance(value, int) or not 1 <= value < 2**63:
        raise BadRecord(f"{key}: must be a positive integer")
    return value


def _time(obj: dict, key: str, earliest: float = EARLIEST_DEFAULT) -> float:
    value = _get(obj, key)
    if isinstance(value, bool) or not isinstance(value, (int, float)) or not math.isfinite(value):
        raise BadRecord(f"{key}: must be a number (UTC epoch seconds)")
    if not earliest <= value <= time.time() + FUTURE_SLACK_DEFAULT:
        raise BadRecord(f"{key}: {value!r} is not a time between {1970 if earliest == 0 else 1990} and tomorrow")
    return float(value)


def _flag(obj: dict, key: str, *, optional: bool = False) -> int | None:
    value = _get(obj, key)
    if value is None and optional:
        return None
    if isinstance(value, bool) or value not in (0, 1):
        raise BadRecord(f"{key}: must be 0 or 1" + (" or null" if optional else ""))
    return int(value)


def _sha256(obj: dict, key: str, *, optional: bool = False) -> str | None:
    value = _get(obj, key)
    if value is None and optional:
        return None
    if not isinstance(value, str) or len(value) != 64 or not set(value) <= _HEX:
        raise BadRecord(f"{key}: must be a SHA-256 (64 lower-case hex digits)")
    return value


def _object(value) -> dict:
    if not isinstance(value, dict):
        raise BadRecord("not a JSON object")
    return value


# ---- one record of each file -----------------------------------------------------------------

def parse_post(value) -> BundlePost:
    obj = _object(value)
    # A post's time only names it; the station's config may have let in posts from before 1990.
    created = _time(obj, "created_at", earliest=0)
    return BundlePost(_required(obj, "source"), _required(obj, "external_id"), _required(obj, "author"),
                      int(created), _required(obj, "text", MAX_TEXT), _sha256(obj, "raw_sha256", optional=True))


def parse_label(value) -> LabelRow:
    obj = _object(value)
    return LabelRow(_id(obj, "id") or 0, _required(obj, "source"), _required(obj, "external_id"),
                    _string(obj, "disposition", 64, optional=True), _required(obj, "analyst"), _time(obj, "at"),
                    _id(obj, "undo_of", optional=True))


def parse_verdict(value) -> VerdictRow:
    obj = _object(value)
    indicator = _required(obj, "indicator")
    if indicator not in INDICATORS:
        raise BadRecord(f"indicator: unknown indicator {indicator[:40]!r}")
    return VerdictRow(_id(obj, "id") or 0, _required(obj, "source"), _required(obj, "external_id"), indicator,
                      _flag(obj, "verdict", optional=True), _required(obj, "analyst"), _time(obj, "at"),
                      _id(obj, "undo_of", optional=True))


def parse_note(value) -> NoteRow:
    obj = _object(value)
    return NoteRow(_id(obj, "id") or 0, _required(obj, "source"), _required(obj, "external_id"),
                   _required(obj, "body", MAX_BODY), _required(obj, "analyst"), _time(obj, "at"))


def parse_link(value) -> LinkRow:
    obj = _object(value)
    row = LinkRow(_id(obj, "id") or 0, _required(obj, "a_source"), _required(obj, "a_handle"),
                  _required(obj, "b_source"), _required(obj, "b_handle"), _flag(obj, "linked") or 0,
                  _required(obj, "analyst"), _time(obj, "at"), _string(obj, "note", MAX_BODY, optional=True))
    if (row.a_source, row.a_handle) == (row.b_source, row.b_handle):
        raise BadRecord("b_handle: an account cannot be linked to itself")
    return row


def parse_audit(value) -> AuditRow:
    obj = _object(value)
    row = AuditRow(_id(obj, "id") or 0, _sha256(obj, "prev_hash") or "", _sha256(obj, "hash") or "")
    if obj.get("withheld") is True:
        extra = sorted(set(obj) - {"id", "prev_hash", "hash", "withheld"})
        if extra:
            raise BadRecord(f"{extra[0]}: a withheld row carries id and hashes only")
        return row
    row.at = _time(obj, "at")
    row.analyst = _required(obj, "analyst")
    row.action = _required(obj, "action", 64)
    target = _get(obj, "target")
    if not isinstance(target, str) or len(target) > MAX_BODY:  # "" is a target: an action on no one post
        raise BadRecord(f"target: must be a string of at most {MAX_BODY:,} characters")
    row.target = target
    row.detail = _required(obj, "detail", MAX_BODY)
    return row


# ---- files -----------------------------------------------------------------------------------

@dataclass
class FileProblem:
    """A record that is not what the bundle format says: ``file:line: field: what``."""

    path: str
    line: int
    reason: str

    def __str__(self) -> str:
        return f"{self.path}:{self.line}: {self.reason}"


def read_jsonl(path, name: str, parse: Callable[[object], T],
               problems: list[FileProblem]) -> list[T]:
    """Every record of one bundle file; each bad one becomes a ``FileProblem`` naming its line."""
    out: list[T] = []
    with open(path, "rb") as fh:
        for number, line in enumerate(iter(lambda: fh.readline(MAX_LINE + 1), b""), start=1):
            if len(line) > MAX_LINE:
                problems.append(FileProblem(name, number, f"line longer than {MAX_LINE:,} bytes"))
                break  # the rest of this line would read as more lines
            try:
                out.append(parse(json.loads(line.decode("utf-8"))))
            except UnicodeDecodeError:
                problems.append(FileProblem(name, number, "not UTF-8"))
            except json.JSONDecodeError as exc:
                problems.append(FileProblem(name, number, f"not JSON ({exc.msg})"))
            except BadRecord as exc:
                problems.append(FileProblem(name, number, str(exc)))
    return out

