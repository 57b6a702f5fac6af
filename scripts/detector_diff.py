"""Check that a change to the detector's code changed none of its decisions.

    python scripts/detector_diff.py dump before.pkl [--posts 100000] [--n-process 1] [--texts FILE.jsonl ...]
    (change the code)
    python scripts/detector_diff.py dump after.pkl [same options]
    python scripts/detector_diff.py compare before.pkl after.pkl
    python scripts/detector_diff.py hostile hostile.jsonl    (writes tests/hostile_texts.py's texts)

``dump`` tags the bench corpus (``bench.corpus.generate_posts``, seeded: the same posts every
time) with the starter model and keeps every post's scores, risk, flag and hits exactly as
``Detector.analyze_many`` returns them; ``compare`` prints each post whose result differs in
any of those, bit for bit, and exits 1 when there is one. Speed work on the tagging path must
end with "0 differences".

``--texts`` tags the "text" field of each line of JSONL files instead (real posts, or a file of
hostile input: control characters, invisible and bidi marks, huge tokens); a line without a
string "text" is skipped and counted. The dump keeps the texts themselves, so keep it out of
the repository when the files must stay where they are.
"""

from __future__ import annotations

import argparse
import json
import pickle
import sys
from dataclasses import astuple
from pathlib import Path

# bench/ lives beside triage/; appended, so PYTHONPATH=/path/to/other/checkout dumps that
# checkout's detector (the "before" side of a comparison) with this script
sys.path.append(str(Path(__file__).resolve().parent.parent))


def read_texts(paths: list[str]) -> list[str]:
    """The "text" field of every line of the JSONL files, in order; other lines are counted and said."""
    texts: list[str] = []
    for path in paths:
        skipped = 0
        with open(path, encoding="utf-8", errors="surrogateescape") as fh:
            for line in fh:
                try:
                    text = json.loads(line).get("text")
                except (ValueError, AttributeError):
                    text = None
                if isinstance(text, str):
                    texts.append(text)
                else:
                    skipped += 1
        if skipped:
            print(f"{path}: {skipped} lines without a text skipped", file=sys.stderr)
    return texts


def dump(path: str, posts: int, n_process: int, files: list[str] | None = None) -> None:
    from triage.detector import Detector

    if files:
        texts = read_texts(files)
    else:
        from bench.corpus import generate_posts

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
                print(f"post {i}: {a['texts'][i][:300]!r}\n  before {ra}\n  after  {rb}")
    print(f"{len(a['rows'])} posts compared, {diffs} differences")
    return 1 if diffs else 0


def write_hostile(path: str) -> None:
    from tests.hostile_texts import hostile_texts

    texts = hostile_texts()
    with open(path, "w", encoding="utf-8", errors="surrogatepass") as fh:
        for text in texts:
            fh.write(json.dumps({"text": text}) + "\n")
    print(f"{path}: {len(texts)} texts")


def main() -> int:
    parser = argparse.ArgumentParser(prog="python scripts/detector_diff.py")
    sub = parser.add_subparsers(dest="cmd", required=True)
    d = sub.add_parser("dump", help="tag the bench corpus (or --texts files) and keep every result")
    d.add_argument("path")
    d.add_argument("--posts", type=int, default=100_000)
    d.add_argument("--n-process", type=int, default=1)
    d.add_argument("--texts", nargs="+", metavar="FILE.jsonl", help="tag the text field of these JSONL files instead")
    c = sub.add_parser("compare", help="list the posts whose results differ")
    c.add_argument("before")
    c.add_argument("after")
    h = sub.add_parser("hostile", help="write the hostile test texts as a JSONL file (for --texts)")
    h.add_argument("path")
    args = parser.parse_args()
    if args.cmd == "hostile":
        write_hostile(args.path)
        return 0
    if args.cmd == "dump":
        dump(args.path, args.posts, args.n_process, args.texts)
        return 0
    return compare(args.before, args.after)


if __name__ == "__main__":
    sys.exit(main())
