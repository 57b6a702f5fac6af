"""Opening the console. Textual is imported here only, when a console is really wanted."""

from __future__ import annotations

from pathlib import Path

from .common import CliContext


def open_console(cli: CliContext, db_path: Path, create: bool = False, title: str | None = None) -> None:
    from ..config import ConfigError
    from ..screens.app import run_console
    from ..screens.config_check import check_console_config
    from .common import fail

    try:
        check_console_config(cli.config)
    except ConfigError as exc:
        fail(str(exc))
    run_console(db_path, cli.config, title=title)
