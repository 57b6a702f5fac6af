"""A post as every format writes it: labels turned into ``cats``, names pseudonymized or not,
evidence spans in the coordinates of the text that is written."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Sequence

from ..store.export_queries import ExportPost
from .labels import analyst_for, answer_for, cats_for
from .pseudonym import Pseudonymizer
from .selection import iso_utc


@dataclass
class Span:
    indicator: str
    start: int  # offsets into PreparedPost.text
    end: int
    rule: str | None
    origin: str | None
    score: float | None


@dataclass
class PreparedPost:
    post: ExportPost  # the store's copy (ids, score, detector output), never written as is
    ref: str  # "source:external_id", or a pseudonym
    text: str
    author: str | None
    author_id: str | None
    author_name: str | None
    url: str | None
    created_at: str  # ISO 8601 UTC
    cats: dict[str, int]
    answer: str
    analyst: str | None
    spans: list[Span] = field(default_factory=list)

    @property
    def hits_summary(self) -> dict[str, int]:
        out: dict[str, int] = {}
        for hit in self.post.hits:
            out[hit.indicator] = out.get(hit.indicator, 0) + 1
        return out


def known_handles(posts: Sequence[ExportPost]) -> set[str]:
    """Every handle the store links to these posts: authors, mentions, replied-to."""
    handles: set[str] = set()
    for p in posts:
        handles.update(h for h in (p.author_handle, p.reply_to_author, *p.mentions) if h)
    return handles


def known_names(posts: Sequence[ExportPost]) -> dict[str, str]:
    """The display names of these posts' authors, each with its author's handle."""
    return {p.author_name: p.author_handle for p in posts if p.author_name and p.author_handle}


def prepare(posts: Sequence[ExportPost], pseudonymizer: Pseudonymizer | None = None) -> list[PreparedPost]:
    out = []
    for p in posts:
        cats = cats_for(p)
        spans_raw = [(h.indicator, h.start, h.end, h.rule, h.origin, h.score) for h in p.hits]
        if pseudonymizer is None:
            text, ref, author, author_id, name, url = (p.text, f"{p.source}:{p.external_id}", p.author_handle,
                                                       p.author_external_id, p.author_name, p.url)
            spans = [Span(*s) for s in spans_raw]
        else:
            ps = pseudonymizer
            text, to_masked = ps.mask_text(p.text)
            ref = f"{p.source}:{ps.post_ref(p.source, p.external_id)}"
            author, author_id, name, url = (ps.handle(p.author_handle), ps.author_id(p.source, p.author_external_id),
                                            None, ps.url(p.url))
            spans = [Span(ind, to_masked(s), to_masked(e, is_end=True), rule, origin, score)
                     for ind, s, e, rule, origin, score in spans_raw]
        out.append(PreparedPost(
            post=p, ref=ref, text=text, author=author, author_id=author_id, author_name=name, url=url,
            created_at=iso_utc(p.created_at), cats=cats, answer=answer_for(p.disposition, cats),
            analyst=analyst_for(p), spans=spans,
        ))
    return out
