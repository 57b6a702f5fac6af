"""`triage demo`: build the demo store from the shipped dataset (once) and open it."""

from __future__ import annotations

import hashlib
from importlib.resources import files
from pathlib import Path

import click

from .common import CliContext, analyst_option, fail, pass_cli


DEMO_STAMP = "demo_stamp"  # meta key: the dataset and detector the demo store was built from


def demo_dataset() -> Path:
    return Path(str(files("triage.data") / "demo" / "posts.jsonl"))


def build_demo_store(path: Path | str, analyst: str, threshold=None, echo=click.echo) -> None:
    """(Re)build the demo store when it is missing or the dataset or detector changed. ``path``
    may also be an empty PostgreSQL database's URL (the tests build the demo there too)."""
    from ..collectors.runner import run_collector
    from ..plugins.jsonl_file import JsonlCollector
    from ..progress import ProgressLine
    from ..store import Store
    from ..store.meta import meta_value, set_meta
    from ..tagging import make_tagger

    dataset = demo_dataset()
    if not dataset.exists():
        fail(f"{dataset}: demo dataset missing from this install")
    digest = hashlib.sha256(dataset.read_bytes()).hexdigest()
    tagger = make_tagger(threshold, workers=None)
    stamp = f"{digest}:{tagger.version}"
    if isinstance(path, Path) and path.exists():
        with Store.open(path) as store:
            if meta_value(store.conn, DEMO_STAMP) == stamp:
                return
        for suffix in ("", "-wal", "-shm"):
            Path(f"{path}{suffix}").unlink(missing_ok=True)
    echo(f"building the demo store {path} ...")
    progress = ProgressLine("demo")
    with Store.open(path) as store:
        with tagger:  # the worker processes end here, before the console starts its threads
            summary, _ = run_collector(store, JsonlCollector({"path": str(dataset)}), tagger=tagger,
                                       on_progress=lambda d, t, s: progress.update(d, t))
        progress.done()
        store.log(analyst, "import", str(dataset), {"read": summary.read, "added": summary.added,
                                                   "detector": tagger.version})
        from ..analytics.refresh import refresh_analytics

        store.log(analyst, "analyze", "", refresh_analytics(store).as_detail())
        with store.transaction() as conn:
            set_meta(conn, DEMO_STAMP, stamp)
    echo(f"demo store ready: {summary.added:,} posts, {summary.flagged:,} flagged")


@click.command("demo")
@analyst_option
@click.option("--rebuild", is_flag=True, help="Rebuild the demo store from the dataset.")
@click.option("--stats", "stats_only", is_flag=True, help="Print the demo store's stats instead of opening it.")
@pass_cli
def demo(cli: CliContext, rebuild, stats_only):
    """Open the console on the shipped demo data (a store of its own, never yours)."""
    from ..config import data_dir
    from .console_cmd import open_console

    path = data_dir() / "demo.db"
    if rebuild:
        for suffix in ("", "-wal", "-shm"):
            Path(f"{path}{suffix}").unlink(missing_ok=True)
    build_demo_store(path, cli.analyst, cli.config.threshold)
    if stats_only:
        from ..store import Store, queries
        from .store_cmds import render_stats

        with Store.open(path, readonly=True) as store:
            click.echo(render_stats(queries.stats(store.conn), path))
        return
    open_console(cli, path, title="demo")


COMMANDS = (demo,)
