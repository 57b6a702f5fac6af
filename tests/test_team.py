"""Many analysts on one store at once, as separate processes, on both backends (the `db_path`
fixture runs each test on a SQLite file and on a PostgreSQL database): no label lost, no
"database is locked" seen by an analyst, the audit chain still whole."""

from __future__ import annotations

import json
import subprocess
import sys
import textwrap

from triage.store import Store

from .conftest import Cli, post, write_jsonl

ANALYSTS = 8
POSTS = 30

# One analyst: label each post (one transaction each, as a key in the console), in an order of
# their own, a note on every fifth; print what they did and every error they met.
WORKER = textwrap.dedent("""
    import json, sys, time
    from triage.db_location import parse_db
    from triage.store import Store
    db, analyst, ids = sys.argv[1], sys.argv[2], json.loads(sys.argv[3])
    done, errors = [], []
    store = Store.open(parse_db(db))
    for n, pid in enumerate(ids):
        try:
            disposition = ("escalate", "monitor", "benign")[(n + len(analyst)) % 3]
            store.set_disposition([pid], disposition, analyst)
            if n % 5 == 0:
                store.add_note(pid, f"{analyst} looked at {pid}", analyst)
            done.append([pid, disposition])
        except Exception as exc:
            errors.append(f"{type(exc).__name__}: {exc}")
    store.close()
    print(json.dumps({"done": done, "errors": errors}))
""")


def _store_with_posts(tmp_path, db_path) -> list[int]:
    cli = Cli(db_path)
    assert cli("import", "--no-tag", write_jsonl(tmp_path / "in.jsonl", [post(i) for i in range(POSTS)])).exit_code == 0
    with Store.open(db_path, readonly=True) as store:
        return [r[0] for r in store.conn.execute("SELECT id FROM posts ORDER BY id")]


def _run_analysts(code: str, db_path, ids: list[int]) -> list[dict]:
    """ANALYSTS processes running ``code`` at once, each over the posts in an order of its own;
    what each printed. None may fail or see a lock error."""
    db = str(getattr(db_path, "url", db_path))
    procs = [subprocess.Popen([sys.executable, "-c", code, db, f"analyst{k}", json.dumps(ids[k:] + ids[:k])],
                              stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
             for k in range(ANALYSTS)]
    results = []
    for proc in procs:
        out, err = proc.communicate(timeout=300)
        assert proc.returncode == 0, err[-2000:]
        assert "locked" not in err.lower()
        results.append(json.loads(out.strip().splitlines()[-1]))
    return results


def test_eight_analysts_labeling_at_once_lose_nothing(tmp_path, db_path):
    ids = _store_with_posts(tmp_path, db_path)
    results = _run_analysts(WORKER, db_path, ids)
    for k, result in enumerate(results):
        assert result["errors"] == [], f"analyst{k} saw: {result['errors'][:3]}"
        assert len(result["done"]) == POSTS

    with Store.open(db_path, readonly=True) as store:
        rows = store.conn.execute("SELECT post_id, disposition, analyst FROM labels").fetchall()
        notes = store.conn.execute("SELECT COUNT(*) FROM notes").fetchone()[0]
        chain = store.verify_audit()
        custody = store.verify_custody()
    # Every decision of every analyst is there, exactly once.
    expected = sorted((pid, d, f"analyst{k}") for k, r in enumerate(results) for pid, d in r["done"])
    assert sorted(map(tuple, rows)) == expected
    assert notes == ANALYSTS * len(range(0, POSTS, 5))
    # Writers took turns: the chain is one line (one audit row per label and per note), custody whole.
    assert chain.ok and chain.rows >= ANALYSTS * POSTS + notes
    assert custody.problems == []


# One analyst opening posts in the console: claim the post, and label it only when the claim is
# theirs (as the console asks before labeling a post another analyst holds). Claims are not given
# back, so each post has one holder for the whole run.
CLAIMER = textwrap.dedent("""
    import json, sys
    from triage.db_location import parse_db
    from triage.store import Store
    from triage.store.claims import claim
    db, analyst, ids = sys.argv[1], sys.argv[2], json.loads(sys.argv[3])
    won, lost, errors = [], [], []
    store = Store.open(parse_db(db))
    for pid in ids:
        try:
            held = claim(store, pid, analyst, minutes=30)
            if held.analyst == analyst:
                store.set_disposition([pid], "monitor", analyst)
                won.append(pid)
            else:
                lost.append([pid, held.analyst])
        except Exception as exc:
            errors.append(f"{type(exc).__name__}: {exc}")
    store.close()
    print(json.dumps({"won": won, "lost": lost, "errors": errors}))
""")


def test_eight_analysts_racing_for_posts_each_post_goes_to_one(tmp_path, db_path):
    ids = _store_with_posts(tmp_path, db_path)
    results = _run_analysts(CLAIMER, db_path, ids)
    assert all(r["errors"] == [] for r in results), [r["errors"][:3] for r in results]
    winners: dict[int, str] = {}
    for k, r in enumerate(results):
        for pid in r["won"]:
            assert pid not in winners, f"post {pid} claimed by {winners.get(pid)} and analyst{k}"
            winners[pid] = f"analyst{k}"
    assert sorted(winners) == ids  # every post went to someone
    for r in results:  # a loser was told who holds it, and it was the winner
        assert all(winners[pid] == holder for pid, holder in r["lost"])
        assert len(r["won"]) + len(r["lost"]) == POSTS
    with Store.open(db_path, readonly=True) as store:
        labels = store.conn.execute("SELECT post_id, analyst FROM labels ORDER BY post_id").fetchall()
        held = dict(store.conn.execute("SELECT post_id, analyst FROM claims").fetchall())
    assert sorted(map(tuple, labels)) == sorted(winners.items())  # only holders labeled: one label a post
    assert held == winners
