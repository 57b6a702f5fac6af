"""A small deterministic store for console tests: fixed posts, fixed tags (no detector), so
snapshots change only when the console does."""

from __future__ import annotations

import json
from pathlib import Path

from triage.records import PostRecord
from triage.store import Store, TagResult

BASE = 1_786_000_000  # 2026-08-06

POSTS = [
    ("mastodon", "nora_v", "I'm going to shoot them all at the Riverside mall on friday", {"threat": "shoot them all", "target": "Riverside mall", "plan": "on friday"}),
    ("reddit", "grim_tom", "just picked up another rifle and a plate carrier, ammo next week", {"weapons": "rifle"}),
    ("x", "lonely_k", "nobody would notice if I was gone, I can't do this anymore", {"distress": "I can't do this anymore"}),
    ("telegram", "iron_v", "the Marlow shooter had the right idea, a true saint", {"fixation_past_attacks": "Marlow shooter"}),
    ("mastodon", "nora_v", "they threw me away, this whole society, everyone at work laughs", {"isolation": "they threw me away"}),
    ("reddit", "beth_r", "this commute is killing me, I'd kill for a coffee", {}),
    ("x", "gamer_joe", "headshot after headshot, we destroyed them 5-0 tonight", {}),
    ("mastodon", "calm_carl", "I would never hurt anyone, relax", {}),
    ("rss", "citynews", "Police say the shooter wrote a manifesto before the attack", {}),
    ("reddit", "grim_tom", "did 3 years for assault and I'd do it again", {"violence_history": "did 3 years for assault"}),
    ("telegram", "iron_v", "join the Iron Vanguard, the day of the rope is coming", {"radicalization": "Iron Vanguard"}),
    ("x", "lonely_k", "thinking about the bridge again tonight", {"distress": "the bridge"}),
]
HOSTILE = [
    ("hostile", "[bold red]mallory[/]", "title \x1b]0;PWNED-TITLE\x07 clear \x1b[2J clip \x1b]52;c;ZXZpbA==\x07 [@click=app.quit]quit[/] kill them", {"threat": "kill them"}),
    ("hostile", "bidi\u202etxt.exe", "pay \u202egnp.exe now [link=http://evil.example]click[/link] $accent \u200bhidden", {"threat": "pay"}),
]


def build_console_store(path: Path, extra_plain: int = 30) -> Path:
    rows = POSTS + HOSTILE
    records, tags = [], []
    for i, (source, handle, text, hits) in enumerate(rows):
        records.append(PostRecord(source=source, external_id=f"p{i}", text=text, author_handle=handle,
                                  created_at=BASE + i * 3600, created_raw=f"2026-08-06T{i % 24:02d}:00:00+02:00",
                                  url=f"https://{source}.example/p{i}", raw=json.dumps({"i": i})))
        tags.append(hits)
    for j in range(extra_plain):
        records.append(PostRecord(source="mastodon", external_id=f"q{j}", text=f"weekend plans number {j}: hiking",
                                  author_handle=f"walker{j % 4}", created_at=BASE + 100_000 + j * 60,
                                  created_raw=str(BASE + 100_000 + j * 60), raw=json.dumps({"j": j})))
        tags.append({})
    with Store.open(path) as store:
        result = store.add_posts(records, collected_at=BASE + 200_000)
        results = []
        for post_id, rec, hits in zip(result.new_ids(), records, tags):
            hit_rows = []
            for indicator, phrase in hits.items():
                start = rec.text.index(phrase)
                hit_rows.append((indicator, 0.8, start, start + len(phrase), phrase, f"test_{indicator}", "rule"))
            score = round(min(0.99, 0.3 * len(hits) + 0.25), 2) if hits else 0.05
            results.append(TagResult(post_id, score, bool(hits), sorted(hits), hit_rows))
        store.write_tags(results, "test-1")
    return path
