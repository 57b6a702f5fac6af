"""Store commands: import, stats, audit verify, tag, retag, label."""

from __future__ import annotations

import contextlib
import json
import sys
from pathlib import Path

import click

from ..sanitize import sanitize
from .common import CliContext, analyst_option, db_option, fail, pass_cli

# Exit status when an import finished but skipped bad records (scripts can tell).
EXIT_SKIPPED = 3
MAX_PRINTED_PROBLEMS = 200


def _importer_for(path: Path, fmt: str, mapping: str, source: str | None, shown: str | None = None):
    from ..collectors.discovery import PluginError, detect_format, file_importer, file_importers
    from ..collectors.field_mapping import parse_mapping

    try:
        name = detect_format(path) if fmt == "auto" else fmt
        cls = file_importer(name)  # with --format, only that importer's plugin is imported
        if cls is None:
            fail(f"--format {name!r}: no such importer (installed: {', '.join(sorted(file_importers()))})")
        options: dict[str, object] = {"path": str(path)}
        if mapping:
            if "map" not in cls.options_schema:
                fail(f"--map does not apply to the {name} importer")
            options["map"] = parse_mapping(mapping)
        if source and "source" in cls.options_schema:
            options["source"] = source
        return cls(options)
    except PluginError as exc:
        fail(sanitize(str(exc).replace(str(path), shown or str(path))))


def _reads_compressed(given: str, fmt: str) -> bool:
    """Whether the importer for this file decompresses it itself (a Reddit .zst dump)."""
    from ..collectors.discovery import PluginError, detect_format, file_importer

    if given == "-":
        return False
    try:
        name = detect_format(Path(given)) if fmt == "auto" else fmt
        return getattr(file_importer(name), "reads_compressed", False)
    except (PluginError, OSError):
        return False


@click.command("import")
@analyst_option
@db_option
@click.argument("files", nargs=-1, required=True, type=click.Path(exists=True, allow_dash=True))
@click.option("--format", "fmt", default="auto", show_default=True,
              help="Importer: auto, jsonl, csv, or any installed importer's format.")
@click.option("--map", "mapping", default="", help="Field mapping, e.g. text=body,author=user.screen_name")
@click.option("--source", default=None, help="Source name for records that do not carry one.")
@click.option("--strict", is_flag=True, help="Stop at the first bad record (what was committed stays).")
@click.option("--no-tag", is_flag=True, help="Store only; tag later with `triage tag`.")
@click.option("--batch-size", default=2000, show_default=True, type=click.IntRange(1, 100_000))
@click.option("--alert-cmd", default=None, metavar="CMD",
              help="Shell command run per newly flagged post and per author crossing the concern threshold, "
                   "with JSON on stdin.")
@click.option("--alert-threshold", type=click.FloatRange(0, 1), default=None,
              help="Alert only for flagged posts with at least this score (default: every flagged post).")
@click.option("--quiet", "-q", is_flag=True, help="No summary lines.")
@pass_cli
def import_cmd(cli: CliContext, files, fmt, mapping, source, strict, no_tag, batch_size, alert_cmd, alert_threshold,
               quiet):
    """Import posts from FILES (streamed, committed in batches, idempotent).

    Bad records are reported as FILE:LINE: REASON and skipped; the exit status is then 3.
    """
    if alert_cmd and no_tag:
        fail("--alert-cmd needs tagging: drop --no-tag")
    alert = None
    if alert_cmd:
        from ..collectors.live import AlertCommand

        alert = AlertCommand(alert_cmd, alert_threshold)
    with contextlib.ExitStack() as inputs:
        _import(cli, inputs, files, fmt, mapping, source, strict, no_tag, batch_size, alert, quiet)


