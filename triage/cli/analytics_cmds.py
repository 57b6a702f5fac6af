"""Analytics commands: author, trends, graph, link, unlink, sentiment, overview, analyze."""

from __future__ import annotations

import json
import os
import sys
from collections import Counter
from pathlib import Path

import click

from ..db_location import PgUrl
from .common import CliContext, analyst_option, db_option, fail, pass_cli

NOTICE_BACKLOG = 50_000  # posts: above this the first analytics run tells the analyst why it waits


def _open(cli: CliContext):
    """Writable when we may (derived tables get brought up to date and cached), else read-only:
    an analyst with read access to a shared store can still look."""
    path = cli.db_path()
    if isinstance(path, PgUrl):
        # A server's store: the role's rights decide, not file modes. A role that may only read
        # still looks, at the derived tables as the last writer left them.
        from ..store.catalog import can_write

        store = cli.open_store(must_exist=True)
        if can_write(store.conn):
            return store
        store.close()
        return cli.open_store(readonly=True, must_exist=True)
    writable = path.exists() and os.access(path, os.W_OK) and os.access(path.parent, os.W_OK)
    return cli.open_store(readonly=not writable, must_exist=True)


def _refresh(store, terms: bool) -> None:
    """Bring the derived tables up to date, saying so when that will take a while (the first
    run on a big store reads every post once)."""
    from ..analytics.derived import backlog, refresh_derived
    from ..progress import ProgressLine

    if store.readonly:
        return
    behind = backlog(store, terms)
    if behind > NOTICE_BACKLOG:
        click.echo(f"indexing {behind:,} posts for analytics (once; later runs only read new posts)", err=True)
    progress = ProgressLine("counting terms")
    refresh_derived(store, terms=terms, on_progress=lambda done, total: progress.update(done, total))
    progress.done()


def _colour(no_colour: bool) -> bool:
    return not no_colour and sys.stdout.isatty() and "NO_COLOR" not in os.environ


def _answer(store, compute, as_json: bool, text) -> None:
    """Run ``compute()`` on an open store, close it, show the result; a ValueError (a bad week,
    an empty target) is a one-line error."""
    try:
        result = compute()
    except ValueError as exc:
        fail(str(exc))
    finally:
        store.close()
    _show(result, as_json, text)


def _show(result, as_json: bool, text, data=None) -> None:
    """``result`` as JSON (``data`` or its dataclass fields) or as ``text(result)``. JSON uses ASCII
    escapes: collected strings keep every character for a JSON reader, and none of them (ESC,
    C1, bidi overrides) reaches a terminal raw."""
    if as_json:
        import dataclasses

        click.echo(json.dumps(data if data is not None else dataclasses.asdict(result), indent=2,
                              ensure_ascii=True, default=str))
    else:
        click.echo(text(result))


no_color_option = click.option("--no-color", "no_colour", is_flag=True, help="No colour (also: NO_COLOR, pipes).")
json_option = click.option("--json", "as_json", is_flag=True, help="Machine-readable output.")


@click.command("author")
@db_option
@click.argument("handle")
@click.option("--source", default=None, help="The author's source, when the handle is on several.")
@click.option("--tz", "zone", default=None, help="Also show hours in this zone (IANA name, e.g. Europe/Berlin).")
@click.option("--by", "granularity", type=click.Choice(["week", "day", "month"]), default="week", show_default=True,
              help="Timeline buckets.")
@click.option("--no-merge", is_flag=True, help="This account only, not the accounts linked to it.")
@json_option
@no_color_option
@pass_cli
def author_cmd(cli: CliContext, handle, source, zone, granularity, no_merge, as_json, no_colour):
    """Profile of an author: indicator timeline, posting hours, likely UTC offset, behaviour
    change, who they talk to. HANDLE or SOURCE:HANDLE."""
    from ..analytics.authors import resolve_author
    from ..analytics.hours import UnknownZone
    from ..analytics.profile import author_profile
    from ..analytics.render import profile_text

    store = _open(cli)
    _refresh(store, terms=False)
    author = resolve_author(store.conn, handle, source)
    try:
        profile = author_profile(store, author, zone=zone, granularity=granularity, merge_linked=not no_merge)
    except UnknownZone as exc:
        fail(str(exc))
    store.close()
    _show(profile, as_json, lambda p: profile_text(p, colour=_colour(no_colour)), profile.to_json() if as_json else None)


