"""The generic field mapping shared by the JSONL and CSV importers.

A row's fields become a ``PostRecord`` by name: ``id``, ``text``, ``author``, ``created_at``
and the optional ones below. ``--map text=body,author=user.screen_name`` renames (a dotted
name reaches into nested JSON objects).
"""

from __future__ import annotations

import hashlib
import math
import re
from typing import Mapping, cast

from ..records import PostRecord
from ..timeparse import TimestampError, parse_timestamp
from .api import PluginError
from ..record_check import RecordError

FIELDS = (
    "id", "text", "author", "created_at", "author_name", "author_id", "url", "reply_to",
    "reply_to_author", "mentions", "hashtags", "lang", "lat", "lon", "place", "source",
)
REQUIRED = ("text", "author", "created_at")

_MENTION = re.compile(r"(?<![\w@])@([A-Za-z0-9_][A-Za-z0-9_.\-]{0,63}(?:@[A-Za-z0-9.\-]+)?)")
_HASHTAG = re.compile(r"(?<![\w#&])#(\w{1,100})")


def parse_mapping(spec: str | Mapping[str, str] | None) -> dict[str, str]:
    """``"text=body,author=user"`` -> {"text": "body", "author": "user"}."""
    if not spec:
        return {}
    if isinstance(spec, Mapping):
        items = dict(spec)
    else:
        items = {}
        for part in spec.split(","):
            if not part.strip():
                continue
            field, sep, column = part.partition("=")
            if not sep or not column.strip():
                raise PluginError(f"--map: {part!r} is not FIELD=COLUMN")
            items[field.strip()] = column.strip()
    unknown = set(items) - set(FIELDS)
    if unknown:
        raise PluginError(f"--map: unknown field(s) {', '.join(sorted(unknown))} (fields: {', '.join(FIELDS)})")
    return items


def _getter(column: str):
    """A fast accessor for one column: a plain key, or a dotted path into nested objects."""
    if "." not in column:
        return lambda row: row.get(column)
    parts = column.split(".")

    def get(row):
        if column in row:
            return row[column]
        value = row
        for part in parts:
            if not isinstance(value, dict):
                return None
            value = value.get(part)
        return value

    return get


def _as_list(value, field: str) -> list[str]:
    if value is None or value == "":
        return []
    if isinstance(value, str):
        return [v.lstrip("@#") for v in re.split(r"[,\s]+", value) if v.strip("@# ")]
    if isinstance(value, (list, tuple)):
        if not all(isinstance(v, (str, int)) and not isinstance(v, bool) for v in value if v is not None):
            raise RecordError(field, "expected a list of names")
        return [str(v).lstrip("@#") for v in value if v not in (None, "")]
    raise RecordError(field, "expected a list or a comma-separated string")


def _as_float(value, field: str) -> float | None:
    if value is None or value == "":
        return None
    try:
        number = float(value)
    except (TypeError, ValueError):
        raise RecordError(field, f"not a number: {str(value)[:40]!r}") from None
    if not math.isfinite(number):
        raise RecordError(field, "not a finite number")
    return number


def as_text(value, field: str = "") -> str | None:
    """A text field: a string, or a number written without quotes (ids often are)."""
    if value is None or value == "":
        return None
    if isinstance(value, str):
        return value
    if isinstance(value, int) and not isinstance(value, bool):
        return str(value)
    if isinstance(value, float) and value.is_integer() and abs(value) < 2**63:
        return str(int(value))
    kind = {dict: "an object", list: "a list", bool: "a boolean"}.get(type(value), "a number")
    raise RecordError(field, f"expected text, got {kind}")


class FieldMapper:
    """Turns rows (dicts) into PostRecords under one mapping; built once per file, called per row."""

    def __init__(self, mapping: Mapping[str, str], default_source: str):
        self.columns = {f: mapping.get(f, f) for f in FIELDS}
        self.get = {f: _getter(c) for f, c in self.columns.items()}
        self.default_source = default_source
        # PostRecord field -> the column the file uses, for messages ("when: ..." under --map created_at=when).
        self.source_names = {"created_at": self.columns["created_at"], "text": self.columns["text"],
                             "author_handle": self.columns["author"], "external_id": self.columns["id"],
                             **{f: self.columns[f] for f in ("lat", "lon", "url", "reply_to", "mentions", "hashtags",
                                                            "lang", "place", "source", "author_id", "author_name")}}

    def __call__(self, row, raw: str) -> PostRecord:
        if type(row) is not dict:
            raise RecordError(None, "not an object")
        get = self.get
        values = {f: g(row) for f, g in get.items()}
        for field in REQUIRED:
            value = values[field]
            if value is None or (type(value) is str and not value.strip()):
                raise RecordError(self.columns[field], "missing")
        text = values["text"]
        if type(text) is not str:
            raise RecordError(self.columns["text"], f"expected text, got {type(text).__name__}")
        try:
            created_at, created_raw = parse_timestamp(values["created_at"])
        except TimestampError as exc:
            raise RecordError(self.columns["created_at"], str(exc)) from None
        text_of = {f: as_text(values[f], self.columns[f]) for f in (
            "id", "author", "source", "author_id", "author_name", "url", "reply_to", "reply_to_author", "lang",
            "place")}
        external_id = text_of["id"]
        if external_id is None:
            # No id: the content hash keeps re-imports idempotent.
            external_id = "sha256:" + hashlib.sha256(raw.encode("utf-8", "surrogatepass")).hexdigest()[:32]
        lat, lon = values["lat"], values["lon"]
        if lat is not None or lon is not None:
            lat, lon = _as_float(lat, "lat"), _as_float(lon, "lon")
            if lat is not None and not -90 <= lat <= 90:
                raise RecordError("lat", f"{lat} is outside -90..90")
            if lon is not None and not -180 <= lon <= 180:
                raise RecordError("lon", f"{lon} is outside -180..180")
        mentions = values["mentions"]
        mentions = _as_list(mentions, "mentions") if mentions is not None else (
            _MENTION.findall(text) if "@" in text else [])
        hashtags = values["hashtags"]
        hashtags = _as_list(hashtags, "hashtags") if hashtags is not None else (
            _HASHTAG.findall(text) if "#" in text else [])
        return PostRecord(
            source=text_of["source"] or self.default_source,
            external_id=external_id,
            text=text,
            author_handle=cast(str, text_of["author"]).lstrip("@"),  # REQUIRED: never None here
            created_at=created_at,
            created_raw=created_raw,
            author_id=text_of["author_id"],
            author_name=text_of["author_name"],
            url=text_of["url"],
            reply_to=text_of["reply_to"],
            reply_to_author=(text_of["reply_to_author"] or "").lstrip("@") or None,
            mentions=mentions,
            hashtags=hashtags,
            lang=text_of["lang"],
            lat=lat,
            lon=lon,
            place=text_of["place"],
            raw=raw,
        )
