"""Collector commands: `triage collectors` (what is installed and configured), `triage collect`
(run configured collectors, once or on their schedules), `triage secret` (API tokens in the
keyring). The work itself is in ``triage.collectors.live``; this module only talks to the terminal."""

from __future__ import annotations

import json
import threading
import time
from typing import Any

import click

from ..sanitize import clip, sanitize
from .common import CliContext, analyst_option, db_option, fail, pass_cli

EXIT_SKIPPED = 3  # as `triage import`: the run finished but skipped bad records
MAX_PRINTED_PROBLEMS = 50


def _plugins() -> dict:
    from ..collectors.discovery import available_collectors

    return available_collectors()


def _schema(cls) -> dict:
    return {key: {"type": spec.type.__name__, "default": spec.default, "required": spec.required,
                  "secret": spec.secret, "help": spec.help}
            for key, spec in cls.options_schema.items()}


def _states(cli: CliContext) -> dict:
    from ..store.collectors import collector_states

    from ..db_location import PgUrl
    from ..store import StoreError

    path = cli.db_path()
    if not path.exists():
        return {}
    try:
        store = cli.open_store(readonly=True)
    except StoreError:
        if isinstance(path, PgUrl):
            return {}  # a database with no store in it yet: no collector has run there
        raise
    try:
        return collector_states(store.conn)
    finally:
        store.close()


def _when(epoch: float | None) -> str:
    from ..timeparse import iso_utc

    return iso_utc(epoch) if epoch else "never"


@click.command("collectors")
@db_option
@click.option("--json", "as_json", is_flag=True, help="Machine-readable output.")
@pass_cli
def collectors_cmd(cli: CliContext, as_json):
    """List installed collector plugins and the configured collectors with their state."""
    plugins = _plugins()
    states = _states(cli)
    configured: list[dict[str, Any]] = []  # one JSON object per configured collector
    for cfg in cli.config.collectors:
        st = states.get(cfg.name)
        configured.append({"name": cfg.name, "plugin": cfg.plugin, "schedule": cfg.schedule, "options": cfg.options,
                           "installed": cfg.plugin in plugins, "state": st.as_dict() if st else None})
    if as_json:
        click.echo(json.dumps({
            "config": str(cli.config.path) if cli.config.path else None,
            "plugins": [{"name": name, "description": cls.description, "formats": list(cls.formats),
                         "live": not cls.formats, "options": _schema(cls)} for name, cls in sorted(plugins.items())],
            "collectors": configured,
        }, indent=2, default=str))
        return
    click.echo("installed plugins:")
    for name, cls in sorted(plugins.items()):
        kind = f"import --format {', '.join(cls.formats)}" if cls.formats else "live"
        click.echo(f"  {name:<14} {cls.description}  [{kind}]")
        opts = ", ".join(f"{k}{'*' if s.required else ''}{' (secret name)' if s.secret else ''}"
                         for k, s in cls.options_schema.items())
        if opts:
            click.echo(f"  {'':<14} options: {opts}")
    if not configured:
        where = cli.config.path or "the config file"
        click.echo(f"no collectors configured (add [[collectors]] tables to {where})")
        return
    click.echo("configured collectors:")
    for c in configured:
        st = c["state"]
        status = "not run yet"
        if st:
            status = (f"last run {_when(st['last_run_at'])}, " + (f"error: {st['last_error']}" if st["last_error"]
                      else "ok") + f"; {st['runs']} runs, {st['posts_added']:,} posts added, "
                      f"cursor {'saved' if st['has_cursor'] else 'none'}")
        missing = "" if c["installed"] else " (plugin not installed)"
        click.echo(f"  {c['name']:<20} {c['plugin']}{missing}, every {c['schedule']} s: {sanitize(status)}")
        feeds = (st or {}).get("feeds") or ()
        width = max((len(clip(f["feed"], 60)) for f in feeds), default=0)
        for feed in feeds:
            click.echo(f"    {clip(feed['feed'], 60):<{width}}  {_feed_line(feed)}")


def _feed_line(feed: dict) -> str:
    """One feed's state: ok (when, posts read) or its error (when, the one-line reason)."""
    if feed["last_error"]:
        return f"FAILED {_when(feed['last_error_at'])}: {clip(feed['last_error'], 200)}"
    read = f", {feed['read']:,} read" if feed["read"] is not None else ""
    return f"ok {_when(feed['last_ok_at'])}{read}"


def _summary_line(run) -> str:
    s = run.summary
    line = (f"{run.name}: {s.read:,} read, {s.added:,} added, {s.duplicates:,} already stored, "
            f"{s.problem_count:,} bad")
    if s.tagged or s.flagged:
        line += f"; {s.flagged:,} flagged"
    if run.alerts:
        line += f", {run.alerts} alert(s) sent"
    if run.stopped:
        line += " (stopped early)"
    return f"{line} ({s.seconds:.1f} s)"


