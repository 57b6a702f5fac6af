"""`triage export`: labeled sets (JSONL, spaCy DocBin, CSV) and case reports, each with a
manifest; `triage export verify DIR` re-checks one."""

from __future__ import annotations

import click

from .common import CliContext, analyst_option, db_option, fail, pass_cli

FORMAT_CHOICES = ("jsonl", "docbin", "csv", "report", "stix", "misp")  # triage.export.FORMATS, without importing it here
TLP_CHOICES = ("clear", "green", "amber", "amber+strict", "red")  # triage.export.TLP_LEVELS


def _split_list(values) -> tuple[str, ...]:
    """Repeated options and comma lists alike: --source a --source b,c."""
    return tuple(v.strip() for value in values for v in value.split(",") if v.strip())


@click.group("export", invoke_without_command=True)
@analyst_option
@db_option
@click.option("--format", "fmt", type=click.Choice(FORMAT_CHOICES), help="What to write.")
@click.option("--out", "out_dir", type=click.Path(file_okay=False), help="A new (or empty) directory.")
@click.option("--labeled", "label_state", flag_value="labeled",
              help="Labeled posts only (the default, unless --ids is given).")
@click.option("--unlabeled", "label_state", flag_value="unlabeled", help="Unlabeled posts only.")
@click.option("--any-label", "label_state", flag_value="any", help="Labeled or not.")
@click.option("--disposition", "dispositions", multiple=True, help="Current disposition (repeat, or a,b).")
@click.option("--indicator", "indicators", multiple=True, help="Detector hit or confirmed verdict (repeat, or a,b).")
@click.option("--source", "sources", multiple=True, help="Source name (repeat, or a,b).")
@click.option("--author", "authors", multiple=True, help="Author handle (repeat, or a,b).")
@click.option("--since", default=None, help="From this time (epoch seconds or ISO date/time, UTC).")
@click.option("--until", default=None, help="Before this time; a bare date includes that day.")
@click.option("--min-score", type=float, default=None, help="Risk score at least this.")
@click.option("--ids", default=None, help="Posts by store id or source:external_id, comma-separated.")
@click.option("--dev-fraction", type=click.FloatRange(0, 1, max_open=True), default=0.2, show_default=True,
              help="Share of labeled sets that goes to dev.")
@click.option("--pseudonymize", is_flag=True, help="Replace handles, ids, mentions and urls by keyed pseudonyms.")
@click.option("--tlp", type=click.Choice(TLP_CHOICES), default="amber", show_default=True,
              help="TLP 2.0 marking of a stix, misp or report export.")
@click.option("--title", default=None, help='The report\'s case title (default "Case report").')
@pass_cli
@click.pass_context
def export_group(ctx: click.Context, cli: CliContext, fmt, out_dir, label_state, dispositions, indicators, sources,
                 authors, since, until, min_score, ids, dev_fraction, pseudonymize, tlp, title):
    """Export posts as jsonl, docbin, csv, report, stix or misp into a new directory, with a manifest.

    \b
      triage export --format jsonl --out sets/2026-05 --disposition escalate,benign
      triage export --format report --out case-17 --ids 12,40,41 --title "Case 17" --tlp amber
      triage export --format stix --out share/case-17 --ids 12,40,41 --tlp green
      triage export --format misp --out share/case-17-misp --ids 12,40,41
      triage export verify sets/2026-05
    """
    if ctx.invoked_subcommand is not None:
        return
    if not fmt or not out_dir:
        fail("give --format and --out (or `triage export verify DIR`)")
    from ..export import ExportFilter, parse_time_bound, run_export

    store = cli.open_store(must_exist=True)
    try:
        post_ids = None
        if ids is not None:
            post_ids = tuple(dict.fromkeys(store.resolve_post(ref) for ref in _split_list([ids])))
            if not post_ids:
                fail("--ids: no post given")
        flt = ExportFilter(
            label_state=label_state, dispositions=_split_list(dispositions), indicators=_split_list(indicators),
            sources=_split_list(sources), authors=_split_list(authors),
            since=None if since is None else parse_time_bound(since),
            until=None if until is None else parse_time_bound(until, end_of_day=True),
            min_score=min_score, post_ids=post_ids,
        )
        result = run_export(store, fmt, out_dir, flt, analyst=cli.analyst, dev_fraction=dev_fraction,
                            pseudonymize=pseudonymize, tlp=tlp, title=title)
    finally:
        store.close()
    split = f" ({result.train:,} train, {result.dev:,} dev)" if result.train is not None else ""
    marking = f" marked TLP:{tlp.upper()}" if "tlp" in result.manifest else ""
    click.echo(f"exported {result.posts:,} posts{split} as {fmt}{marking} to {result.directory}"
               f"{' (pseudonymized)' if pseudonymize else ''}; {len(result.files)} files in manifest.json")


@export_group.command("verify")
@db_option
@click.argument("directory", type=click.Path(file_okay=False))
@click.option("--files-only", is_flag=True,
              help="Check the files against manifest.json only (a recipient without the exporting store).")
@pass_cli
def verify_cmd(cli: CliContext, directory, files_only):
    """Re-check an export's files against its manifest.json and the manifest against the
    store's audit log: a manifest that is not there (edited, or from another store) fails."""
    from ..export import verify

    report = verify(directory)
    for problem in report.problems:
        click.echo(f"{directory}: {problem}", err=True)
    if not report.ok:
        fail(f"{directory}: export does not verify ({len(report.problems)} problem(s))")
    click.echo(f"{directory}: {report.checked} files match manifest.json")
    if files_only:
        click.echo(f"{directory}: manifest.json not checked against a store (--files-only)")
        return
    if not cli.db_path().exists():
        fail(f"{directory}: no store at {cli.db_path()} to check manifest.json against "
             "(give --db, or --files-only to check the files alone)")
    assert report.manifest_sha256 is not None  # set whenever the manifest was read, which ok implies
    click.echo(f"{directory}: {_audit_note(cli, report.manifest_sha256)}")


def _audit_note(cli: CliContext, manifest_sha256: str) -> str:
    from ..export.selection import iso_utc
    from ..store import export_queries

    store = cli.open_store(readonly=True)
    try:
        row = export_queries.export_audit_row(store.conn, manifest_sha256)
    finally:
        store.close()
    if row is None:
        fail("manifest.json is not in this store's audit log: it was edited after the export, or the "
             "export comes from another store (--files-only checks the files alone)")
    return f"manifest.json matches audit row {row.id} (export by {row.analyst} at {iso_utc(int(row.at))})"


COMMANDS = (export_group,)
