"""The rows the store returns: one set of plain types, grouped by the entity they describe.

Every query module of the store builds these and nothing else, so one thing has one name and
one shape (a stored hit is a ``HitRow`` whether the post view or an export reads it). Hot reads
that return many rows use NamedTuples (the cheapest row Python builds); the rest are dataclasses.
The old query modules still export each name, so ``from triage.store.queries import HitRow``
keeps working.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from datetime import datetime, tzinfo
from typing import NamedTuple

from ..detection import Hit  # the kernel's plain dataclass: the store never imports the detector


# ---- posts -----------------------------------------------------------------------------------

@dataclass
class Stats:
    posts: int
    authors: int
    sources: int
    flagged: int
    labeled: int
    unreviewed: int  # flagged and not yet labeled
    untagged: int
    by_source: dict[str, int] = field(default_factory=dict)
    by_indicator: dict[str, int] = field(default_factory=dict)  # posts with at least one hit
    by_disposition: dict[str, int] = field(default_factory=dict)
    schema_version: int = 0

    def as_dict(self) -> dict:
        return asdict(self)


@dataclass
class QueueRow:
    id: int
    score: float | None
    indicators: str  # comma-separated ids
    created_at: int
    source: str
    handle: str
    snippet: str  # raw (unsanitized) start of the text
    disposition: str | None
    flagged: bool
    length: int = 0  # characters in the whole post (a huge one is marked in the list)
    concern: float | None = None  # the author's concern (None: no evidence at all)
    disagreement: bool = False  # analysts' current decisions differ (agreement_queries)
    claimed_by: str | None = None  # another analyst has it open in their console


# ---- analysts' decisions (agreement_queries) ----------------------------------------------

@dataclass(frozen=True)
class Decision:
    """One analyst's current decision: a disposition name, or a verdict (1 confirmed, 0 rejected)."""

    analyst: str
    value: str | int
    at: float
    row_id: int = 0  # the label or verdict row it stands on (append order)


@dataclass
class PostDecisions:
    """Every analyst's current decisions on one post, and the review label that settled them."""

    post_id: int
    dispositions: dict[str, Decision] = field(default_factory=dict)  # analyst -> their disposition
    verdicts: dict[str, dict[str, Decision]] = field(default_factory=dict)  # indicator -> analyst -> verdict
    # The latest review label (from the review queue) that still stands, if it is newer than every
    # decision above: the disagreement is settled until an analyst decides anew.
    settled: Decision | None = None

    @property
    def disposition_disagrees(self) -> bool:
        return len({d.value for d in self.dispositions.values()}) > 1

    @property
    def disputed_indicators(self) -> list[str]:
        return sorted(ind for ind, by in self.verdicts.items() if len({d.value for d in by.values()}) > 1)

    @property
    def disagrees(self) -> bool:
        """The analysts' current decisions differ (settled or not)."""
        return self.disposition_disagrees or bool(self.disputed_indicators)

    @property
    def open(self) -> bool:
        """A disagreement no review label has settled yet: what the review queue lists first."""
        return self.disagrees and self.settled is None

    @property
    def analysts(self) -> list[str]:
        names = set(self.dispositions)
        for by in self.verdicts.values():
            names |= set(by)
        return sorted(names)


@dataclass
class HistoryRow:
    kind: str  # label | verdict | note
    at: float
    analyst: str
    value: str  # disposition, "threat=1", or the note body
    undo: bool = False


@dataclass
class PostDetail:
    id: int
    source: str
    external_id: str
    text: str
    created_at: int
    created_raw: str
    collected_at: int
    url: str | None
    reply_to: str | None
    lang: str | None
    lat: float | None
    lon: float | None
    place: str | None
    score: float | None
    flagged: bool
    indicators: list[str]
    detector_version: str | None
    disposition: str | None
    author_id: int
    author_handle: str
    author_name: str | None
    author_posts: int
    raw_sha256: str
    hits: list[HitRow] = field(default_factory=list)
    verdicts: dict[str, int | None] = field(default_factory=dict)  # current verdict per indicator
    history: list[HistoryRow] = field(default_factory=list)  # labels, verdicts, notes, oldest first
    rescore: RescoreRow | None = None  # what the latest `triage rescore` changed, if it moved this post
    thread: list[ContextLine] = field(default_factory=list)  # the posts above a reply, root first
    author_flagged: list[ContextLine] = field(default_factory=list)  # the author's other flagged posts
    concern: AuthorConcernBrief | None = None  # the author's concern, if they have any
    # Each analyst's current decisions when more than one analyst has decided (agreement_queries).
    decisions: PostDecisions | None = None


