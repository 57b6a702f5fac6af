"""Small stores with hand-set hits for the author-concern tests and screens: what the store
holds is fixed, so the figures move only when the concern formula does (never with the detector)."""

from __future__ import annotations

import json
from pathlib import Path

from triage.records import PostRecord
from triage.store import Store, TagResult

DAY = 86_400
BASE = 1_786_000_000  # 2026-08-06
THRESHOLD = 0.5

# The leakage in pieces: a grievance, then a fixation on a past attacker, then weapons talk,
# then a place and a date -- none of them loud, over four weeks.
PIECES = [
    (0, "everyone at the depot laughs at me, they threw me out like trash", {"isolation": ("they threw me out", 0.6)}),
    (9, "the Halden Street shooter had the right idea honestly", {"fixation_past_attacks": ("Halden Street shooter", 0.55)}),
    (17, "picked up a second rifle and 300 rounds this week", {"weapons": ("second rifle", 0.5)}),
    (26, "the depot. the 14th. remember I told you", {"target": ("the depot", 0.45), "plan": ("the 14th", 0.4)}),
]
# One loud but isolated violent idiom, among everyday posts.
LOUD = (20, "I will kill him if he takes my parking spot again lol", {"threat": ("kill him", 0.9)})


def _record(i: int, handle: str, day: int, text: str, reply_to: str | None = None) -> PostRecord:
    at = BASE + day * DAY + i * 60
    return PostRecord(source="mastodon", external_id=f"c{i}", text=text, author_handle=handle, created_at=at,
                      created_raw=str(at), url=f"https://mastodon.example/c{i}", reply_to=reply_to,
                      raw=json.dumps({"i": i}))


def build_tagged_store(path: Path, rows, replies=()) -> Path:
    """A store of (handle, day, text, {indicator: (phrase, score)}) rows with those hits, and
    replies (handle, day, text, index of the row replied to)."""
    records, hits = [], []
    for i, (handle, day, text, h) in enumerate(rows):
        records.append(_record(i, handle, day, text))
        hits.append(h)
    for handle, day, text, parent in replies:
        records.append(_record(len(records), handle, day, text, reply_to=f"c{parent}"))
        hits.append({})
    with Store.open(path) as store:
        result = store.add_posts(records, collected_at=BASE + 400 * DAY)
        tags = []
        for post_id, rec, h in zip(result.new_ids(), records, hits):
            rows_ = []
            for ind, (phrase, score) in h.items():
                start = rec.text.index(phrase)
                rows_.append((ind, score, start, start + len(phrase), phrase, f"test/{ind}", "rule"))
            score = max((s for _, s in h.values()), default=0.02)
            tags.append(TagResult(post_id, score, score >= THRESHOLD, sorted(h), rows_))
        store.write_tags(tags, "test-1")
    return path


def build_pieces_store(path: Path) -> Path:
    """@quiet_pieces leaks in four pieces; @loud_idiom says one loud thing; @walker posts nothing
    of note; @friend replies to the last piece (a thread for the post view)."""
    rows = [("quiet_pieces", d, t, h) for d, t, h in PIECES]
    rows.append(("loud_idiom", *LOUD))
    rows += [("loud_idiom", d, f"lovely walk by the river, day {d}", {}) for d in (2, 8, 14, 27)]
    rows += [("walker", d, f"weekend plans number {d}: hiking", {}) for d in range(0, 28, 3)]
    last_piece = next(i for i, r in enumerate(rows) if r[0] == "quiet_pieces" and r[1] == PIECES[-1][0])
    return build_tagged_store(path, rows, [("friend", 27, "mate are you ok? call me", last_piece)])
