"""Opening the console. Textual is imported here only, when a console is really wanted."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

from ..db_location import PgUrl
from .common import CliContext


def open_console(cli: CliContext, db_path: Path | PgUrl, create: bool = False, title: str | None = None) -> None:
    from ..screens.app import run_console
    from ..screens.config_check import check_console_config

    check_console_config(cli.config)  # a ConfigError is one line, before any screen is drawn
    # The console labels under the same name as the CLI would: --analyst, TRIAGE_ANALYST, config, OS user.
    run_console(db_path, replace(cli.config, analyst=cli.analyst), title=title)