@dataclass
class ContextLine:
    """One post as a line: enough to recognise it and open it."""

    id: int
    handle: str
    created_at: int
    score: float | None
    flagged: bool
    snippet: str  # raw (unsanitized) start of the text


@dataclass
class PostBrief:
    """What an alert says about a newly flagged post: where to find it, not its text."""

    id: int
    source: str
    external_id: str
    score: float | None
    indicators: list[str]
    url: str | None

    def as_dict(self) -> dict:
        return asdict(self)


class TermSourceRow(NamedTuple):
    id: int
    source: str
    created_at: int
    text: str
    hashtags: str | None


class ItemSourceRow(NamedTuple):
    id: int
    author_id: int
    created_at: int
    url: str | None
    hashtags: str | None  # JSON list
    link_text: str | None  # the text, only when it may hold a link


class GeoRow(NamedTuple):
    created_at: int
    lat: float | None
    lon: float | None
    place: str | None


@dataclass
class ExportPost:
    """One post with everything an export writes about it."""

    id: int
    source: str
    external_id: str
    text: str
    created_at: int
    url: str | None
    author_id: int | None
    author_handle: str | None
    author_external_id: str | None
    author_name: str | None
    mentions: list[str]
    reply_to_author: str | None
    score: float | None
    flagged: bool
    indicators: list[str]  # what the detector said
    detector_version: str | None
    disposition: str | None  # current (posts.disposition)
    label_analyst: str | None  # who set the latest label row
    label_at: float | None
    verdicts: dict[str, int | None] = field(default_factory=dict)  # current verdict per indicator
    verdict_analyst: str | None = None  # who set the most recent current verdict
    hits: list[HitRow] = field(default_factory=list)
    notes_count: int = 0


# ---- hits ------------------------------------------------------------------------------------

@dataclass
class HitRow(Hit):
    """A stored detector hit: the detector's Hit and the version that produced it. Rows written
    before a field existed may hold None in ``score``, ``rule``, ``origin`` or the version."""

    detector_version: str | None = ""


class EvidenceRow(NamedTuple):
    author_id: int
    post_id: int
    created_at: int
    indicator: str
    score: float
    origin: str  # rule | model | ner | analytics (behavior_change marks)
    disposition: str | None
    direct: int  # 1: a reply or a post that @mentions someone (said *to* someone)


# ---- rescores --------------------------------------------------------------------------------

@dataclass
class PostState:
    id: int
    score: float | None  # None: never tagged
    flagged: bool
    detector_version: str | None


@dataclass
class RescoreRow:
    post_id: int
    at: float
    old_score: float | None
    new_score: float | None
    old_flagged: bool
    new_flagged: bool
    old_detector: str | None
    new_detector: str

    def describe(self, zone: tzinfo, now: PostState | None = None) -> str:
        """One line for the post view: 'rescored 2026-11-22: 0.42 → 0.71, now flagged (detector a → b)'.

        With ``now`` (the post as it is), a later `triage retag` that changed the score or the
        detector is said too: the line is history then, not the post's state, and must not
        read as if 0.71 were still its risk."""
        day = datetime.fromtimestamp(self.at, zone).strftime("%Y-%m-%d")
        old = _score(self.old_score)
        new = _score(self.new_score)
        flag = ""
        stale = now is not None and not self.still_current(now)
        if self.old_flagged != self.new_flagged:
            flag = (" and flagged" if self.new_flagged else " and unflagged") if stale else \
                (", now flagged" if self.new_flagged else ", no longer flagged")
        line = f"rescored {day}: {old} → {new}{flag} (detector {self.old_detector or '—'} → {self.new_detector})"
        if stale and now is not None:  # stale implies now; the check is for the type checker
            line += (f"; retagged since: now {_score(now.score)}{', flagged' if now.flagged else ''}"
                     f" (detector {now.detector_version or '—'})")
        return line

    def still_current(self, now: PostState) -> bool:
        """Whether the post still has the score and detector this rescore left it with."""
        if now.score is None or self.new_score is None:
            same_score = now.score is None and self.new_score is None
        else:
            same_score = abs(now.score - self.new_score) < 0.005
        return same_score and now.detector_version == self.new_detector


