"""Check that a change to the detector's code changed none of its decisions.

    python scripts/detector_diff.py dump before.pkl [--posts 100000] [--n-process 1]
    (change the code)
    python scripts/detector_diff.py dump after.pkl
    python scripts/detector_diff.py compare before.pkl after.pkl

``dump`` tags the bench corpus (``bench.corpus.generate_posts``, seeded: the same posts every
time) with the starter model and keeps every post's scores, risk, flag and hits exactly as
``Detector.analyze_many`` returns them; ``compare`` prints each post whose result differs in
any of those, bit for bit, and exits 1 when there is one. Speed work on the tagging path must
end with "0 differences".
"""

from __future__ import annotations

import argparse
import pickle
import sys
from dataclasses import astuple
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))  # bench/ lives beside triage/


def dump(path: str, posts: int, n_process: int) -> None:
    from bench.corpus import generate_posts
    from triage.detector import Detector

    texts = [r.text for r in generate_posts(posts)]
    det = Detector()
    try:
        rows = [(a.scores, a.risk, a.flagged, [astuple(h) for h in a.hits])
                for a in det.analyze_many(texts, n_process=n_process)]
    finally:
        det.close()
    with open(path, "wb") as fh:
        pickle.dump({"version": det.version, "texts": texts, "rows": rows}, fh)
    print(f"{path}: {len(rows)} posts, {sum(r[2] for r in rows)} flagged, {sum(len(r[3]) for r in rows)} hits")


def compare(before: str, after: str) -> int:
    with open(before, "rb") as fh:
        a = pickle.load(fh)
    with open(after, "rb") as fh:
        b = pickle.load(fh)
    if a["texts"] != b["texts"]:
        print("the two dumps tagged different posts")
        return 2
    diffs = 0
    for i, (ra, rb) in enumerate(zip(a["rows"], b["rows"])):
        if ra != rb:
            diffs += 1
            if diffs <= 20:
                print(f"post {i}: {a['texts'][i]!r}\n  before {ra}\n  after  {rb}")
    print(f"{len(a['rows'])} posts compared, {diffs} differences")
    return 1 if diffs else 0


def main() -> int:
    parser = argparse.ArgumentParser(prog="python scripts/detector_diff.py")
    sub = parser.add_subparsers(dest="cmd", required=True)
    d = sub.add_parser("dump", help="tag the bench corpus and keep every result")
    d.add_argument("path")
    d.add_argument("--posts", type=int, default=100_000)
    d.add_argument("--n-process", type=int, default=1)
    c = sub.add_parser("compare", help="list the posts whose results differ")
    c.add_argument("before")
    c.add_argument("after")
    args = parser.parse_args()
    if args.cmd == "dump":
        dump(args.path, args.posts, args.n_process)
        return 0
    return compare(args.before, args.after)


if __name__ == "__main__":
    sys.exit(main())
