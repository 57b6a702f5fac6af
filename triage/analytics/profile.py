"""The author profile: every per-author analytic in one plain object the CLI prints, the author
screen renders and ``--json`` hands to scripts.

It reads only (a read-only store works), and asks the store for aggregates rather than rows: an
author with 10k posts is a few hundred (week, indicators) and (half hour) counts, read from one
covering index. With ``merge_linked`` the
accounts an analyst linked (``identity.link_identities``) count as one person.
"""

from __future__ import annotations

import dataclasses
import sqlite3
from collections import Counter
import time
from dataclasses import dataclass, field

from ..store import analytics_queries as aq
from .authors import AuthorRef, authors_by_id, resolve_author
from .concern_report import concern_records
from .changes import ChangePoint, detect_changes, weekly_series
from .hours import HourHistogram, hour_histogram_from_slots, utc_hour_histogram
from .identity import IdentityCandidate, linked_component, suggest_identities
from .network import DomainCount, Interlocutor, LinkCount, TermCount, content, interlocutors
from .places import PlaceCount, places
from .risk import author_risk
from .timeline import Timeline, build_timeline
from .tzinfer import OffsetEstimate, infer_offset_from_bins, raw_offset_minutes


def connection(store_or_conn) -> sqlite3.Connection:
    """Analytics read functions take a Store or a bare connection."""
    return getattr(store_or_conn, "conn", store_or_conn)


@dataclass
class AuthorProfile:
    author: AuthorRef
    accounts: list[AuthorRef]  # the author and the accounts linked to them (posts merged)
    posts: int
    flagged: int
    first_at: int | None
    last_at: int | None
    max_score: float
    risk: float  # risk.author_risk
    timeline: Timeline
    hours: HourHistogram
    offset: OffsetEstimate
    changes: list[ChangePoint] = field(default_factory=list)  # significant ones, oldest first
    interlocutors: list[Interlocutor] = field(default_factory=list)
    hashtags: list[TermCount] = field(default_factory=list)
    links: list[LinkCount] = field(default_factory=list)
    domains: list[DomainCount] = field(default_factory=list)
    places: list[PlaceCount] = field(default_factory=list)
    identities: list[IdentityCandidate] = field(default_factory=list)  # possible same person elsewhere
    concern: dict | None = None  # stored author concern (concern_report.record), None before a refresh
    timings_ms: dict[str, float] = field(default_factory=dict)

    @property
    def hours_local(self) -> list[int] | None:
        """By hour in the chosen zone, else at the inferred offset, else None."""
        return self.hours.local if self.hours.local is not None else self.hours.at_offset(self.offset.utc_offset)

    @property
    def change_points(self) -> list[str]:
        return sorted({c.week for c in self.changes})

    def to_json(self) -> dict:
        """Plain JSON for scripts: the documented keys first, then everything else."""
        body = dataclasses.asdict(self)
        concern = body.pop("concern") or {}
        return {
            "author": body.pop("author") | {"ref": self.author.ref},
            "posts": body.pop("posts"),
            "hours_utc": self.hours.utc,
            "hours_local": self.hours_local,
            "utc_offset": self.offset.utc_offset,
            "offset_confidence": self.offset.confidence,
            "change_points": self.change_points,
            "timeline": body.pop("timeline"),
            # The fields of `triage concern --json`, at the top level too.
            "source": self.author.source,
            "concern": concern.get("concern", 0.0),
            "warning_behaviours": concern.get("warning_behaviours", []),
            "evidence": concern.get("evidence", []),
            "changed": concern.get("changed"),
            "concern_detail": concern,
            **body,
        }


class _Clock:
    def __init__(self) -> None:
        self.marks: dict[str, float] = {}
        self._last = time.perf_counter()

    def lap(self, name: str) -> None:
        now = time.perf_counter()
        self.marks[name] = round((now - self._last) * 1000, 2)
        self._last = now


def author_profile(store_or_conn, author: AuthorRef | str, source: str | None = None, zone: str | None = None,
                   granularity: str = "week", merge_linked: bool = True, limit: int = 20) -> AuthorProfile:
    """Everything about one author. ``author`` is an AuthorRef or ``HANDLE`` / ``SOURCE:HANDLE``;
    ``zone`` an IANA zone for the local-hour histogram (hours.UnknownZone if unknown)."""
    conn = connection(store_or_conn)
    clock = _Clock()
    if not isinstance(author, AuthorRef):
        author = resolve_author(conn, author, source)
    ids = linked_component(conn, author.id) if merge_linked else [author.id]
    accounts = [author] + [a for a in authors_by_id(conn, ids) if a.id != author.id]
    summary = aq.author_activity(conn, ids)
    buckets = aq.author_bucket_counts(conn, ids, granularity)
    timeline = build_timeline(buckets, granularity)
    clock.lap("timeline")
    if zone:
        hours = hour_histogram_from_slots(dict(aq.author_slot_counts(conn, ids)), zone)
    else:
        hours = utc_hour_histogram(aq.author_weekday_hours(conn, ids))
    clock.lap("hours")
    geo = aq.author_geo_posts(conn, ids)
    raw: Counter[int] = Counter()
    for sample, n in aq.author_raw_offsets(conn, ids):
        minutes = raw_offset_minutes(sample)
        if minutes is not None:
            raw[minutes] += n
    bins = [0] * 48
    for b, slots, _ in aq.author_halfhour_bins(conn, ids):
        bins[b] = slots
    offset = infer_offset_from_bins(bins, hours.utc, raw,
                                    [g.lon for g in geo if g.lat is not None and g.lon is not None])
    clock.lap("offset")
    weeks = buckets if granularity == "week" else aq.author_bucket_counts(conn, ids, "week")
    changes = detect_changes(weekly_series(weeks), aq.author_target_hits(conn, ids))
    clock.lap("changes")
    talk = interlocutors(conn, accounts, limit)
    clock.lap("interlocutors")
    tags, links, domains = content(conn, ids, limit)
    where = places(geo, limit)
    clock.lap("content")
    identities = suggest_identities(conn, accounts)
    clock.lap("identities")
    concern = next(iter(concern_records(conn, [author.id])), None)
    clock.lap("concern")
    return AuthorProfile(
        author=author, accounts=accounts, posts=summary.posts, flagged=summary.flagged,
        first_at=summary.first_at, last_at=summary.last_at, max_score=max(summary.top_scores, default=0.0),
        risk=author_risk(summary.top_scores, [c.strength for c in changes]),
        timeline=timeline, hours=hours, offset=offset, changes=changes, interlocutors=talk, hashtags=tags,
        links=links, domains=domains, places=where, identities=identities, concern=concern,
        timings_ms=clock.marks,
    )
