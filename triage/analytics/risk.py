"""An author's risk, 0..1, for ranking authors (the overview) — posts keep their own scores.

    risk = 1 - (1 - s1) (1 - s2 / 2) (1 - s3 / 4)      s1 >= s2 >= s3: the author's best post scores
    with a behaviour change:  risk = 1 - (1 - risk) (1 - CHANGE_WEIGHT * strength)

Several risky posts weigh more than one, with diminishing weight (a hundred mild posts must not
outrank one explicit threat), and a significant rise in violent rhetoric lifts the author, as the
design asks ("energy burst"), without making a quiet author look dangerous by itself.
"""

from __future__ import annotations

from typing import Iterable, Sequence

CHANGE_WEIGHT = 0.5
_WEIGHTS = (1.0, 0.5, 0.25)


def author_risk(scores: Iterable[float | None], change_strengths: Sequence[float] = ()) -> float:
    best = sorted((s for s in scores if s), reverse=True)[:len(_WEIGHTS)]
    miss = 1.0
    for weight, s in zip(_WEIGHTS, best):
        miss *= 1.0 - weight * min(1.0, s)
    if change_strengths:
        miss *= 1.0 - CHANGE_WEIGHT * max(change_strengths)
    return round(1.0 - miss, 4)
