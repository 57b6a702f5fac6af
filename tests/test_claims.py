"""Claims on a real store file: two analysts, two connections (and two processes) on one file."""

from __future__ import annotations

import multiprocessing as mp
import time

from triage.records import PostRecord
from triage.store import Store, TagResult
from triage.store.claims import claim, held_by_others, release
from triage.store.queries import queue_rows


def _store_with_posts(path, n: int = 3) -> None:
    with Store.open(path) as store:
        store.add_posts([PostRecord(source="t", external_id=str(i), text=f"post {i}", author_handle="a",
                                    created_at=1_780_000_000 + i, created_raw="") for i in range(1, n + 1)])
        store.write_tags([TagResult(i, 0.9, True, ["threat"]) for i in range(1, n + 1)], "test")


def test_the_first_analyst_holds_the_post_until_the_claim_expires(tmp_path):
    path = tmp_path / "s.db"
    _store_with_posts(path)
    ann, bob = Store.open(path), Store.open(path)
    try:
        now = 1_800_000_000.0
        assert claim(ann, 1, "ann", 5, now=now).analyst == "ann"
        lost = claim(bob, 1, "bob", 5, now=now + 1)
        assert (lost.analyst, lost.expires_at) == ("ann", now + 300)  # bob is told who holds it, until when
        assert claim(ann, 1, "ann", 5, now=now + 60).expires_at == now + 360  # a renewal moves the end
        assert claim(bob, 1, "bob", 5, now=now + 361).analyst == "bob"  # expired: bob takes it
        assert held_by_others(ann.conn, [1, 2], "ann", now=now + 362)[1].analyst == "bob"
        assert held_by_others(bob.conn, [1, 2], "bob", now=now + 362) == {}  # one's own claim is no obstacle
    finally:
        ann.close()
        bob.close()


def test_a_released_claim_frees_the_post_and_only_the_holder_releases(tmp_path):
    path = tmp_path / "s.db"
    _store_with_posts(path)
    with Store.open(path) as ann, Store.open(path) as bob:
        claim(ann, 2, "ann", 5)
        release(bob, [2], "bob")  # not bob's: stays
        assert held_by_others(bob.conn, [2], "bob")[2].analyst == "ann"
        release(ann, [2], "ann")
        assert held_by_others(bob.conn, [2], "bob") == {}
        assert claim(bob, 2, "bob", 5).analyst == "bob"


def test_the_second_analysts_queue_rows_name_the_holder(tmp_path):
    path = tmp_path / "s.db"
    _store_with_posts(path)
    with Store.open(path) as ann, Store.open(path, readonly=True) as bob_reader:
        claim(ann, 3, "ann", 5)
        rows = queue_rows(bob_reader.conn, [1, 2, 3], "bob")
        assert rows[3].claimed_by == "ann" and rows[1].claimed_by is None
        assert queue_rows(bob_reader.conn, [3], "ann")[3].claimed_by is None  # ann's own queue: no marker


def _race(path, analyst, posts, barrier, results) -> None:
    store = Store.open(path)
    barrier.wait()
    results.put((analyst, [(p, claim(store, p, analyst, 5).analyst) for p in posts]))
    store.close()


def test_two_processes_opening_the_same_posts_at_once_exactly_one_wins_each(tmp_path):
    path = tmp_path / "s.db"
    posts = list(range(1, 31))
    _store_with_posts(path, len(posts))
    ctx = mp.get_context("spawn")
    barrier, results = ctx.Barrier(2), ctx.Queue()
    procs = [ctx.Process(target=_race, args=(path, who, posts, barrier, results)) for who in ("ann", "bob")]
    for p in procs:
        p.start()
    seen = dict(results.get(timeout=60) for _ in procs)
    for p in procs:
        p.join(30)
        assert p.exitcode == 0
    with Store.open(path, readonly=True) as reader:
        stored = dict(reader.conn.execute("SELECT post_id, analyst FROM claims").fetchall())
    assert sorted(stored) == posts
    for post in posts:
        # what each process was told is who the store has: never both "won"
        assert dict(seen["ann"])[post] == dict(seen["bob"])[post] == stored[post]


def test_claims_from_before_version_5_are_nothing_to_a_reader(tmp_path):
    path = tmp_path / "s.db"
    _store_with_posts(path)
    import sqlite3

    conn = sqlite3.connect(path)
    conn.execute("DROP TABLE claims")
    conn.execute("PRAGMA user_version = 4")
    conn.commit()
    conn.close()
    with Store.open(path, readonly=True) as reader:  # read-only: no migration
        assert held_by_others(reader.conn, [1], "bob", now=time.time()) == {}
        assert queue_rows(reader.conn, [1], "bob")[1].claimed_by is None


def _wait(condition, timeout: float = 10.0) -> None:
    deadline = time.monotonic() + timeout
    while not condition():
        assert time.monotonic() < deadline, "condition never held"
        time.sleep(0.02)


def test_the_keeper_claims_the_post_in_view_renews_it_and_gives_it_back(tmp_path):
    from triage.claim_keeper import ClaimKeeper

    path = tmp_path / "s.db"
    _store_with_posts(path)
    with Store.open(path) as bob:
        claim(bob, 1, "bob", 5)
    results = []
    keeper = ClaimKeeper(path, "ann", minutes=0.05, on_claim=results.append)  # 3 s, renewed every second
    try:
        keeper.want(1)
        _wait(lambda: len(results) == 1)
        assert results[0].analyst == "bob"  # bob holds it: ann is told so ...
        keeper.want(1)  # ... and showing it again (a label, a page) does not ask again at once
        time.sleep(0.5)
        assert len(results) == 1
        keeper.want(3)
        keeper.want(2)  # a burst of moves: the post it stops on is claimed
        _wait(lambda: len(results) >= 2)
        assert (results[1].post_id, results[1].analyst) == (2, "ann")
        _wait(lambda: any(r.post_id == 2 and r.expires_at > results[1].expires_at for r in results[2:]), timeout=5)
        with Store.open(path, readonly=True) as reader:
            assert reader.conn.execute("SELECT post_id, analyst FROM claims ORDER BY post_id").fetchall() == \
                [(1, "bob"), (2, "ann")]
    finally:
        keeper.stop()
    with Store.open(path, readonly=True) as reader:
        assert reader.conn.execute("SELECT post_id, analyst FROM claims").fetchall() == [(1, "bob")]
