"""Opening the console. Textual is imported here only, when a console is really wanted."""

from __future__ import annotations

from pathlib import Path

from ..db_location import PgUrl
from .common import CliContext


def open_console(cli: CliContext, db_path: Path | PgUrl, create: bool = False, title: str | None = None) -> None:
    from ..screens.app import run_console
    from ..screens.config_check import check_console_config

    check_console_config(cli.config)  # a ConfigError is one line, before any screen is drawn
    run_console(db_path, cli.config, title=title)
