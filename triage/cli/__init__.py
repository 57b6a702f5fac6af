"""The `triage` command line. Subcommands import heavy modules (spaCy, Textual) only when
they run, so `triage --help` starts fast over SSH."""

from __future__ import annotations

import sys

import click

from .common import CliContext, db_option, fail
from . import store_cmds, demo_cmd


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


for command in (*store_cmds.COMMANDS, demo_cmd.demo):
    main.add_command(command)

try:  # the detector's CLI (score, eval) lives beside the detector
    from ..cli_detect import eval_cmd, score_cmd

    main.add_command(score_cmd, "score")
    main.add_command(eval_cmd, "eval")
except ImportError:  # pragma: no cover - only while the detector is being built
    pass


def run() -> None:
    try:
        main(prog_name="triage")
    except KeyboardInterrupt:
        click.echo("interrupted", err=True)
        sys.exit(130)
    except BrokenPipeError:  # `triage score ... | head`
        sys.exit(0)


__all__ = ["main", "run", "fail"]
