"""Opening the console. Textual is imported here only, when a console is really wanted."""

from __future__ import annotations

from pathlib import Path

import click

from .common import CliContext


def open_console(cli: CliContext, db_path: Path, create: bool = False, title: str | None = None) -> None:
    try:
        from ..screens.app import run_console
    except ImportError:  # the console screens have not landed yet: show what the store holds
        from ..store import queries
        from .store_cmds import render_stats

        store = cli.open_store(readonly=not create) if db_path.exists() or create else None
        if store is None:
            click.echo(f"{db_path}: no store yet. Import posts with `triage import FILE`.")
            return
        click.echo(render_stats(queries.stats(store.conn), db_path))
        store.close()
        return
    run_console(db_path, cli.config, title=title)