def _import(cli: CliContext, inputs: contextlib.ExitStack, files: tuple[str, ...], fmt: str, mapping: str,
            source: str | None, strict: bool, no_tag: bool, batch_size: int, alert, quiet: bool) -> None:
    from ..import_input import STDIN_NAME, readable
    from ..collectors.runner import RunSummary, StrictStop, run_collector
    from ..progress import ProgressLine
    from ..store import StoreError

    if list(files).count("-") > 1:
        fail("standard input (-) can be read once")
    # stdin and compressed files become plain files an importer can read (import_input).
    try:
        readables = [inputs.enter_context(readable(f, cli.staging_dir(), sys.stdin.buffer,
                                                   keep_compressed=_reads_compressed(f, fmt))) for f in files]
    except Exception as exc:  # a truncated gzip, a corrupt zstd frame, a full disk: one line, no traceback
        fail(sanitize(f"reading input: {getattr(exc, 'strerror', None) or exc}"))
    collectors = [(path, shown, _importer_for(path, fmt, mapping, source, shown)) for path, shown in readables]
    store = cli.open_store()
    tagger = None
    if not no_tag:
        from ..tagging import make_tagger

        tagger = make_tagger(cli.config.threshold, workers=cli.config.tag_workers)
    printed = 0
    any_problem = False

    def report(problem) -> None:
        nonlocal printed
        printed += 1
        if problem.path == str(current[0]):  # a spooled or decompressed copy: name the input as given
            problem.path = current[1]
        if printed <= MAX_PRINTED_PROBLEMS:
            progress.done()
            click.echo(str(problem), err=True)
        elif printed == MAX_PRINTED_PROBLEMS + 1:
            click.echo("(more bad records: not printed; see the summary)", err=True)

    current: list = [None, None]
    for path, shown, collector in collectors:
        current[:] = [path, shown]
        progress = ProgressLine(f"importing {Path(shown).name}")

        def show_progress(done: int, total: int | None, s: RunSummary, progress: ProgressLine = progress) -> None:
            progress.update(done, total, f"{s.added:,} new")

        try:
            summary, _ = run_collector(
                store, collector, batch_size=batch_size, strict=strict, tagger=tagger, on_problem=report,
                limits=cli.config.record_limits(),
                on_progress=show_progress,
            )
        except StrictStop as stop:
            progress.done()
            if stop.problem.path == str(path):
                stop.problem.path = shown
            store.log(cli.analyst, "import-stopped", shown, {"at": str(stop.problem)})
            fail(f"stopped at {stop.problem} (--strict); posts before it are stored")
        except OSError as exc:
            progress.done()
            fail(sanitize(f"{shown}: {exc.strerror or exc}"))
        except StoreError as exc:  # StoreFull: the disk filled up; committed batches are intact
            progress.done()
            fail(sanitize(f"importing {shown}: {exc}"))
        progress.done()
        any_problem |= summary.problem_count > 0
        if alert is not None:
            alert.send_posts(store, summary.new_flagged_ids, {"file": shown})
        given = Path(shown)
        store.log(cli.analyst, "import", shown if shown == STDIN_NAME else str(given.resolve()), {
            "format": collector.name, "read": summary.read, "added": summary.added,
            "bad": summary.problem_count, "size": (path if shown == STDIN_NAME else given).stat().st_size,
            "detector": tagger.version if tagger else None,
            "tag_processes": tagger.processes_used if tagger else None,
        })
        if summary.tag_failed:
            click.echo(sanitize(f"{shown}: {summary.tag_failed:,} posts stored but not tagged ({summary.tag_error}); "
                                "the next import or `triage tag` tags them"), err=True)
        if not quiet:
            rate = summary.read / summary.seconds if summary.seconds else 0
            line = (f"{sanitize(shown)}: {summary.read:,} read, {summary.added:,} added, {summary.duplicates:,} already stored, "
                    f"{summary.problem_count:,} bad")
            if tagger:
                line += f"; {summary.flagged:,} flagged"
            click.echo(f"{line} ({summary.seconds:.1f} s, {rate:,.0f} posts/s)")
    if tagger is not None:
        _tag_leftovers(store, tagger, quiet)
        tagger.close()
        crossed = _refresh_analytics(cli, store, quiet)
        if alert is not None:
            alert.send_authors(store, crossed, {"file": ", ".join(str(f) for f in files)})
            for message in alert.errors[:10]:
                click.echo(f"triage: warning: {message}", err=True)
            if not quiet and alert.sent:
                click.echo(f"{alert.sent} alert(s) sent")
    store.close()
    if any_problem:
        raise SystemExit(EXIT_SKIPPED)


def _tag_leftovers(store, tagger, quiet: bool) -> None:
    """Posts an earlier run stored but never tagged (killed after a batch, or a batch whose
    tagging failed) would otherwise never reach the queue: every import takes them along."""
    from ..store import queries

    waiting = queries.untagged_count(store.conn)
    if not waiting:
        return
    try:
        counts = tagger.tag_untagged(store)
    except Exception as exc:  # noqa: BLE001 - the import itself is done; say so and go on
        click.echo(f"triage: {waiting:,} posts remain untagged ({type(exc).__name__}: {str(exc)[:200]}); "
                   "run `triage tag`", err=True)
        return
    if not quiet:
        click.echo(f"tagged {counts.tagged:,} posts left untagged by an earlier run, {counts.flagged:,} flagged")


