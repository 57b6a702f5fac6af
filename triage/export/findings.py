"""What the sharing formats (STIX, MISP) say beyond the posts: the analysts' notes on each
post and the authors' concern with the warning behaviours behind it, read once from the store
and pseudonymized like the posts when the export is."""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import lru_cache

from ..analytics.warnings import load_rules
from ..store import concern_queries as cq
from ..store import export_queries as q
from .prepared import PreparedPost

TLP_LEVELS = ("clear", "green", "amber", "amber+strict", "red")  # TLP 2.0, as FIRST names them
DEFAULT_TLP = "amber"


@dataclass
class AnalystNote:
    body: str  # masked when the export is pseudonymized
    analyst: str | None
    at: float


@dataclass
class Behaviour:
    name: str  # a key of data/warning_behaviours.toml
    summary: str
    evidence: list[PreparedPost]  # the exported posts among its evidence


@dataclass
class AuthorFinding:
    """An author of concern among the exported posts' authors."""

    store_author_id: int
    posts: list[PreparedPost]  # theirs, in the export
    concern: float
    trend: str
    behaviours: list[Behaviour] = field(default_factory=list)


@lru_cache(maxsize=1)
def behaviour_summaries() -> dict[str, str]:
    return {rule.name: rule.summary for rule in load_rules()}


def analyst_notes(ctx) -> dict[int, list[AnalystNote]]:
    """Store post id -> its notes, oldest first."""
    out: dict[int, list[AnalystNote]] = {}
    for n in q.notes(ctx.store.conn, [p.post.id for p in ctx.posts]):
        out.setdefault(n.post_id, []).append(AnalystNote(ctx.mask(n.body), n.analyst, n.at))
    return out


def authors_of_concern(ctx) -> list[AuthorFinding]:
    """Exported authors with a concern above zero, highest first; each behaviour keeps only the
    evidence posts that are in the export (a recipient cannot resolve the others)."""
    by_author: dict[int, list[PreparedPost]] = {}
    for p in ctx.posts:
        if p.post.author_id is not None:
            by_author.setdefault(p.post.author_id, []).append(p)
    rows = cq.for_authors(ctx.store.conn, list(by_author))
    summaries = behaviour_summaries()
    found = []
    for author_id, row in rows.items():
        if row.concern <= 0:
            continue
        posts = {p.post.id: p for p in by_author[author_id]}
        behaviours = [Behaviour(name, summaries.get(name, ""), [posts[i] for i in ids if i in posts])
                      for name, ids in row.behaviours]
        found.append(AuthorFinding(author_id, by_author[author_id], row.concern, row.trend, behaviours))
    return sorted(found, key=lambda f: (-f.concern, f.store_author_id))
