"""Import throughput: the store's batched ingest (and the whole `triage import` path) beside raw
``sqlite3.executemany`` of the same rows into the same schema, in the same run."""

from __future__ import annotations

import hashlib
import json
import tempfile
import time
from pathlib import Path

from triage.store import Store

from .corpus import generate_posts, write_jsonl

BATCH = 5000


def _fresh(dirpath: Path, name: str) -> Store:
    return Store.open(dirpath / name)


def raw_executemany(records, dirpath: Path) -> float:
    """The reference: the same rows, precomputed, straight into `posts` with executemany."""
    store = _fresh(dirpath, "raw.db")
    author_ids: dict[str, int] = {}
    rows = [(r.source, r.external_id, author_ids.setdefault(r.author_handle, len(author_ids) + 1), r.text, r.created_at,
             r.created_raw, 0, r.raw,
             hashlib.sha256(r.raw.encode()).hexdigest()) for r in records]
    conn = store.conn
    started = time.perf_counter()
    for i in range(0, len(rows), BATCH):
        conn.execute("BEGIN")
        conn.executemany("INSERT OR IGNORE INTO posts (source, external_id, author_id, text, created_at, "
                         "created_raw, collected_at, raw, raw_sha256) VALUES (?,?,?,?,?,?,?,?,?)", rows[i:i + BATCH])
        conn.execute("COMMIT")
    elapsed = time.perf_counter() - started
    store.close()
    return len(rows) / elapsed


def store_ingest(records, dirpath: Path) -> float:
    store = _fresh(dirpath, "store.db")
    started = time.perf_counter()
    for i in range(0, len(records), BATCH):
        store.add_posts(records[i:i + BATCH])
    elapsed = time.perf_counter() - started
    store.close()
    return len(records) / elapsed


def file_import(records, dirpath: Path) -> float:
    """The whole `triage import --no-tag` path: read, parse, map, store."""
    from triage.collectors.runner import run_collector
    from triage.plugins.jsonl_file import JsonlCollector

    path = dirpath / "posts.jsonl"
    write_jsonl(path, records)
    store = _fresh(dirpath, "file.db")
    started = time.perf_counter()
    run_collector(store, JsonlCollector({"path": str(path)}), batch_size=BATCH)
    elapsed = time.perf_counter() - started
    store.close()
    return len(records) / elapsed


def run(sizes=(100_000, 1_000_000)) -> list[dict]:
    rows = []
    for n in sizes:
        records = generate_posts(n)
        with tempfile.TemporaryDirectory(prefix="triage-bench-") as tmp:
            tmp = Path(tmp)
            ref = raw_executemany(records, tmp)
            ours = store_ingest(records, tmp)
            whole = file_import(records, tmp)
        rows.append({"figure": f"import {n:,} posts: store.add_posts", "value": ours, "unit": "posts/s",
                     "reference": ref, "ref_name": "raw executemany", "ratio": ours / ref, "target": ">= 0.5"})
        rows.append({"figure": f"import {n:,} posts: triage import (JSONL file)", "value": whole,
                     "unit": "posts/s", "reference": ref, "ref_name": "raw executemany", "ratio": whole / ref,
                     "target": ""})
    return rows


if __name__ == "__main__":
    for row in run((100_000,)):
        print(json.dumps(row))