def _refresh_analytics(cli: CliContext, store, quiet: bool = False) -> list[int]:
    """Keep trends, the overview, behaviour-change marks and author concern in step with the
    posts and tags. Returns the authors whose concern crossed the threshold."""
    from ..analytics.refresh import refresh_analytics
    from ..progress import ProgressLine

    progress = ProgressLine("analytics")
    result = refresh_analytics(store, on_progress=lambda done, total: progress.update(done, total))
    progress.done()
    store.log(cli.analyst, "analyze", "", result.as_detail())
    if not quiet and result.changes.changes:
        click.echo(f"behaviour change: {result.changes.authors_changed:,} author(s), "
                   f"{result.changes.posts_marked:,} posts marked")
    if not quiet and result.concern.crossed:
        click.echo(f"author concern: {len(result.concern.crossed):,} author(s) rose to the concern threshold "
                   "(`triage concern`)")
    return result.concern.crossed


@click.command("stats")
@db_option
@click.option("--json", "as_json", is_flag=True, help="Machine-readable output.")
@pass_cli
def stats_cmd(cli: CliContext, as_json):
    """Counts by source, indicator and label state."""
    from ..store import queries

    store = cli.open_store(readonly=True, must_exist=True)
    st = queries.stats(store.conn)
    store.close()
    if as_json:
        click.echo(json.dumps({"db": str(cli.db_path()), **st.as_dict()}, indent=2))
        return
    click.echo(render_stats(st, cli.db_path()))


def render_stats(st, path) -> str:
    lines = [
        f"store      {path}",
        f"posts      {st.posts:,}  ({st.untagged:,} not yet tagged)",
        f"authors    {st.authors:,}",
        f"flagged    {st.flagged:,}  ({st.unreviewed:,} unreviewed)",
        f"labeled    {st.labeled:,}",
    ]
    for title, counts in (("by source", st.by_source), ("by indicator", st.by_indicator),
                          ("by label", st.by_disposition)):
        if counts:
            lines.append(f"{title}:")
            # A source name comes from the imported file (or a plugin): shown sanitized, never raw.
            lines += [f"  {sanitize(str(name)):<24} {n:>9,}" for name, n in counts.items()]
    return "\n".join(lines)


@click.group("audit")
def audit_group():
    """The audit log (hash chain) and the custody of posts, labels, verdicts and notes."""


@audit_group.command("verify")
@db_option
@click.option("--head", "expected_head", default=None,
              help="An anchor line kept from `triage audit head`: the store must still contain that state.")
@pass_cli
def audit_verify(cli: CliContext, expected_head):
    """Walk the audit hash chain, recompute the running hash of posts, labels, verdicts and
    notes, check every post's raw capture against its SHA-256, and the keyed anchor."""
    store = cli.open_store(readonly=True, must_exist=True)
    try:
        report = store.verify_audit()
        custody_report = store.verify_custody() if report.ok else None
        kept = _kept_head_problem(store, expected_head) if expected_head else None
    finally:
        store.close()
    if not report.ok:
        fail(f"audit chain broken at row {report.broken_at}: {report.reason}")
    assert custody_report is not None  # custody is verified whenever the chain is ok
    problems = custody_report.problems + ([kept] if kept else [])
    for problem in problems[:-1]:
        click.echo(f"triage: {sanitize(problem)}", err=True)
    if problems:
        fail(problems[-1])
    tables = ", ".join(f"{n:,} {t}" for t, n in custody_report.tables.items())
    click.echo(f"audit chain ok: {report.rows:,} rows verified; custody ok: {tables}; "
               f"{custody_report.raw_checked:,} raw captures match their SHA-256; anchor ok")


def _kept_head_problem(store, expected: str) -> str | None:
    """A kept anchor names an audit row and its hash: that row must still be in the chain."""
    from ..store.audit import stored_hash

    parts = expected.split()
    try:
        row_id, digest = int(parts[parts.index("row") + 1]), parts[parts.index("sha256") + 1]
    except (ValueError, IndexError):
        return "--head: not an anchor line from `triage audit head`"
    if stored_hash(store.conn, row_id) != digest:
        return f"--head: audit row {row_id} with that hash is not in this store (rolled back or rewritten)"
    return None