@click.command("collect")
@analyst_option
@db_option
@click.argument("name", required=False)
@click.option("--watch", is_flag=True, help="Keep running each collector on its schedule until stopped.")
@click.option("--alert-cmd", default=None, metavar="CMD",
              help="Shell command run per newly flagged post, with {id, score, ...} as JSON on stdin.")
@click.option("--alert-threshold", type=click.FloatRange(0, 1), default=None,
              help="Alert only for flagged posts with at least this score (default: every flagged post).")
@click.option("--no-tag", is_flag=True, help="Store only; tag later with `triage tag`.")
@click.option("--batch-size", default=200, show_default=True, type=click.IntRange(1, 100_000))
@click.option("--quiet", "-q", is_flag=True, help="No summary lines.")
@pass_cli
def collect_cmd(cli: CliContext, name, watch, alert_cmd, alert_threshold, no_tag, batch_size, quiet):
    """Run the configured collectors (or only NAME), each from its saved cursor.

    Every committed batch moves the collector's cursor, so a run stopped at any point (Ctrl-C,
    SIGTERM, a crash) resumes where it was and stores nothing twice.
    """
    from ..collectors import live as collect
    from ..progress import ProgressLine

    if alert_cmd and no_tag:
        fail("--alert-cmd needs tagging: drop --no-tag")
    configs = collect.select(cli.config.collectors, name)
    if not configs:
        fail(f"no collectors configured: add [[collectors]] tables to {cli.config.path or 'the config file'} "
             "(see the README)")
    store = cli.open_store()
    tagger = None
    if not no_tag:
        from ..tagging import make_tagger

        tagger = make_tagger(cli.config.threshold, workers=cli.config.tag_workers)
    alert = collect.AlertCommand(alert_cmd, alert_threshold) if alert_cmd else None
    stop = threading.Event()
    outcome = {"error": False, "problems": False}

    def run(cfg):
        progress = ProgressLine(f"collecting {cfg.name}")
        printed = 0

        def report(problem):
            nonlocal printed
            printed += 1
            if printed <= MAX_PRINTED_PROBLEMS:
                progress.done()
                click.echo(sanitize(str(problem)), err=True)

        result = collect.run_one(
            store, cfg, analyst=cli.analyst, tagger=tagger, stop=stop, batch_size=batch_size, alert=alert,
            on_problem=report, on_progress=lambda done, total, s: progress.update(done, total, f"{s.added:,} new"),
        )
        progress.done()
        outcome["error"] |= result.error is not None
        outcome["problems"] |= result.summary.problem_count > 0
        stamp = time.strftime("%H:%M:%S ") if watch else ""
        if not quiet:
            click.echo(stamp + _summary_line(result))
        if result.error:
            click.echo(f"triage: error: collector {cfg.name}: {sanitize(result.error)}", err=True)
        for message in result.alert_errors[:10]:
            click.echo(f"triage: warning: {message}", err=True)
        return result

    def stopping(_signum):
        click.echo("stopping after the current batch (signal again to quit at once)", err=True)

    with collect.stop_on_signals(stop, stopping):
        if watch:
            collect.watch(configs, run, stop)
        else:
            for cfg in configs:
                if stop.is_set():
                    break
                run(cfg)
    if tagger is not None:
        tagger.close()
    store.close()
    if watch:
        return
    if outcome["error"]:
        raise SystemExit(1)
    if outcome["problems"]:
        raise SystemExit(EXIT_SKIPPED)


# ---- secrets ---------------------------------------------------------------------------


@click.group("secret")
def secret_group():
    """API tokens in the system keyring (never in the config, the store or a log)."""


@secret_group.command("set")
@click.argument("name")
@pass_cli
def secret_set(cli: CliContext, name):
    """Store secret NAME (prompted without echo; or piped on stdin)."""
    from .. import credentials as secrets

    secrets.require_backend(name)
    value = click.prompt(f"value for secret {name}", hide_input=True, default="", show_default=False,
                         prompt_suffix=": ", err=True)
    backend = secrets.set_secret(name, value.strip())
    note = " (unencrypted file: prefer EncryptedKeyring or a desktop keyring)" if backend == "PlaintextKeyring" else ""
    click.echo(f"stored secret {name} in the keyring ({backend}){note}")


@secret_group.command("delete")
@click.argument("name")
def secret_delete(name):
    """Remove secret NAME from the keyring."""
    from .. import credentials as secrets

    secrets.delete_secret(name)
    click.echo(f"deleted secret {name}")


@secret_group.command("list")
@pass_cli
def secret_list(cli: CliContext):
    """The secret names the configured collectors use, and whether each is set (never values)."""
    from .. import credentials as secrets

    names = secrets.secret_names(cli.config.collectors, _plugins())
    if not names:
        click.echo("no configured collector uses a secret")
        return
    for name, users in sorted(names.items()):
        status = secrets.secret_status(name)
        click.echo(f"{name:<28} {status:<10} used by {', '.join(users)}")


COMMANDS = (collectors_cmd, collect_cmd, secret_group)