@click.command("trends")
@db_option
@click.option("--source", default=None, help="One source only (default: the whole store).")
@click.option("--week", default=None, help="ISO week to check, e.g. 2026-W14 (default: the newest).")
@click.option("--baseline", "baseline_weeks", default=8, show_default=True, type=click.IntRange(1, 104),
              help="Weeks before it to compare with.")
@click.option("--min-count", default=5, show_default=True, type=click.IntRange(1), help="Posts a term needs this week.")
@click.option("--limit", default=20, show_default=True, type=click.IntRange(1))
@json_option
@pass_cli
def trends_cmd(cli: CliContext, source, week, baseline_weeks, min_count, limit, as_json):
    """Terms and hashtags spiking this week against their baseline."""
    from ..analytics.render import trends_text
    from ..analytics.trends import trends

    store = _open(cli)
    _refresh(store, terms=True)
    _answer(store, lambda: trends(store.conn, source=source, week=week, baseline_weeks=baseline_weeks,
                                  min_count=min_count, limit=limit), as_json, trends_text)


@click.command("graph")
@analyst_option
@db_option
@click.option("--out", "out", required=True, type=click.Path(dir_okay=False), help="File to write.")
@click.option("--format", "fmt", type=click.Choice(["csv", "gexf", "graphml"]), default=None,
              help="Default: from the file's extension, else csv.")
@click.option("--author", "author", default=None, help="Only this author's ego network (HANDLE or SOURCE:HANDLE).")
@click.option("--min-weight", default=1, show_default=True, type=click.IntRange(1), help="Drop rarer edges.")
@click.option("--force", is_flag=True, help="Replace --out if it exists (never the store).")
@pass_cli
def graph_cmd(cli: CliContext, out, fmt, author, min_weight, force):
    """Write the interaction graph for Gephi, Maltego or scripts: reply, mention and identity edges
    (parallel, with first/last time), accounts with posts, risk, concern and indicators."""
    from ..analytics.authors import resolve_author
    from ..analytics.graph_export import FORMATS, interaction_graph, write_graph
    from ..analytics.identity import linked_component
    from ..output_paths import check_output

    db = cli.db_path()
    check_output(out, None if isinstance(db, PgUrl) else db, force=force)  # no store file to overwrite on a server

    suffix = Path(out).suffix.lstrip(".").lower()
    fmt = fmt or (suffix if suffix in FORMATS else "csv")
    store = _open(cli)
    _refresh(store, terms=False)
    ids = linked_component(store.conn, resolve_author(store.conn, author).id) if author else None
    graph = interaction_graph(store, min_weight=min_weight, author_ids=ids)
    edges = graph.edges
    try:
        write_graph(graph, out, fmt)
    except OSError as exc:
        fail(f"{out}: {exc.strerror or exc}")
    if not store.readonly:
        store.log(cli.analyst, "export-graph", str(Path(out).resolve()), {"format": fmt, "edges": len(edges)})
    store.close()
    kinds = ", ".join(f"{n:,} {k}" for k, n in Counter(e.kind for e in edges).items())
    click.echo(f"wrote {len(edges):,} edges ({kinds or 'none'}) between {len(graph.nodes):,} accounts to {out} ({fmt})")


def _link(cli: CliContext, first: str, second: str, note: str | None, linked: bool) -> None:
    from ..analytics.authors import resolve_author
    from ..analytics.identity import link_identities, unlink_identities
    from ..sanitize import sanitize

    store = cli.open_store(must_exist=True)
    a, b = resolve_author(store.conn, first), resolve_author(store.conn, second)
    try:
        (link_identities if linked else unlink_identities)(store, a, b, cli.analyst, note)
    except ValueError as exc:
        fail(str(exc))
    store.close()
    click.echo(f"{'linked' if linked else 'unlinked'} {sanitize(a.ref)} and {sanitize(b.ref)}")


