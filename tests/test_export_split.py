"""The train/dev split (normalized text, dedup, stratification, determinism) and Prodigy hashes."""

from __future__ import annotations

import random

import pytest
from murmurhash import hash_unicode

from triage.export.prodigy_hash import set_hashes
from triage.export.split import normalize_text, split


@pytest.mark.parametrize("text, normalized", [
    ("I WILL  find\tyou\n", "i will find you"),
    ("see https://t.co/abc123 and www.example.com/x now", "see and now"),
    ("@bob I will find you", "i will find you"),
    ("@alice I will find you", "i will find you"),
    ("RT @news: Police say the shooter wrote", "police say the shooter wrote"),
    ("hey @bob@mastodon.social look", "hey look"),
    ("mail me at bob@example.com", "mail me at bob@example.com"),  # an e-mail is not a mention
    ("ＦＵＬＬＷＩＤＴＨ Straße", "fullwidth strasse"),  # NFKC, then casefold
    ("", ""),
])
def test_normalized_text(text, normalized):
    assert normalize_text(text) == normalized


def item(n: int, text: str, **cats) -> dict:
    return {"n": n, "text": text, "cats": cats}


def run(items, fraction=0.2):
    return split(items, text=lambda i: i["text"], cats=lambda i: i["cats"], dev_fraction=fraction)


def test_the_same_normalized_text_never_lands_on_both_sides():
    items = []
    for n in range(60):
        base = f"message number {n} about the meeting"
        items += [item(3 * n, base, threat=n % 3 == 0), item(3 * n + 1, base.upper() + " https://t.co/x"),
                  item(3 * n + 2, f"@someone{n} {base}")]
    result = run(items, 0.3)
    train = {normalize_text(i["text"]) for i in result.train}
    dev = {normalize_text(i["text"]) for i in result.dev}
    assert train.isdisjoint(dev)
    assert len(result.dev) % 3 == 0 and len(result.dev) // 3 == pytest.approx(60 * 0.3, abs=2)
    assert (result.groups, result.duplicates) == (60, 120)


def test_each_indicators_positives_go_to_dev_at_about_the_dev_fraction():
    rng = random.Random(7)
    items = []
    for n in range(400):
        cats = {"threat": int(n < 50), "weapons": int(40 <= n < 60), "distress": int(n % 50 == 0)}  # 50, 20, 8
        cats.update({k: 0 for k in ("plan", "target") if rng.random() < 0.5})
        items.append(item(n, f"post {n} {rng.random()}", **cats))
    result = run(items, 0.25)
    for indicator, total in (("threat", 50), ("weapons", 20), ("distress", 8)):
        in_dev = sum(i["cats"].get(indicator) == 1 for i in result.dev)
        assert in_dev == pytest.approx(total * 0.25, abs=1.5), indicator
    assert len(result.dev) == pytest.approx(100, abs=3)


def test_the_split_is_deterministic_whatever_the_order():
    items = [item(n, f"text {n}", threat=n % 4 == 0) for n in range(100)]
    a = run(items)
    b = run(list(reversed(items)))
    assert {i["n"] for i in a.dev} == {i["n"] for i in b.dev}
    assert [i["n"] for i in a.train] == sorted(i["n"] for i in a.train)  # input order kept on each side


def test_more_data_later_keeps_most_of_dev_in_dev():
    first = run([item(n, f"text {n}") for n in range(200)])
    later = run([item(n, f"text {n}") for n in range(260)])
    kept = {i["n"] for i in first.dev} & {i["n"] for i in later.dev}
    assert len(kept) >= 0.9 * len(first.dev)


def test_tiny_sets_still_get_a_train_and_a_dev_side():
    result = run([item(0, "a"), item(1, "b")], 0.1)
    assert (len(result.train), len(result.dev)) == (1, 1)
    assert run([item(0, "a"), item(1, "b")], 0).dev == []
    with pytest.raises(ValueError):
        run([item(0, "a")], 1.0)


def test_prodigy_hashes_are_signed_32_bit_murmurhash_of_input_then_task():
    task = set_hashes({"text": "I will find you", "label": "threat", "answer": "accept", "meta": {"x": 1}})
    assert task["_input_hash"] == hash_unicode('{"text":"I will find you"}')
    assert task["_task_hash"] == hash_unicode(f'{task["_input_hash"]}{{"label":"threat"}}')
    same_input = set_hashes({"text": "I will find you", "label": "weapons", "answer": "reject"})
    assert same_input["_input_hash"] == task["_input_hash"] and same_input["_task_hash"] != task["_task_hash"]
    ignored = set_hashes({"text": "I will find you", "label": "threat", "answer": "reject", "score": 0.3})
    assert ignored["_task_hash"] == task["_task_hash"]  # answer and score never count
    assert set_hashes({"text": "x", "_input_hash": 1, "_task_hash": 2}) == {"text": "x", "_input_hash": 1,
                                                                            "_task_hash": 2}
