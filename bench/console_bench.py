"""Console figures on a big store: first paint of the queue, next-post, label+advance, search, RSS.

Run in its own process (``python -m bench.console_bench DB``) so its peak RSS is the console's.
Prints one JSON object.
"""

from __future__ import annotations

import asyncio
import json
import resource
import statistics
import sys
import time
from pathlib import Path


def peak_rss_mb() -> float:
    """This process's peak RSS. VmHWM belongs to the address space, so unlike ru_maxrss it does
    not count the parent's memory that a fork copied before exec."""
    try:
        for line in open("/proc/self/status"):
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) / 1024
    except OSError:
        pass
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


async def measure(db: Path) -> dict:
    from triage.config import Config
    from triage.screens.app import TriageApp
    from triage.screens.queue_list import QueueList
    from triage.store import Store
    from triage.store.queries import QueueFilter, queue_ids

    started = time.perf_counter()
    app = TriageApp(db, Config(analyst="bench", timezone="UTC"))
    figures: dict = {}
    async with app.run_test(size=(120, 40)) as pilot:
        # First paint: the app is up and the queue shows its first rows.
        while True:
            await pilot.pause(0.005)
            screen = app.screen
            queue = screen.query(QueueList)
            if queue and len(queue.first().ids) > 0 and queue.first().row_at(0) is not None:
                break
        await pilot.pause()
        figures["first_paint_s"] = time.perf_counter() - started
        queue = app.screen.query_one(QueueList)
        figures["queue_len"] = len(queue.ids)

        async def timed_key(key: str, n: int) -> tuple[float, float]:
            """Median CPU time the app spends on one key (handler, store, layout, render) and the
            median wall time through Pilot, which adds its own waits between frames."""
            cpu, wall = [], []
            for _ in range(n):
                c, t = time.process_time(), time.perf_counter()
                await pilot.press(key)
                await pilot.pause()
                cpu.append(time.process_time() - c)
                wall.append(time.perf_counter() - t)
            return statistics.median(cpu) * 1000, statistics.median(wall) * 1000

        # The reference: a key the queue does not bind costs Pilot's own per-key work (event
        # dispatch, idle waits) and nothing of ours; the figures are net of it.
        figures["noop_key_ms"], _ = await timed_key("x", 40)
        next_cpu, figures["next_post_wall_ms"] = await timed_key("j", 40)
        label_cpu, figures["label_advance_wall_ms"] = await timed_key("4", 40)  # 4 = unclear
        figures["next_post_ms"] = next_cpu - figures["noop_key_ms"]
        figures["label_advance_ms"] = label_cpu - figures["noop_key_ms"]
    # Search: the ids of a full-text query over the whole store (what `/` loads).
    with Store.open(db, readonly=True) as reader:
        times = []
        for term in ("rifle", "coffee", "\"right idea\"", "manifest*", "mall AND friday"):
            t = time.perf_counter()
            ids = queue_ids(reader.conn, QueueFilter(flagged_only=False, label_state="any", search=term, sort="time"))
            times.append(time.perf_counter() - t)
        figures["search_ms"] = statistics.median(times) * 1000
        figures["search_hits_last"] = len(ids)
    figures["rss_mb"] = peak_rss_mb()
    return figures


if __name__ == "__main__":
    from triage.db_location import parse_db

    print(json.dumps(asyncio.run(measure(parse_db(sys.argv[1])))))  # a file or a postgresql:// URL
