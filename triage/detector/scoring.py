"""How scores are combined: evidence -> indicator score -> post risk. No spaCy here.

Indicator score (0..1)
    rule part   r = 1 - prod(1 - h)    noisy-OR over the distinct rules that hit, each rule counted
                                        once with its best hit; h = rule weight x context factors
    model part  m = textcat probability for that label (when the loaded model has it), damped
                by post-level contexts (gaming/news/lyrics factors of the indicator; x0.5 when
                the post holds an idiom and no rule of that indicator survived)
    combined    s = 1 - (1 - r)(1 - lambda * m)       lambda = the model's blend weight per label
                                                       (triage_model.json; 0.7 unless set)

Post risk (0..1), v_i = INDICATOR_WEIGHTS[i] * s_i
    single = 1 - prod_i (1 - v_i)                  any one indicator can raise it ...
    pair   = 1 - prod_{i<j} (1 - v_i * v_j)         ... but co-occurring indicators add a second term
    risk   = SINGLE_SHARE * single + (1 - SINGLE_SHARE) * pair

With SINGLE_SHARE = 0.75 one indicator alone, however strong, reaches at most 0.75 x its weight
(threat 1.0 -> 0.75, threat 0.9 -> 0.68); threat 0.7 + weapons 0.7 reach 0.73 and three moderate
ones at 0.6 (threat, weapons, target) 0.76: several together weigh more than one strong one alone.
"""

from __future__ import annotations

from collections.abc import Sequence

from ..indicators import INDICATOR_LIST

DEFAULT_THRESHOLD = 0.5
SINGLE_SHARE = 0.75
DEFAULT_BLEND = 0.7  # how much a model probability counts next to the rules
MODEL_IDIOM_DAMP = 0.5
MIN_HIT_SCORE = 0.1  # weaker rule hits (lexicon words, damped hits) count in scores but are not reported as evidence
MIN_MODEL_HIT = 0.25  # a model hit is reported when lambda * m reaches this

# How much each indicator counts towards risk (the indicator table's ``weight``; TRAP-18: threat
# and plan are the nearest to action).
INDICATOR_WEIGHTS: dict[str, float] = {i.id: i.weight for i in INDICATOR_LIST if i.weight is not None}


def blend(rule: float, model: float | None, weight: float = DEFAULT_BLEND) -> float:
    if model is None:
        return rule
    return 1.0 - (1.0 - rule) * (1.0 - weight * model)


def risk(scores: dict[str, float]) -> float:
    """The post risk of one post's indicator scores (``risk_rows`` for a batch)."""
    import numpy

    indicators = tuple(scores)
    return float(risk_rows(numpy.array([[float(v) for v in scores.values()]]), indicators)[0])


def risk_rows(scores, indicators: Sequence[str]):
    """The post risk of each row of a score matrix (a numpy float64 array, one column per name in
    ``indicators``), computed for the whole batch at once: the detector tags a thousand posts at a
    time, and the formula per post in Python cost as much as a fifth of tokenizing it.

    Column by column, in the order of ``INDICATOR_WEIGHTS``, as the formula reads; an indicator at
    0 multiplies by exactly 1, so each row's risk does not depend on the other rows or on which
    indicators are absent."""
    import numpy

    column = {name: j for j, name in enumerate(indicators)}
    vals = [w * scores[:, column[i]] for i, w in _WEIGHTS if i in column]
    miss = numpy.ones(scores.shape[0])
    for v in vals:
        miss *= 1.0 - v
    pair_miss = numpy.ones(scores.shape[0])
    for a in range(len(vals)):
        va = vals[a]
        for b in range(a + 1, len(vals)):
            pair_miss *= 1.0 - va * vals[b]
    r = SINGLE_SHARE * (1.0 - miss) + (1.0 - SINGLE_SHARE) * (1.0 - pair_miss)
    return numpy.clip(r, 0.0, 1.0)


_WEIGHTS = tuple(INDICATOR_WEIGHTS.items())
