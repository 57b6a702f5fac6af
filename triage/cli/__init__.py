"""The `triage` command line. Subcommands import heavy modules (spaCy, Textual) only when
they run, so `triage --help` starts fast over SSH."""

from __future__ import annotations

import importlib
import importlib.util
import sys
from typing import NoReturn

import click

from ..errors import TriageError
from .common import CliContext, analyst_option, db_option, fail

# Each module defines COMMANDS, a tuple of click commands. A module not present in this
# checkout (a feature still being built) is skipped; one that fails to import is an error.
_COMMAND_MODULES = ("store_cmds", "demo_cmd", "collect_cmds", "analytics_cmds", "export_cmds", "learn_cmds",
                    "labels_cmds", "agreement_cmd", "bundle_cmds", "migrate_cmd")


class TriageGroup(click.Group):
    """The `triage` group: the one place where a ``TriageError`` from any command becomes its
    one line on stderr and its exit code (here rather than in ``run()`` so that a command invoked
    through ``main`` alone, as tests and ``python -m`` do, ends the same way)."""

    def invoke(self, ctx: click.Context):
        try:
            return super().invoke(ctx)
        except TriageError as exc:
            _end(exc)

    def make_context(self, info_name, args, parent=None, **extra):
        # The group's own options (`triage --analyst NAME ...`) are checked while its context is
        # made, before invoke: their errors end the same way.
        try:
            return super().make_context(info_name, args, parent=parent, **extra)
        except TriageError as exc:
            _end(exc)


def _end(exc: TriageError) -> NoReturn:
    from ..sanitize import sanitize

    click.echo(sanitize(exc.cli_line()), err=True)
    raise SystemExit(exc.exit_code) from None


@click.group(cls=TriageGroup, invoke_without_command=True, context_settings={"help_option_names": ["-h", "--help"]})
@db_option
@analyst_option
@click.option("--config", "config_file", type=click.Path(dir_okay=False), envvar="TRIAGE_CONFIG",
              help="Config file (default: XDG config dir, triage/config.toml).")
@click.version_option(package_name="triage-console", prog_name="triage")
@click.pass_context
def main(ctx: click.Context, config_file: str | None) -> None:
    """Threat-leakage triage console. With no command, opens the console on the store."""
    ctx.obj = CliContext(meta=ctx.meta, config_file=config_file)
    if ctx.invoked_subcommand is None:
        from .console_cmd import open_console

        open_console(ctx.obj, ctx.obj.db_path(), create=True)


for _name in _COMMAND_MODULES:
    if importlib.util.find_spec(f"{__name__}.{_name}") is not None:
        for command in importlib.import_module(f"{__name__}.{_name}").COMMANDS:
            main.add_command(command)

if importlib.util.find_spec("triage.cli_detect") is not None:  # score, eval: beside the detector
    from ..cli_detect import eval_cmd, score_cmd

    main.add_command(score_cmd, "score")
    main.add_command(eval_cmd, "eval")


def run() -> None:
    try:
        main(prog_name="triage")
    except KeyboardInterrupt:
        click.echo("interrupted", err=True)
        sys.exit(130)
    except BrokenPipeError:  # `triage score ... | head`
        sys.exit(0)
    except Exception as exc:
        # The project's own errors (TriageError) end in TriageGroup. What reaches here are store
        # or disk faults that sqlite3 and the OS raise (not a database, read-only, full, I/O
        # error), from whichever command met them: one line, never a traceback. Anything else
        # propagates.
        from ..sanitize import sanitize
        from .common import last_db_path
        from .faults import fault_message

        message = fault_message(exc, last_db_path())
        if message is None:
            raise
        click.echo(f"triage: error: {sanitize(message)}", err=True)
        sys.exit(1)


__all__ = ["main", "run", "fail"]
