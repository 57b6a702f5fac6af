"""`make bench` / `make bench-quick`: every speed figure beside its reference, as a ratio.

    python -m bench            # 100k and 1M posts (the 1M store is built once and cached)
    python -m bench --quick    # 100k only, a couple of minutes
    python -m bench.postgres_bench [N]   # the PostgreSQL import and 8-analyst figures alone
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import subprocess
import sys
import time
from pathlib import Path

CACHE = Path(__file__).resolve().parent / ".cache"


def machine() -> str:
    cpu = "?"
    try:
        for line in open("/proc/cpuinfo"):
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    return f"{platform.node()} · {os.cpu_count()} cores · {cpu} · Python {platform.python_version()}"


def _store_stamp(n: int) -> str:
    """What the cached store depends on: the corpus, the detector's code, patterns and model.
    Computed from the files, so a cached run does not pay for building a detector."""
    import hashlib

    from triage.detector.registry import resolve_model

    root = Path(__file__).resolve().parent.parent
    digest = hashlib.sha256(f"{n}:{resolve_model('active')}".encode())
    for folder, pattern in ((root / "triage" / "detector", "*.py"), (root / "data" / "patterns", "*.toml"),
                            (root / "data" / "model", "**/*"), (root / "bench", "corpus.py"),
                            (root / "data" / "demo", "posts.jsonl")):
        for path in sorted(folder.glob(pattern)):
            if path.is_file():
                digest.update(path.name.encode() + path.read_bytes())
    return digest.hexdigest()


def build_store(n: int) -> Path:
    """A cached store of n generated posts, tagged by the real detector."""
    from triage.store import Store
    from triage.tagging import make_tagger

    from .corpus import generate_posts

    CACHE.mkdir(exist_ok=True)
    path = CACHE / f"store-{n}.db"
    stamp = CACHE / f"store-{n}.stamp"
    want = _store_stamp(n)
    if path.exists() and stamp.exists() and stamp.read_text() == want:
        return path
    tagger = make_tagger(workers=None)
    for suffix in ("", "-wal", "-shm"):
        Path(f"{path}{suffix}").unlink(missing_ok=True)
    print(f"building the {n:,}-post bench store (once; cached in {CACHE}) ...", file=sys.stderr)
    started = time.perf_counter()
    records = generate_posts(n)
    from triage.analytics.refresh import refresh_analytics

    with Store.open(path) as store:
        for i in range(0, n, 20_000):
            store.add_posts(records[i:i + 20_000])
        del records
        with tagger:
            tagger.tag_untagged(store)
        refresh_analytics(store)
    stamp.write_text(want)
    print(f"  built in {time.perf_counter() - started:.0f} s", file=sys.stderr)
    return path


def console_figures(db: Path) -> dict:
    import shutil
    import tempfile

    # The console bench labels posts: it works on a copy, so the cached store stays as built.
    with tempfile.TemporaryDirectory(prefix="triage-bench-") as tmp:
        copy = Path(tmp) / db.name
        shutil.copyfile(db, copy)
        out = subprocess.run([sys.executable, "-m", "bench.console_bench", str(copy)], capture_output=True,
                             text=True, cwd=Path(__file__).resolve().parent.parent)
    if out.returncode != 0:
        raise SystemExit(f"console bench failed:\n{out.stderr[-3000:]}")
    return json.loads(out.stdout.strip().splitlines()[-1])


def analytics_figures(db: Path, label: str) -> list[dict]:
    from triage.analytics import bench as ab
    from triage.analytics.refresh import refresh_analytics
    from triage.store import Store

    with Store.open(db) as store:
        started = time.perf_counter()
        refresh_analytics(store)  # a no-op when the cached store was analysed before
        refreshed = time.perf_counter() - started
        # The author nearest 10k posts: the profile target is stated for such an author.
        handle, count = store.conn.execute(
            "SELECT source || ':' || handle, post_count FROM authors ORDER BY abs(post_count - 10000) LIMIT 1"
        ).fetchone()
        profile = ab.bench_author_profile(store, handle)
        over = ab.bench_overview(store)
        trend = ab.bench_trends(store)
        concern = ab.bench_concern(store)
        authors = store.conn.execute("SELECT COUNT(*) FROM author_concern").fetchone()[0]
    return [
        row(f"analytics refresh after the last import ({label})", refreshed * 1000, "ms"),
        row(f"author profile, {count:,}-post author, median", profile * 1000, "ms", target="<= 100 ms"),
        row("overview (cached aggregates), median", over * 1000, "ms", target="<= 300 ms"),
        row(f"trends over the {label}", trend * 1000, "ms", target="<= 2000 ms"),
        row(f"author concern refresh, {authors:,} authors with evidence", concern * 1000, "ms",
            target="<= 10000 ms"),
    ]


def export_figures(db: Path) -> list[dict]:
    import tempfile

    from triage.export import ExportFilter, run_export
    from triage.store import Store

    with Store.open(db) as store, tempfile.TemporaryDirectory() as tmp:
        ids = tuple(r[0] for r in store.conn.execute("SELECT id FROM posts ORDER BY id LIMIT 100000"))
        started = time.perf_counter()
        result = run_export(store, "jsonl", Path(tmp) / "out", ExportFilter(post_ids=ids), analyst="bench")
        seconds = time.perf_counter() - started
    return [row(f"export {result.posts:,} posts as JSONL (with manifest)", result.posts / seconds, "posts/s")]


def row(figure, value, unit, reference=None, ref_name="", target="") -> dict:
    ratio = (value / reference) if reference else None
    return {"figure": figure, "value": value, "unit": unit, "reference": reference, "ref_name": ref_name,
            "ratio": ratio, "target": target}


def main() -> None:
    parser = argparse.ArgumentParser(prog="python -m bench")
    parser.add_argument("--quick", action="store_true", help="100k posts only")
    parser.add_argument("--json", action="store_true", help="print JSON rows")
    args = parser.parse_args()
    sizes = (100_000,) if args.quick else (100_000, 1_000_000)
    rows: list[dict] = []

    from . import import_bench

    rows += import_bench.run(sizes)

    from . import collect_bench

    rows += collect_bench.run()  # the live collectors' HTTP transport (HTTPS on 127.0.0.1)

    try:
        from triage.detector.bench import bench_tagging

        from .corpus import generate_posts

        from triage.tagging import default_workers

        texts = [r.text for r in generate_posts(100_000)]  # the import bench's posts (cached)
        workers = default_workers()
        t = bench_tagging(texts, n_process=workers)
        rows.append(row("tag 100,000 posts, 1 process (CPU time)", t["detector_posts_per_s"], "posts/s",
                        t["tokenizer_posts_per_s"], "blank('en') tokenizer", ">= 0.5"))
        if workers > 1:
            rows.append(row(f"tag 100,000 posts, ingest pool of {workers} (wall clock)", t["pool_posts_per_s"],
                            "posts/s", t["tokenizer_wall_posts_per_s"], "tokenizer, 1 process", ">= 1.0 (idle box)"))
    except ImportError:
        pass

    db = build_store(sizes[-1])
    c = console_figures(db)
    n = f"{sizes[-1]:,}-post store"
    rows += [
        row(f"queue first paint ({n}, {c['queue_len']:,} flagged)", c["first_paint_s"] * 1000, "ms",
            target="<= 500 ms"),
        row(f"next post (j): CPU per key, net of an unbound key ({c['noop_key_ms']:.0f} ms)",
            c["next_post_ms"], "ms", target="<= 30 ms"),
        row("label + advance (4): CPU per key, net of an unbound key", c["label_advance_ms"], "ms",
            target="<= 30 ms"),
        row("full-text search, median of 5 queries", c["search_ms"], "ms", target="<= 100 ms"),
        row("console peak RSS", c["rss_mb"], "MB", target="<= 150 MB"),
    ]
    rows += analytics_figures(db, n)
    rows += export_figures(db)
    from .hostile_bench import hostile_post_figures

    rows += [row(figure, seconds * 1000, "ms", target="<= 2000 ms") for figure, seconds in hostile_post_figures()]

    from . import postgres_bench

    # The same figures on PostgreSQL (a throw-away cluster): import beside raw COPY, the 1M store
    # migrated and opened in the console, and 8 analysts labeling at once on both engines.
    rows += postgres_bench.run(None if args.quick else db, sizes[-1])

    if args.json:
        for r in rows:
            print(json.dumps(r))
        return
    print(f"machine: {machine()}")
    print(f"{'figure':<58} {'value':>12}  {'reference':>24}  {'ratio':>6}  target")
    for r in rows:
        ref = f"{r['reference']:,.0f} {r['ref_name']}" if r["reference"] else ""
        ratio = f"{r['ratio']:.2f}" if r["ratio"] is not None else ""
        print(f"{r['figure']:<58} {r['value']:>9,.1f} {r['unit']:<3} {ref:>24}  {ratio:>6}  {r['target']}")


if __name__ == "__main__":
    main()
