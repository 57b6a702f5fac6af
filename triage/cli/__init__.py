"""The `triage` command line. Subcommands import heavy modules (spaCy, Textual) only when
they run, so `triage --help` starts fast over SSH."""

from __future__ import annotations

import importlib
import importlib.util
import sys

import click

from .common import CliContext, db_option, fail

# Each module defines COMMANDS, a tuple of click commands. A module not present in this
# checkout (a feature still being built) is skipped; one that fails to import is an error.
_COMMAND_MODULES = ("store_cmds", "demo_cmd", "collect_cmds", "analytics_cmds", "export_cmds", "learn_cmds",
                    "labels_cmds")


@click.group(invoke_without_command=True, context_settings={"help_option_names": ["-h", "--help"]})
@db_option
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
        # Two kinds of error reach here from whichever command met them, each as one line, never
        # a traceback: set-up errors in the shipped data files (a broken pattern, word-class or
        # warning-behaviour file) and an active model that is gone; and store or disk faults
        # (not a database, read-only, full, I/O error). Anything else propagates.
        from ..analytics.warnings import WarningRulesError
        from ..detector.lexicon import LexiconError
        from ..detector.patterns import PatternError
        from ..learning import LearningError
        from ..sanitize import sanitize
        from ..store import StoreError
        from .common import last_db_path
        from .faults import fault_message

        if isinstance(exc, (PatternError, LexiconError, LearningError, WarningRulesError)):
            click.echo(f"triage: {sanitize(str(exc))}", err=True)
            sys.exit(2)
        message = str(exc) if isinstance(exc, StoreError) else fault_message(exc, last_db_path())
        if message is None:
            raise
        click.echo(f"triage: error: {sanitize(message)}", err=True)
        sys.exit(1)


__all__ = ["main", "run", "fail"]
