"""Inter-analyst agreement: Cohen's κ for a pair of analysts, Fleiss' κ for many.

Pure arithmetic on plain mappings (no store, no I/O): ``triage agreement`` feeds it each
analyst's current decisions (``store.agreement_queries``) and prints the result.

Cohen's κ (Cohen 1960), for two raters on the n items both rated:
    p_o = (items they put in the same category) / n
    p_e = Σ_k (their first's share of category k) · (the second's share of k)
    κ   = (p_o − p_e) / (1 − p_e)

Fleiss' κ (Fleiss 1971), generalised to a varying number of raters per item as in Fleiss,
Levin & Paik, *Statistical Methods for Rates and Proportions* (3rd ed., 2003, §18.1). Item i
has m_i ≥ 2 ratings, x_ij of them in category j; N items, m̄ = Σ m_i / N:
    p_j  = Σ_i x_ij / (N m̄)                                   (category j's share)
    D_j  = Σ_i x_ij (m_i − x_ij) / m_i                          (disagreement within items)
    κ_j  = 1 − D_j / (N (m̄ − 1) p_j (1 − p_j))                 (category j against the rest)
    κ    = 1 − Σ_j D_j / (N (m̄ − 1) Σ_j p_j (1 − p_j))         (all categories)
With the same m on every item this is exactly Fleiss (1971): κ = (P̄ − P̄_e) / (1 − P̄_e), and
``observed`` and ``expected`` below are that P̄ and P̄_e.

A κ is undefined (None) when chance agreement is total (every rating in one category).
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from itertools import combinations
from typing import Hashable, Mapping, Sequence


@dataclass(frozen=True)
class CohenKappa:
    first: str
    second: str
    n: int  # items both rated
    observed: float  # p_o
    expected: float  # p_e
    kappa: float | None


@dataclass(frozen=True)
class FleissKappa:
    items: int  # N: items with two ratings or more
    ratings: int  # Σ m_i
    observed: float  # P̄
    expected: float  # P̄_e
    kappa: float | None
    by_category: dict[str, float | None] = field(default_factory=dict)  # κ_j
    shares: dict[str, float] = field(default_factory=dict)  # p_j

    @property
    def mean_raters(self) -> float:
        return self.ratings / self.items if self.items else 0.0


def cohen_kappa(pairs: Sequence[tuple[Hashable, Hashable]]) -> tuple[int, float, float, float | None]:
    """(n, p_o, p_e, κ) for two raters' categories on the same items."""
    n = len(pairs)
    if n == 0:
        return 0, 0.0, 0.0, None
    observed = sum(a == b for a, b in pairs) / n
    first, second = Counter(a for a, _ in pairs), Counter(b for _, b in pairs)
    expected = sum(first[k] * second[k] for k in first) / (n * n)
    return n, observed, expected, _kappa(observed, expected)


def _kappa(observed: float, expected: float) -> float | None:
    if expected >= 1.0 - 1e-12:
        return None
    return (observed - expected) / (1.0 - expected)


def fleiss_kappa(counts: Sequence[Mapping[str, int]], categories: Sequence[str] | None = None) -> FleissKappa:
    """Fleiss' κ over items given as {category: ratings in it}; items with fewer than two
    ratings are left out (they cannot agree or disagree)."""
    items = [c for c in counts if sum(c.values()) >= 2]
    cats = list(categories) if categories is not None else sorted({k for c in items for k in c})
    n_items = len(items)
    ratings = sum(sum(c.values()) for c in items)
    if n_items == 0:
        return FleissKappa(0, 0, 0.0, 0.0, None, {k: None for k in cats}, {k: 0.0 for k in cats})
    mean = ratings / n_items
    shares = {k: sum(c.get(k, 0) for c in items) / ratings for k in cats}
    within = {k: sum(c.get(k, 0) * (sum(c.values()) - c.get(k, 0)) / sum(c.values()) for c in items) for k in cats}
    scale = n_items * (mean - 1)
    by_category: dict[str, float | None] = {}
    for k in cats:
        spread = shares[k] * (1 - shares[k])
        by_category[k] = None if spread <= 1e-12 else 1 - within[k] / (scale * spread)
    observed = 1 - sum(within.values()) / scale
    expected = sum(p * p for p in shares.values())
    return FleissKappa(n_items, ratings, observed, expected, _kappa(observed, expected), by_category, shares)


@dataclass
class AgreementReport:
    """What `triage agreement` says: over posts with two raters or more."""

    posts: int  # posts with a disposition from two analysts or more
    analysts: list[str]
    pairs: list[CohenKappa]  # dispositions, per analyst pair with a post in common
    dispositions: FleissKappa
    indicators: dict[str, FleissKappa]  # verdicts (confirmed / rejected) per indicator


def agreement_report(dispositions: Mapping[int, Mapping[str, str]],
                     verdicts: Mapping[str, Mapping[int, Mapping[str, int]]],
                     categories: Sequence[str] = ()) -> AgreementReport:
    """``dispositions``: post -> analyst -> disposition; ``verdicts``: indicator -> post ->
    analyst -> 1/0. ``categories`` names dispositions to list even when nobody used them."""
    rated = {post: by for post, by in dispositions.items() if len(by) >= 2}
    analysts = sorted({a for by in rated.values() for a in by})
    pairs = []
    for first, second in combinations(analysts, 2):
        both = [(by[first], by[second]) for by in rated.values() if first in by and second in by]
        if both:
            pairs.append(CohenKappa(first, second, *cohen_kappa(both)))
    cats = list(dict.fromkeys([*categories, *sorted({d for by in rated.values() for d in by.values()})]))
    disposition_kappa = fleiss_kappa([Counter(by.values()) for by in rated.values()], cats)
    indicator_kappas = {}
    for indicator in sorted(verdicts):
        items = [Counter("confirmed" if v else "rejected" for v in by.values())
                 for by in verdicts[indicator].values() if len(by) >= 2]
        if items:
            indicator_kappas[indicator] = fleiss_kappa(items, ["confirmed", "rejected"])
    return AgreementReport(len(rated), analysts, pairs, disposition_kappa, indicator_kappas)
