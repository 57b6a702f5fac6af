"""Boundary checks for the JSON that live APIs send (Bluesky, Reddit): every field a
collector reads passes one of these before it reaches a ``PostRecord``.

An API answer is untrusted input like any file: a field of the wrong type, a string of
megabytes, an object where a list should be. Each check returns the value in the type the
record wants, or raises ``RecordError`` naming the field's path (``record.facets[2].index``),
never echoing the value (it may be junk, or an escape sequence bound for the terminal). The
collector turns that into one problem line for that post and keeps the others.
"""

from __future__ import annotations

import json
import math

from ..record_check import RecordError

# Generous ceilings, far above what the sources allow (a Bluesky post is at most 3,000 bytes,
# a Reddit self post 40,000 characters), low enough that junk cannot bloat the store.
MAX_TEXT = 100_000
MAX_NAME = 640  # handles, display names, subreddit names, tags
MAX_ID = 1_024  # ids, at:// URIs, DIDs, cursors
MAX_URL = 4_096
MAX_ITEMS = 1_000  # entries of a list inside one post (facets, tags, languages)
MAX_RAW_BYTES = 1_000_000  # the evidence copy of one post, as JSON


def bad(path: str, what: str) -> RecordError:
    """The error for field ``path`` of an API record: ``'path': what``."""
    return RecordError(path, what, quoted=True)


def _kind(value) -> str:
    if value is None:
        return "null"
    return {bool: "a boolean", int: "a number", float: "a number", str: "text", list: "a list",
            dict: "an object"}.get(type(value), type(value).__name__)


def obj(value, path: str) -> dict:
    if not isinstance(value, dict):
        raise bad(path, f"expected an object, got {_kind(value)}")
    return value


def opt_obj(value, path: str) -> dict | None:
    return None if value is None else obj(value, path)


def text(value, path: str, limit: int = MAX_TEXT) -> str:
    if not isinstance(value, str):
        raise bad(path, f"expected text, got {_kind(value)}")
    if len(value) > limit:
        raise bad(path, f"{len(value):,} characters, over the {limit:,} allowed")
    return value


def opt_text(value, path: str, limit: int = MAX_TEXT) -> str | None:
    """Text, or None for a missing/null/empty field."""
    if value is None or value == "":
        return None
    return text(value, path, limit)


def integer(value, path: str, low: int = 0, high: int = 2**53) -> int:
    if isinstance(value, bool) or not isinstance(value, int):
        raise bad(path, f"expected a whole number, got {_kind(value)}")
    if not low <= value <= high:
        raise bad(path, f"{value} is outside {low}..{high}")
    return value


def number(value, path: str) -> float:
    if isinstance(value, bool) or not isinstance(value, (int, float)) or not math.isfinite(value):
        raise bad(path, f"expected a number, got {_kind(value)}")
    return float(value)


def items(value, path: str, limit: int = MAX_ITEMS) -> list:
    """A list (None: empty), at most ``limit`` long."""
    if value is None:
        return []
    if not isinstance(value, list):
        raise bad(path, f"expected a list, got {_kind(value)}")
    if len(value) > limit:
        raise bad(path, f"{len(value):,} entries, over the {limit:,} allowed")
    return value


def text_list(value, path: str, limit: int = MAX_NAME) -> list[str]:
    return [text(v, f"{path}[{i}]", limit) for i, v in enumerate(items(value, path))]


def evidence(raw, path: str = "record") -> object:
    """The raw copy as stored (JSON), refused when it alone would be over ``MAX_RAW_BYTES``."""
    size = len(json.dumps(raw, ensure_ascii=False).encode("utf-8", "surrogatepass"))
    if size > MAX_RAW_BYTES:
        raise bad(path, f"{size:,} bytes of JSON, over the {MAX_RAW_BYTES:,} allowed for one post")
    return raw
