"""From the store's labels to training truth: ``cats`` per post and the Prodigy ``answer``.

Rules (the README says the same):

* An indicator's value is its current verdict: 1 confirmed, 0 rejected. An indicator with no
  verdict (or a cleared one) is absent: unknown, not 0 — the interchange format's rule.
* A ``benign`` disposition says the post shows no threat leakage, so each of the nine *text*
  indicators without a verdict becomes 0. ``behavior_change`` is left out: it is a property
  of an author over time, and one benign post says nothing about that trajectory. An explicit
  verdict beats the benign default (an analyst may call a post benign yet confirm ``distress``).
"""

from __future__ import annotations

from ..indicators import INDICATORS, TEXT_INDICATORS
from ..store.export_queries import ExportPost

BENIGN = "benign"

# Prodigy's answer is a post-level decision, read as "is this threat leakage?".
ANSWERS = {
    "escalate": "accept",  # leakage, acted on
    "monitor": "accept",  # leakage, kept on the radar
    "benign": "reject",  # no leakage: every text indicator 0
    "unclear": "ignore",  # no decision: Prodigy skips it in training
}


def cats_for(post: ExportPost) -> dict[str, int]:
    """Indicator -> 1/0, in the vocabulary's order; absent means unknown."""
    cats: dict[str, int] = {}
    if post.disposition == BENIGN:
        cats = {i: 0 for i in TEXT_INDICATORS}
    for indicator, verdict in post.verdicts.items():
        if verdict is not None:
            cats[indicator] = int(verdict)
    order = {name: n for n, name in enumerate(INDICATORS)}
    return dict(sorted(cats.items(), key=lambda kv: (order.get(kv[0], len(order)), kv[0])))


def answer_for(disposition: str | None, cats: dict[str, int]) -> str:
    """Dispositions map by ``ANSWERS``; no disposition (verdicts only) is "accept" when an
    indicator is confirmed and "reject" when all are rejected; a disposition from the config
    that is not one of the four defaults is "ignore" (its meaning is the team's own)."""
    if disposition is None:
        if any(cats.values()):
            return "accept"
        return "reject" if cats else "ignore"
    return ANSWERS.get(disposition, "ignore")


def analyst_for(post: ExportPost) -> str | None:
    """Who set the latest label; for posts with verdicts only, who set the latest verdict."""
    return post.label_analyst if post.label_analyst is not None else post.verdict_analyst
