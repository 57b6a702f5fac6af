"""Labeled JSONL in the interchange format (the shape of /devdata and of ``triage eval``),
with Prodigy's keys where they fit. One object a line; ``train.jsonl`` and ``dev.jsonl``.

Prodigy reads text classification from ``label`` + ``answer`` (binary: is this post threat
leakage?) and from ``options`` + ``accept`` (multi-label: the indicators with a known value are
the options, the confirmed ones are accepted, so an unknown indicator is never taught as 0);
and spans from ``spans`` (``start``, ``end``, ``label``): the detector's evidence, in the
coordinates of the written text."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Sequence

from ..indicators import BY_ID
from .prepared import PreparedPost
from .prodigy_hash import EXPORT_TASK_KEYS, set_hashes
from .selection import iso_utc


LEAKAGE_LABEL = "THREAT_LEAKAGE"  # the binary label ``answer`` decides


def evidence_spans(p: PreparedPost) -> list[dict]:
    """The detector's evidence as Prodigy spans, each once, in text order."""
    seen = dict.fromkeys((s.start, s.end, s.indicator) for s in p.spans if 0 <= s.start < s.end <= len(p.text))
    return [{"start": start, "end": end, "label": label} for start, end, label in sorted(seen)]


def record(p: PreparedPost) -> dict:
    post = p.post
    task = {
        "id": p.ref,
        "text": p.text,
        "cats": p.cats,
        "source": post.source,
        "created_at": p.created_at,
        "disposition": post.disposition,
        "analyst": p.analyst,
        "labeled_at": None if post.label_at is None else iso_utc(int(post.label_at)),
        "answer": p.answer,
        "label": LEAKAGE_LABEL,
        "options": [{"id": i, "text": BY_ID[i].title if i in BY_ID else i} for i in p.cats],
        "accept": [i for i, v in p.cats.items() if v],
        "spans": evidence_spans(p),
        "meta": {
            "store_id": post.id,
            "author": p.author,
            "author_id": p.author_id,
            "url": p.url,
            "score": post.score,
            "flagged": post.flagged,
            "detector_version": post.detector_version,
            "hits": p.hits_summary,
            "notes": post.notes_count,
        },
    }
    return set_hashes(task, task_keys=EXPORT_TASK_KEYS)


def write_lines(path: Path, posts: Sequence[PreparedPost]) -> None:
    with open(path, "w", encoding="utf-8", newline="\n") as fh:
        for p in posts:
            line = json.dumps(record(p), ensure_ascii=False, separators=(", ", ": "))
            # JSON allows U+2028/2029 raw, but str.splitlines() and JavaScript readers break lines there.
            fh.write(line.replace("\u2028", "\\u2028").replace("\u2029", "\\u2029") + "\n")


def write(out: Path, ctx) -> list[str]:
    write_lines(out / "train.jsonl", ctx.split.train)
    write_lines(out / "dev.jsonl", ctx.split.dev)
    return ["train.jsonl", "dev.jsonl"]
