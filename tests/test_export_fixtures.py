"""A real store for the export tests (posts, hits, labels, verdicts, notes) and a real keyring
backend kept in memory. Also the selection tests: which posts a filter takes."""

from __future__ import annotations

import keyring
import keyring.backend
import pytest

from triage.export import ExportFilter, SelectionError, count_selected, parse_time_bound
from triage.export.selection import select
from triage.records import PostRecord
from triage.store import Store, TagResult

T0 = 1_780_000_000  # 2026-05-28T20:26:40Z
ANALYST = "ana"

# (external_id, author handle, author id, text, hits [(indicator, evidence substring)], score)
POSTS = [
    ("p1", "grim_reaper_77", "acct-grim-77", "I bought a rifle and I will shoot @mayor_bob at city hall https://t.co/x1",
     [("weapons", "bought a rifle"), ("threat", "I will shoot @mayor_bob"), ("target", "@mayor_bob at city hall")],
     0.91),
    ("p2", "grim_reaper_77", "acct-grim-77", '=HYPERLINK("http://evil.example","click") they all deserve it',
     [("threat", "they all deserve it")], 0.55),
    ("p3", "coffee_fan_2", "acct-coffee-2", "this commute is killing me, I'd kill for a coffee", [], 0.12),
    ("p4", "sad_sam_99", "acct-sam-99", "nobody would miss me. I can't go on like this.\nno one cares",
     [("distress", "nobody would miss me"), ("isolation", "no one cares")], 0.62),
    ("p5", "coffee_fan_2", "acct-coffee-2", "RT @news_desk: police say the shooter wrote a manifesto",
     [("plan", "manifesto")], 0.40),
    ("p6", "sad_sam_99", "acct-sam-99", "+1 to that, -great- game, @grim_reaper_77 headshot!!", [], 0.05),
]


def spans(text, hits) -> list[tuple[str, int, int]]:
    return [(ind, text.index(ev), text.index(ev) + len(ev)) for ind, ev in hits]


def record(ext, handle, uid, text, n) -> PostRecord:
    return PostRecord(source="jsonl", external_id=ext, text=text, author_handle=handle, author_id=uid,
                      author_name=handle.replace("_", " ").title(), created_at=T0 + n * 86_400,
                      created_raw=str(T0 + n * 86_400), url=f"https://social.example/{handle}/{ext}",
                      mentions=[m.lstrip("@") for m in text.split() if m.startswith("@")], raw={"id": ext})


def build_store(path) -> Store:
    """Six posts; p1..p5 labeled in different ways, p6 not labeled at all."""
    store = Store.open(path)
    store.add_posts([record(ext, h, uid, text, n) for n, (ext, h, uid, text, _, _) in enumerate(POSTS)])
    ids = {ext: store.resolve_post(f"jsonl:{ext}") for ext, *_ in POSTS}
    store.write_tags([
        TagResult(ids[ext], score, score >= 0.5, sorted({h[0] for h in hits}),
                  [(ind, 0.8, s, e, text[s:e], f"{ind}-rule", "rule") for ind, s, e in spans(text, hits)])
        for ext, _, _, text, hits, score in POSTS
    ], "rules-1.0")
    store.set_disposition([ids["p1"]], "monitor", "bo")
    store.set_disposition([ids["p1"]], "escalate", ANALYST)  # history: monitor, then escalate
    store.set_verdict(ids["p1"], "threat", 1, ANALYST)
    store.set_verdict(ids["p1"], "weapons", 1, ANALYST)
    store.set_verdict(ids["p1"], "target", 0, ANALYST)
    store.set_verdict(ids["p1"], "target", 1, ANALYST)  # changed its mind: latest wins
    store.set_verdict(ids["p1"], "plan", 0, ANALYST)
    store.set_verdict(ids["p1"], "plan", None, ANALYST)  # cleared: unknown again
    store.add_note(ids["p1"], "Escalated to @mayor_bob's security detail; grim_reaper_77 known <b>locally</b>",
                   ANALYST)
    store.set_disposition([ids["p2"]], "monitor", ANALYST)
    store.set_verdict(ids["p2"], "threat", 1, ANALYST)
    store.set_disposition([ids["p3"]], "benign", ANALYST)
    store.set_disposition([ids["p4"]], "benign", ANALYST)
    store.set_verdict(ids["p4"], "distress", 1, ANALYST)  # benign, yet distress confirmed: the verdict wins
    store.set_verdict(ids["p5"], "plan", 0, "bo")  # verdicts only, no disposition
    return store


@pytest.fixture
def store(db_path):
    s = build_store(db_path)
    yield s
    s.close()


class MemoryKeyring(keyring.backend.KeyringBackend):
    """A real keyring backend (the keyring API end to end), holding its secrets in memory."""

    priority = 1

    def __init__(self):
        super().__init__()
        self.secrets: dict[tuple[str, str], str] = {}

    def get_password(self, service, username):
        return self.secrets.get((service, username))

    def set_password(self, service, username, password):
        self.secrets[(service, username)] = password

    def delete_password(self, service, username):
        self.secrets.pop((service, username), None)


@pytest.fixture
def memory_keyring():
    before = keyring.get_keyring()
    backend = MemoryKeyring()
    keyring.set_keyring(backend)
    yield backend
    keyring.set_keyring(before)


def ext_ids(store, posts) -> list[str]:
    return [p.external_id for p in posts]


def test_a_labeled_set_with_no_filter_takes_every_labeled_post(store):
    assert ext_ids(store, select(store, ExportFilter())) == ["p1", "p2", "p3", "p4", "p5"]
    assert ext_ids(store, select(store, ExportFilter(label_state="unlabeled"))) == ["p6"]
    assert count_selected(store, ExportFilter(label_state="any")) == 6


def test_marked_posts_are_taken_whatever_their_label(store):
    p6 = store.resolve_post("jsonl:p6")
    assert ext_ids(store, select(store, ExportFilter(post_ids=(p6,)))) == ["p6"]
    assert ext_ids(store, select(store, ExportFilter(post_ids=(p6,), label_state="labeled"))) == []


def test_filters_combine_like_the_console_filters(store):
    def take(**kw):
        return ext_ids(store, select(store, ExportFilter(label_state="any", **kw)))

    assert take(dispositions=("benign",)) == ["p3", "p4"]
    assert take(indicators=("threat",)) == ["p1", "p2"]  # hit or confirmed
    assert take(indicators=("distress",)) == ["p4"]
    assert take(authors=("@Grim_Reaper_77",)) == ["p1", "p2"]
    assert take(min_score=0.5) == ["p1", "p2", "p4"]
    assert take(sources=("jsonl",), since=T0 + 2 * 86_400, until=T0 + 4 * 86_400) == ["p3", "p4"]
    assert take(sources=("reddit",)) == []


def test_time_bounds_read_epochs_and_iso_dates_and_until_a_date_includes_the_day():
    assert parse_time_bound("1780000000") == T0
    assert parse_time_bound("2026-05-28") == T0 - (20 * 3600 + 26 * 60 + 40)
    assert parse_time_bound("2026-05-28", end_of_day=True) == parse_time_bound("2026-05-29")
    assert parse_time_bound("2026-05-28T20:26:40Z") == T0
    with pytest.raises(SelectionError, match="ISO date"):
        parse_time_bound("last tuesday")


def test_an_unknown_indicator_or_an_empty_time_range_is_refused(store):
    with pytest.raises(SelectionError, match="unknown indicator"):
        select(store, ExportFilter(indicators=("rage",)))
    with pytest.raises(SelectionError, match="empty"):
        select(store, ExportFilter(since=T0, until=T0))
