"""What every subcommand shares: the --db and --analyst options, config loading, one-line errors."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import NoReturn

import click

from ..config import Config, data_dir, load_config, resolve_db
from ..db_location import PgUrl
from ..errors import TriageError


def fail(message: str, code: int = 1) -> NoReturn:
    """One clear line on stderr, then exit: no traceback for expected problems. Messages quote
    paths, header cells and field values from untrusted files: sanitized, never raw."""
    from ..sanitize import sanitize

    click.echo(f"triage: error: {sanitize(str(message))}", err=True)
    raise SystemExit(code)


_last_db: list[str] = []


def last_db_path() -> str:
    """The store the running command resolved (for fault messages raised far from the CLI)."""
    return _last_db[0] if _last_db else "the store"


def _remember_db(ctx: click.Context, _param, value):
    # ctx.meta is shared by the whole command tree: `triage --db X cmd` and `triage cmd --db X` agree.
    if value is not None:
        ctx.meta["triage.db"] = value
    return value


db_option = click.option(
    "--db", type=str, default=None, expose_value=False, callback=_remember_db, metavar="PATH|URL",
    help="Store: a SQLite file or a postgresql:// URL (default: $TRIAGE_DB, the config's db, or the XDG data dir).")


def _remember_analyst(ctx: click.Context, _param, value):
    # As --db: accepted on the group and on each writing subcommand, one value for the run. A bad
    # name is an AnalystNameError, one line (cli.TriageGroup), before anything is written.
    if value is not None:
        from ..analysts import check_analyst

        ctx.meta["triage.analyst"] = check_analyst(value, "--analyst")
    return value


analyst_option = click.option(
    "--analyst", default=None, expose_value=False, callback=_remember_analyst, metavar="NAME",
    help="Who is working: recorded with every label, note and audit row (default: $TRIAGE_ANALYST, "
         "the config's analyst, or the OS user).")


@dataclass
class CliContext:
    meta: dict = field(default_factory=dict)
    config_file: str | None = None
    _config: Config | None = field(default=None, repr=False)

    @property
    def db_arg(self) -> str | None:
        return self.meta.get("triage.db")

    @property
    def config(self) -> Config:
        if self._config is None:  # a ConfigError ends the command as one line (cli.TriageGroup)
            self._config = load_config(Path(self.config_file) if self.config_file else None)
        return self._config

    def db_path(self) -> Path | PgUrl:
        path = resolve_db(self.db_arg, self.config)
        _last_db[:] = [str(path)]
        return path

    def staging_dir(self) -> Path:
        """Where the CLI writes what the store must read from a file (stdin, a decompressed
        input): beside a store file; for a server store, the user's data folder, not whatever
        folder the command happens to run in."""
        path = self.db_path()
        return data_dir() if isinstance(path, PgUrl) else path.parent

    def open_store(self, readonly: bool = False, must_exist: bool = False):
        from ..store import Store

        if not readonly:
            self.analyst  # noqa: B018  (a bad TRIAGE_ANALYST is one line before anything is written)
        path = self.db_path()
        if must_exist and not path.exists():
            fail(f"{path}: no store here yet (import something first, or give --db)")
        try:
            return Store.open(path, readonly=readonly)
        except TriageError:  # StoreError, SchemaTooNew: their own one line (cli.TriageGroup)
            raise
        except Exception as exc:  # sqlite3.DatabaseError: not a database, unreadable, read-only
            from .faults import fault_message

            fail(fault_message(exc, str(path)) or f"{path}: cannot open store: {exc}")

    @property
    def analyst(self) -> str:
        """``--analyst``, else ``TRIAGE_ANALYST``, else the config's analyst, else the OS user."""
        from ..analysts import resolve_analyst

        return resolve_analyst(self.meta.get("triage.analyst"), self.config.analyst)


pass_cli = click.make_pass_decorator(CliContext, ensure=True)
