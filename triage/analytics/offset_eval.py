"""Accuracy of the UTC-offset inference on synthetic authors with known offsets.

    python -m triage.analytics.offset_eval [--trials 300] [--seed 5]

prints the Markdown table that the README shows: for each number of posts, how often the
inferred offset is within one hour of the truth, how often exactly right, the mean confidence
the inference reported, and how often it declined ("too few posts").
"""

from __future__ import annotations

import argparse
import random
from dataclasses import dataclass
from typing import Any

from .synth import persona, post_times
from .tzinfer import infer_offset

POST_COUNTS = (10, 20, 50, 100, 300)


@dataclass
class AccuracyRow:
    posts: int
    authors: int
    answered: int  # authors that got an offset (not "too few posts")
    within_1h: int  # of the answered
    exact: int
    mean_confidence: float

    @property
    def accuracy(self) -> float:
        return self.within_1h / self.answered if self.answered else 0.0


def evaluate(post_counts=POST_COUNTS, trials: int = 300, seed: int = 5, min_posts: int | None = None,
             noise: float = 0.1, chronotype_sd: float = 1.0) -> list[AccuracyRow]:
    rows = []
    for n in post_counts:
        rng = random.Random(seed * 1000 + n)
        answered = within = exact = 0
        conf = 0.0
        for _ in range(trials):
            person = persona(rng, noise=noise, chronotype_sd=chronotype_sd)
            kwargs: dict[str, Any] = {} if min_posts is None else {"min_posts": min_posts}
            est = infer_offset(post_times(rng, person, n), **kwargs)
            if est.utc_offset is None:
                continue
            answered += 1
            conf += est.confidence
            err = abs(est.utc_offset - person.offset)
            within += err <= 1.0
            exact += err < 0.01
        rows.append(AccuracyRow(n, trials, answered, within, exact, conf / answered if answered else 0.0))
    return rows


def markdown(rows: list[AccuracyRow]) -> str:
    lines = ["| posts | authors | answered | within ±1 h | exact | mean confidence |",
             "|---:|---:|---:|---:|---:|---:|"]
    for r in rows:
        lines.append(f"| {r.posts} | {r.authors} | {r.answered / r.authors:.0%} | {r.accuracy:.0%} | "
                     f"{(r.exact / r.answered if r.answered else 0):.0%} | {r.mean_confidence:.2f} |")
    return "\n".join(lines)


def main(argv=None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--trials", type=int, default=300)
    parser.add_argument("--seed", type=int, default=5)
    parser.add_argument("--min-posts", type=int, default=None,
                        help="override the 'too few posts' minimum (0: always answer)")
    parser.add_argument("--noise", type=float, default=0.1, help="share of posts at random hours")
    parser.add_argument("--chronotype-sd", type=float, default=1.0, help="spread of personal sleep times, hours")
    args = parser.parse_args(argv)
    print(markdown(evaluate(trials=args.trials, seed=args.seed, min_posts=args.min_posts, noise=args.noise,
                            chronotype_sd=args.chronotype_sd)))


if __name__ == "__main__":
    main()
