"""PostgreSQL figures, each beside its reference in the same run, on a throw-away cluster
(tests/pg_cluster.py: initdb + pg_ctl, Unix socket; fsync off, as the test cluster):

- import N posts through the store (``add_posts`` batches: duplicates skipped, authors counted,
  custody advanced, NOTIFY) beside raw ``COPY`` of the same precomputed rows into the same table;
- ``triage migrate --to`` of the cached 1M-post store;
- the console on the migrated store: queue first paint, label + advance;
- label latency with 8 analysts labeling at once (separate processes), p50 and p99, on
  PostgreSQL and on SQLite.
"""

from __future__ import annotations

import hashlib
import json
import multiprocessing
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

BATCH = 5000
ANALYSTS = 8
LABELS_EACH = 150


def _cluster():
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
    from tests.pg_cluster import Cluster, available

    if not available():
        return None
    return Cluster().start()


def import_figures(cluster, n: int) -> dict:
    import psycopg

    from triage.store import Store

    from .corpus import generate_posts

    records = generate_posts(n)
    url = cluster.new_database()
    store = Store.open(url)
    started = time.perf_counter()
    for i in range(0, n, BATCH):
        store.add_posts(records[i:i + BATCH])
    store_s = time.perf_counter() - started
    store.close()

    raw_url = cluster.new_database()
    Store.open(raw_url).close()  # the same schema and indexes
    author_ids: dict[str, int] = {}
    rows = [(r.source, r.external_id, author_ids.setdefault(r.author_handle, len(author_ids) + 1), r.text,
             r.created_at, r.created_raw, 0, r.raw, hashlib.sha256(r.raw.encode()).hexdigest()) for r in records]
    with psycopg.connect(raw_url) as conn:
        conn.execute("ALTER TABLE posts DROP CONSTRAINT IF EXISTS posts_author_id_fkey")
        conn.commit()
        started = time.perf_counter()
        for i in range(0, n, BATCH):
            with conn.cursor().copy("COPY posts (source, external_id, author_id, text, created_at, created_raw, "
                                    "collected_at, raw, raw_sha256) FROM STDIN") as copy:
                for r in rows[i:i + BATCH]:
                    copy.write_row(r)
            conn.commit()
        copy_s = time.perf_counter() - started
    return {"n": n, "store_posts_per_s": n / store_s, "copy_posts_per_s": n / copy_s}


def migrate_figures(cluster, sqlite_db: Path) -> tuple[str, dict]:
    url = cluster.new_database()
    started = time.perf_counter()
    out = subprocess.run([str(Path(sys.executable).with_name("triage")), "--db", str(sqlite_db), "migrate", "--to", url],
                         capture_output=True, text=True)
    seconds = time.perf_counter() - started
    if out.returncode != 0:
        raise SystemExit(f"migrate failed:\n{out.stderr[-3000:]}")
    return url, {"migrate_s": seconds}


def console_figures(url: str) -> dict:
    out = subprocess.run([sys.executable, "-m", "bench.console_bench", url], capture_output=True, text=True,
                         cwd=Path(__file__).resolve().parent.parent)
    if out.returncode != 0:
        raise SystemExit(f"console bench (PostgreSQL) failed:\n{out.stderr[-3000:]}")
    return json.loads(out.stdout.strip().splitlines()[-1])


def _analyst(args) -> list[float]:
    """One analyst process: label each post (one transaction each, as the console's key does)."""
    db, analyst, post_ids = args
    from triage.db_location import parse_db
    from triage.store import Store

    latencies = []
    with Store.open(parse_db(db)) as store:
        for i, pid in enumerate(post_ids):
            started = time.perf_counter()
            store.set_disposition([pid], ("monitor", "benign", "escalate")[i % 3], analyst)
            latencies.append(time.perf_counter() - started)
    return latencies


def concurrent_label_figures(db: str, post_ids: list[int]) -> dict:
    """8 analyst processes label the same posts at once, each in its own order."""
    jobs = [(db, f"analyst{k}", post_ids[k:] + post_ids[:k]) for k in range(ANALYSTS)]
    with multiprocessing.get_context("spawn").Pool(ANALYSTS) as pool:
        results = pool.map(_analyst, jobs)
    all_ms = sorted(x * 1000 for r in results for x in r)
    p99 = all_ms[min(len(all_ms) - 1, int(len(all_ms) * 0.99))]
    return {"labels": len(all_ms), "p50_ms": statistics.median(all_ms), "p99_ms": p99}


def _small_store(path_or_url, n: int = 2000) -> list[int]:
    from triage.db_location import parse_db
    from triage.store import Store

    from .corpus import generate_posts

    with Store.open(parse_db(str(path_or_url))) as store:
        result = store.add_posts(generate_posts(n))
        return list(result.new_ids())[:LABELS_EACH]


def run(sqlite_1m: Path | None, import_n: int) -> list[dict]:
    from .__main__ import row

    cluster = _cluster()
    if cluster is None:
        return [row("PostgreSQL figures: no PostgreSQL server binaries (make test-tools installs them)", 0, "")]
    rows: list[dict] = []
    try:
        imp = import_figures(cluster, import_n)
        rows.append(row(f"PostgreSQL: import {import_n:,} posts (store batches)", imp["store_posts_per_s"], "posts/s",
                        imp["copy_posts_per_s"], "raw COPY"))
        if sqlite_1m is not None:
            url, mig = migrate_figures(cluster, sqlite_1m)
            rows.append(row("PostgreSQL: migrate --to, the 1M-post store", mig["migrate_s"], "s"))
            c = console_figures(url)
            rows += [
                row(f"PostgreSQL: queue first paint ({c['queue_len']:,} flagged)", c["first_paint_s"] * 1000, "ms",
                    target="<= 500 ms"),
                row("PostgreSQL: label + advance (4): CPU per key, net", c["label_advance_ms"], "ms",
                    target="<= 30 ms"),
                row("PostgreSQL: label + advance, wall per key", c["label_advance_wall_ms"], "ms"),
                row("PostgreSQL: full-text search, median of 5 queries", c["search_ms"], "ms", target="<= 100 ms"),
            ]
        pg_url = cluster.new_database()
        figures = {"PostgreSQL": concurrent_label_figures(pg_url, _small_store(pg_url))}
        with tempfile.TemporaryDirectory(prefix="triage-bench-") as tmp:
            lite = Path(tmp) / "team.db"
            figures["SQLite"] = concurrent_label_figures(str(lite), _small_store(lite))
        for name, f in figures.items():
            rows.append(row(f"{name}: label latency, {ANALYSTS} analysts at once, p50", f["p50_ms"], "ms"))
            rows.append(row(f"{name}: label latency, {ANALYSTS} analysts at once, p99", f["p99_ms"], "ms"))
    finally:
        cluster.stop()
    return rows


if __name__ == "__main__":  # python -m bench.postgres_bench [N]: the import and 8-analyst figures alone
    n = int(sys.argv[1]) if len(sys.argv) > 1 else 100_000
    for r in run(None, n):
        print(json.dumps(r))
