"""Sentiment toward a named target (a person, organisation or place) over time.

Scores come from VADER (vaderSentiment: a lexicon and rules, no model download, works on an
air-gapped box). VADER scores a text, not an attitude toward one thing in it, so only the
sentences that name the target are scored: "I love my dog. The mayor is a liar." is negative
toward the mayor. The weekly mean compound score (-1 .. +1) and the share of clearly negative
posts (compound <= -0.05, VADER's own cut) are the trend.

Posts naming the target are found through the full-text index (a phrase query), newest first,
capped at ``MAX_POSTS`` so a target named in half the store still answers in seconds.
"""

from __future__ import annotations

import re
import sqlite3
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Sequence

from ..store import analytics_queries as aq
from .weeks import week_index, week_label

NEGATIVE = -0.05  # VADER's documented threshold for "negative"
MAX_POSTS = 20_000
_SENTENCE = re.compile(r"(?<=[.!?…])\s+|\n+")
_WORD = re.compile(r"\w+", re.UNICODE)
_ARTICLES = {"the", "a", "an"}


@lru_cache(maxsize=1)
def _analyzer():
    # Imported here: the lexicon load is ~20 ms, paid only by commands that score sentiment.
    from vaderSentiment.vaderSentiment import SentimentIntensityAnalyzer

    return SentimentIntensityAnalyzer()


def score_text(text: str) -> float:
    """VADER compound score of a whole text, -1 (negative) .. +1 (positive)."""
    return _analyzer().polarity_scores(text)["compound"]


def target_words(target: str) -> list[str]:
    """The words that name the target; a leading article is dropped ("the mayor" is "mayor")."""
    words = _WORD.findall(target)
    return words[1:] if len(words) > 1 and words[0].casefold() in _ARTICLES else words


def score_toward(text: str, target: str) -> float | None:
    """Mean compound score of the sentences that name ``target`` (None if none does)."""
    words = [w.casefold() for w in target_words(target)]
    if not words:
        return None
    pattern = re.compile(r"\b" + r"\W+".join(map(re.escape, words)) + r"\b", re.IGNORECASE)
    scores = [score_text(s) for s in _SENTENCE.split(text) if pattern.search(s)]
    return sum(scores) / len(scores) if scores else None


def fts_phrase(target: str) -> str:
    """An FTS5 phrase query for the target's words (quotes doubled, operators inert)."""
    words = target_words(target)
    if not words:
        raise ValueError("the target has no words to search for")
    return '"' + " ".join(w.replace('"', '""') for w in words) + '"'


@dataclass
class SentimentWeek:
    week: str
    posts: int
    mean: float  # mean compound score toward the target
    negative_share: float  # posts at or below NEGATIVE


@dataclass
class SentimentTrend:
    target: str
    posts: int  # posts that name the target (and were scored)
    mean: float | None
    negative_share: float | None
    weeks: list[SentimentWeek] = field(default_factory=list)
    capped: bool = False  # only the newest MAX_POSTS were scored


def sentiment_trend(conn: sqlite3.Connection, target: str, author_ids: Sequence[int] | None = None,
                    max_posts: int = MAX_POSTS) -> SentimentTrend:
    rows = aq.posts_matching(conn, fts_phrase(target), author_ids, limit=max_posts + 1)
    capped = len(rows) > max_posts
    by_week: dict[int, list[float]] = {}
    for _, created_at, text in rows[:max_posts]:
        score = score_toward(text, target)
        if score is not None:
            by_week.setdefault(week_index(created_at), []).append(score)
    weeks = [SentimentWeek(week_label(w), len(s), round(sum(s) / len(s), 4),
                           round(sum(x <= NEGATIVE for x in s) / len(s), 4))
             for w, s in sorted(by_week.items())]
    scores = [x for s in by_week.values() for x in s]
    if not scores:
        return SentimentTrend(target, 0, None, None, weeks, capped)
    return SentimentTrend(target, len(scores), round(sum(scores) / len(scores), 4),
                          round(sum(x <= NEGATIVE for x in scores) / len(scores), 4), weeks, capped)
