"""The record a collector yields: one collected post, in plain data, before it reaches the store."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any


@dataclass
class PostRecord:
    source: str  # e.g. "mastodon:example.social", "reddit", "telegram", "jsonl"
    external_id: str  # the post's id at its source; (source, external_id) is the store key
    text: str
    author_handle: str
    created_at: int  # UTC epoch seconds
    created_raw: str  # the source's timestamp string as given (its offset is a location hint)
    author_id: str | None = None
    author_name: str | None = None
    url: str | None = None
    reply_to: str | None = None  # external_id of the post replied to (same source)
    reply_to_author: str | None = None  # handle replied to, when the source says
    mentions: list[str] = field(default_factory=list)  # handles, without "@"
    hashtags: list[str] = field(default_factory=list)  # without "#"
    lang: str | None = None
    lat: float | None = None
    lon: float | None = None
    place: str | None = None
    raw: Any = None  # the record exactly as collected (JSON-serialisable): the evidence copy


@dataclass
class ImportProblem:
    """A record that could not be read: reported as ``file:line: reason`` and skipped."""

    path: str
    line: int
    reason: str

    def __str__(self) -> str:
        # The reason quotes the file's own bytes (a header cell, a field value): never raw.
        from .sanitize import sanitize

        return sanitize(f"{self.path}:{self.line}: {self.reason}")