@audit_group.command("head")
@db_option
@pass_cli
def audit_head(cli: CliContext):
    """Print the anchor line (audit head and custody MAC) to keep outside the station."""
    store = cli.open_store(readonly=True, must_exist=True)
    line = store.anchor_line()
    store.close()
    click.echo(line)


@audit_group.command("seal")
@analyst_option
@db_option
@pass_cli
def audit_seal(cli: CliContext):
    """Anchor the store's current state with this station's custody key (a store made before
    custody existed, or one written while no keyring backend was available)."""
    store = cli.open_store(must_exist=True)
    store.seal(cli.analyst)
    if store.custody_key() is None:
        store.close()
        fail(f"not anchored: {store.custody_key_problem}")
    line = store.anchor_line()
    store.close()
    click.echo(line)


def _run_tagging(cli: CliContext, everything: bool):
    from ..progress import ProgressLine
    from ..tagging import make_tagger

    store = cli.open_store(must_exist=True)
    tagger = make_tagger(cli.config.threshold, workers=cli.config.tag_workers)
    progress = ProgressLine("retagging" if everything else "tagging")
    run = tagger.retag_all if everything else tagger.tag_untagged
    with tagger:
        counts = run(store, on_progress=lambda done, total: progress.update(done, total))
    progress.done()
    store.log(cli.analyst, "retag" if everything else "tag", "", {
        "tagged": counts.tagged, "flagged": counts.flagged, "hits_changed": counts.hits_changed,
        "detector": tagger.version, "tag_processes": tagger.processes_used})
    _refresh_analytics(cli, store)  # a retag replaced the behavior_change hits: put them back
    store.close()
    return counts, tagger.version


@click.command("tag")
@analyst_option
@db_option
@pass_cli
def tag_cmd(cli: CliContext):
    """Tag posts the detector has not seen yet."""
    counts, version = _run_tagging(cli, everything=False)
    click.echo(f"tagged {counts.tagged:,} posts, {counts.flagged:,} flagged (detector {version})")


@click.command("retag")
@analyst_option
@db_option
@pass_cli
def retag_cmd(cli: CliContext):
    """Re-run the detector on every post (after patterns or the model changed)."""
    counts, version = _run_tagging(cli, everything=True)
    click.echo(f"retagged {counts.tagged:,} posts, {counts.flagged:,} flagged; "
               f"{counts.hits_changed:,} hits changed (detector {version})")


def _parse_verdicts(values) -> list[tuple[str, int]]:
    from ..indicators import INDICATORS

    out = []
    for value in values:
        name, sep, verdict = value.partition("=")
        if not sep or verdict not in ("0", "1") or name not in INDICATORS:
            fail(f"--indicator {value!r}: expected INDICATOR=0|1 with INDICATOR one of {', '.join(INDICATORS)}")
        out.append((name, int(verdict)))
    return out


@click.command("label")
@analyst_option
@db_option
@click.argument("posts", nargs=-1, required=True)
@click.option("--as", "disposition", default=None, help="Disposition, e.g. escalate, monitor, benign, unclear.")
@click.option("--indicator", "indicators", multiple=True, help="Verdict INDICATOR=1 (confirm) or =0 (reject).")
@click.option("--note", default=None, help="Add a note.")
@pass_cli
def label_cmd(cli: CliContext, posts, disposition, indicators, note):
    """Label POSTS (store id or source:external_id) from scripts."""
    from ..store import UnknownPost

    if disposition is None and not indicators and note is None:
        fail("nothing to do: give --as, --indicator or --note")
    if disposition is not None and disposition not in cli.config.dispositions:
        fail(f"--as {disposition!r}: not a disposition ({', '.join(cli.config.dispositions)}; set them in the config)")
    verdicts = _parse_verdicts(indicators)
    store = cli.open_store(must_exist=True)
    try:
        ids = [store.resolve_post(p) for p in posts]
    except UnknownPost as exc:
        fail(str(exc))
    store.label_posts(ids, cli.analyst, disposition=disposition, verdicts=verdicts, note=note)
    store.close()
    click.echo(f"labeled {len(ids)} post(s)")


COMMANDS = (import_cmd, stats_cmd, audit_group, tag_cmd, retag_cmd, label_cmd)