def _link_command(name: str, linked: bool, doc: str) -> click.Command:
    @click.command(name, help=doc)
    @analyst_option
    @db_option
    @click.argument("first")
    @click.argument("second")
    @click.option("--note", default=None, help="Why (kept with the decision and in the audit log).")
    @pass_cli
    def command(cli: CliContext, first, second, note):
        _link(cli, first, second, note, linked)

    return command


link_cmd = _link_command("link", True, "Record that two accounts (SOURCE:HANDLE) are one person; their profiles merge.")
unlink_cmd = _link_command("unlink", False, "Record that two accounts are not (or no longer taken as) one person.")


@click.command("sentiment")
@db_option
@click.argument("target")
@click.option("--author", "author", default=None, help="Only this author's posts (HANDLE or SOURCE:HANDLE).")
@json_option
@pass_cli
def sentiment_cmd(cli: CliContext, target, author, as_json):
    """Weekly sentiment toward TARGET (a person, organisation or place) in the posts naming it."""
    from ..analytics.authors import resolve_author
    from ..analytics.identity import linked_component
    from ..analytics.render import sentiment_text
    from ..analytics.sentiment import sentiment_trend

    store = cli.open_store(readonly=True, must_exist=True)
    ids = linked_component(store.conn, resolve_author(store.conn, author).id) if author else None
    _answer(store, lambda: sentiment_trend(store.conn, target, ids), as_json, sentiment_text)


@click.command("overview")
@db_option
@json_option
@pass_cli
def overview_cmd(cli: CliContext, as_json):
    """Store-wide: indicator x week, flagged/unreviewed per source, riskiest authors, trends."""
    from ..analytics.overview import overview
    from ..analytics.render import overview_text

    store = _open(cli)
    _refresh(store, terms=True)
    _answer(store, lambda: overview(store), as_json, overview_text)


@click.command("concern")
@db_option
@click.option("--limit", default=20, show_default=True, type=click.IntRange(1), help="Authors to list.")
@json_option
@pass_cli
def concern_cmd(cli: CliContext, limit, as_json):
    """Authors of concern, highest first: concern 0-1, warning behaviours, evidence posts, when it
    last rose. Computed at every analytics refresh (import, collect, analyze)."""
    from ..analytics.concern_report import concern_text, ranked_records

    store = cli.open_store(readonly=True, must_exist=True)
    records = ranked_records(store.conn, limit)
    store.close()
    if as_json:
        click.echo(json.dumps(records, indent=2, ensure_ascii=True))
    else:
        click.echo(concern_text(records))


@click.command("analyze")
@analyst_option
@db_option
@pass_cli
def analyze_cmd(cli: CliContext):
    """Bring the analytics up to date: interaction and term indexes, behaviour-change marks.
    Run after an import or a retag (a retag replaces the behavior_change hits)."""
    from ..analytics.derived import backlog
    from ..analytics.refresh import refresh_analytics
    from ..progress import ProgressLine

    store = cli.open_store(must_exist=True)
    progress = ProgressLine(f"indexing {backlog(store):,} posts")
    result = refresh_analytics(store, on_progress=lambda done, total: progress.update(done, total))
    progress.done()
    counts, changes = result.derived, result.changes
    store.log(cli.analyst, "analyze", "", result.as_detail())
    store.close()
    click.echo(f"indexed {counts.interactions:,} interactions, {counts.posts_counted:,} posts' terms, "
               f"{counts.authors_indexed:,} authors; behaviour change: {changes.authors_changed:,} of "
               f"{changes.authors_checked:,} authors checked, {changes.changes:,} change points, "
               f"{changes.posts_marked:,} posts marked; concern: {result.concern.of_concern:,} author(s) of "
               f"concern, {result.concern.lifted:,} posts lifted into the flagged queue ({result.seconds:.1f} s)")


COMMANDS = (author_cmd, trends_cmd, graph_cmd, link_cmd, unlink_cmd, sentiment_cmd, overview_cmd, concern_cmd,
            analyze_cmd)