def _score(score: float | None) -> str:
    return "untagged" if score is None else f"{score:.2f}"


# ---- labels, verdicts, notes -----------------------------------------------------------------

@dataclass
class LabelRow:
    post_id: int
    id: int
    disposition: str | None
    analyst: str | None
    at: float
    undo_of: int | None


@dataclass
class VerdictRow:
    post_id: int
    id: int
    indicator: str
    verdict: int | None
    analyst: str | None
    at: float
    undo_of: int | None


@dataclass
class NoteRow:
    post_id: int
    id: int
    body: str
    analyst: str | None
    at: float


# ---- authors ---------------------------------------------------------------------------------

@dataclass(slots=True)
class AuthorRow:
    """An author as the ``authors`` table keeps them (one account on one source)."""

    id: int
    source: str
    handle: str
    display_name: str | None
    post_count: int
    first_seen: int | None
    last_seen: int | None
    external_id: str | None = None  # the source's own id of the account, where it gave one


@dataclass
class AuthorSummary(AuthorRow):
    """An author with the store-wide counts an export reports about them."""

    indicator_posts: dict[str, int] = field(default_factory=dict)  # posts of this author the detector tagged with it
    confirmed: dict[str, int] = field(default_factory=dict)  # posts where an analyst confirmed it


class AuthorActivity(NamedTuple):
    """What a set of accounts (one author and the accounts linked to them) posted, in sum."""

    posts: int
    flagged: int
    first_at: int | None
    last_at: int | None
    top_scores: list[float]  # best first, at most 3


@dataclass
class AuthorConcernBrief:
    concern: float
    behaviours: list[str]  # warning-behaviour names
    trend: str
    lifted: bool  # this post is in the flagged queue because of its author's concern


class ConcernRow(NamedTuple):
    author_id: int
    source: str
    handle: str
    display_name: str | None
    concern: float
    components: dict
    behaviours: list
    flagged: int
    latest_at: int | None
    trend: str
    changed_at: float | None
    computed_at: float


class ChangeRow(NamedTuple):
    id: int
    author_id: int
    kind: str
    week: str
    week_start: int
    llr: float
    p_value: float
    rate_before: float
    rate_after: float
    posts_before: int
    posts_after: int
    hits_before: int
    hits_after: int
    target: str | None
    detected_at: float
    method: str


class LinkRow(NamedTuple):
    id: int
    a_id: int
    b_id: int
    linked: int
    analyst: str | None
    at: float
    note: str | None


class InterlocutorRow(NamedTuple):
    source: str
    handle: str  # as the author table spells it when they wrote to us, else lower case
    replies_to: int
    mentions_of: int
    replied_by: int
    mentioned_by: int
    last_at: int


class EdgeRow(NamedTuple):
    source: str
    handle: str  # who wrote
    target: str  # whom they replied to / mentioned (same source)
    kind: str
    weight: int
    first_at: int
    last_at: int


class IdentityEdgeRow(NamedTuple):
    a_source: str
    a_handle: str
    b_source: str
    b_handle: str
    at: float  # when the analyst linked them


class AccountStatsRow(NamedTuple):
    source: str
    handle_key: str  # lower(handle): how interactions name an account
    posts: int
    flagged: int
    max_score: float | None
    first_at: int | None
    last_at: int | None
    concern: float | None  # author concern (None: not computed)


# ---- audit -----------------------------------------------------------------------------------

@dataclass
class AuditRow:
    id: int
    at: float
    analyst: str | None
    action: str
    target: str
    detail: str


# ---- collectors ------------------------------------------------------------------------------

@dataclass
class FeedStatus:
    """One feed (feed URL, board, timeline, query, listing) of a live collector, as its last
    run left it: kept in the cursor under "status" by ``triage.collectors.feed_log.FeedLog``."""

    feed: str
    last_ok_at: float | None
    last_error: str | None
    last_error_at: float | None
    read: int | None  # posts read from it in its last run

    @property
    def ok(self) -> bool:
        return self.last_error is None


@dataclass
class CollectorStatus:
    name: str
    plugin: str
    last_run_at: float | None
    last_ok_at: float | None
    last_error: str | None
    runs: int
    posts_added: int
    has_cursor: bool
    feeds: list[FeedStatus] = field(default_factory=list)

    def as_dict(self) -> dict:
        return asdict(self)
