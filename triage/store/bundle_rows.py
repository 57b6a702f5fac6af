"""The rows a bundle carries (``triage.bundle``), as plain dataclasses: what the store's bundle
queries return and take, and what the bundle reader makes of each JSONL line.

A bundle names posts by ``(source, external_id)`` and accounts by ``(source, handle)``: store ids
differ between stations. Each data row keeps its id on the exporting station (``id``), which with
the station id is the row's idempotent key on import.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class PostRef:
    source: str
    external_id: str

    def __str__(self) -> str:
        return f"{self.source}:{self.external_id}"


class _NamesPost:
    """A bundle row about one post, which it names by ``(source, external_id)``."""

    source: str
    external_id: str

    @property
    def ref(self) -> PostRef:
        return PostRef(self.source, self.external_id)


@dataclass
class BundlePost(_NamesPost):
    """Enough of a post for the importing station to tell it is the same one."""

    source: str
    external_id: str
    author: str
    created_at: int
    text: str
    raw_sha256: str | None


@dataclass
class LabelRow(_NamesPost):
    id: int
    source: str
    external_id: str
    disposition: str | None  # None: the disposition was cleared
    analyst: str
    at: float
    undo_of: int | None  # a label id on the exporting station


@dataclass
class VerdictRow(_NamesPost):
    id: int
    source: str
    external_id: str
    indicator: str
    verdict: int | None  # 1 confirmed, 0 rejected, None cleared
    analyst: str
    at: float
    undo_of: int | None  # a verdict id on the exporting station


@dataclass
class NoteRow(_NamesPost):
    id: int
    source: str
    external_id: str
    body: str
    analyst: str
    at: float


@dataclass
class LinkRow:
    """An identity decision between two accounts (``identity_links``)."""

    id: int
    a_source: str
    a_handle: str
    b_source: str
    b_handle: str
    linked: int  # 1 same person, 0 not
    analyst: str
    at: float
    note: str | None


@dataclass
class AuditRow:
    """One row of the exporting station's audit chain. Another analyst's row is carried
    ``withheld``: id and hashes only, so the chain links without telling what they did."""

    id: int
    prev_hash: str
    hash: str
    at: float | None = None
    analyst: str | None = None
    action: str | None = None
    target: str | None = None
    detail: str | None = None  # canonical JSON, as hashed

    @property
    def withheld(self) -> bool:
        return self.action is None
