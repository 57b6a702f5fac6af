"""`triage bundle export|import`: labels, verdicts, notes and identity links carried between
air-gapped stations as a hash-sealed directory (``triage.bundle``)."""

from __future__ import annotations

from pathlib import Path

import click

from ..sanitize import sanitize
from .common import analyst_option, CliContext, db_option, fail, pass_cli
from .store_cmds import EXIT_SKIPPED

CONFLICTS_SHOWN = 20  # named one a line; the review queue lists every one
_UNSIGNED = ("unsigned: no bundle-key on this station (the same `triage secret set bundle-key` on every "
             "station signs and checks bundles)")


@click.group("bundle")
def bundle_group():
    """Air-gapped stations: carry decisions between stores as sealed bundles."""


def _say(text: str, err: bool = False) -> None:
    # Analyst names, handles and post ids come from other stations: never raw to the terminal.
    click.echo(sanitize(text), err=err)


def _more(items: list, shown: int) -> str:
    return f" and {len(items) - shown:,} more" if len(items) > shown else ""


@bundle_group.command("export")
@db_option
@analyst_option
@click.argument("out", type=click.Path(file_okay=False))
@click.option("--of", "whose", default=None, metavar="NAME",
              help="Whose rows go in (default: yours, as --analyst names you).")
@click.option("--since-last/--all", "since_last", default=True,
              help="Only what is new since this station's last bundle for the analyst (default), or everything.")
@pass_cli
def bundle_export_cmd(cli: CliContext, out: str, whose: str | None, since_last: bool):
    """Write the analyst's labels, verdicts, notes, identity links and audit rows into the new
    directory OUT, with manifest.json (SHA-256 of every file; the bundle id seals the manifest).

    \b
      triage bundle export /media/usb/ana-2026-05-30
      triage bundle export --all --of bob /media/usb/bob-full
    """
    from ..bundle.exporter import export_bundle
    from ..bundle.team_key import team_key

    store = cli.open_store(must_exist=True)
    try:
        result = export_bundle(store, Path(out), whose or cli.analyst, cli.analyst, since_last, team_key())
    except OSError as exc:  # the stick is full, read-only, pulled out: nothing was logged
        fail(f"{exc.filename or out}: cannot write the bundle ({exc.strerror or exc}); nothing exported")
    finally:
        store.close()
    if result.path is None:
        _say(f"nothing new from {result.analyst} since the last bundle; no bundle written")
        return
    c = result.counts
    _say(f"{out}: bundle of {result.analyst}: {c['labels']:,} labels, {c['verdicts']:,} verdicts, "
         f"{c['notes']:,} notes, {c['identity_links']:,} identity links on {c['posts']:,} posts, "
         f"{c['audit']:,} audit rows")
    _say(f"bundle id {result.bundle_id} (station {result.station}); read it to the importing station to compare")
    _say("signed with the team's bundle-key" if result.signed else _UNSIGNED)


@bundle_group.command("import")
@db_option
@analyst_option
@click.argument("bundle", type=click.Path(file_okay=False))
@pass_cli
def bundle_import_cmd(cli: CliContext, bundle: str):
    """Verify the bundle BUNDLE whole (every file's SHA-256, the manifest's seal and signature,
    every record, the audit chain) and merge it: each row keeps its analyst and time; nothing is overwritten; a
    bundle imported twice adds nothing. A bundle that does not verify is refused whole.

    \b
      triage bundle import /media/usb/ana-2026-05-30
    """
    from ..bundle.importer import SHOWN, import_bundle
    from ..bundle.manifest import BundleRefused
    from ..bundle.team_key import team_key

    store = cli.open_store(must_exist=True)
    try:
        report = import_bundle(store, Path(bundle), cli.analyst, team_key())
    except BundleRefused as exc:
        if len(exc.problems) == 1:
            fail(f"{bundle}: {exc.problems[0]}: bundle refused, nothing imported")
        for problem in exc.problems[:200]:
            _say(f"{bundle}: {problem}", err=True)
        fail(f"{bundle}: {len(exc.problems):,} problems: bundle refused, nothing imported")
    except OSError as exc:  # an unreadable file or a stick pulled out mid-read: before any write
        fail(f"{exc.filename or bundle}: cannot read the bundle ({exc.strerror or exc}); nothing imported")
    finally:
        store.close()
    m, a = report.manifest, report.added
    if report.earlier_import:
        from ..timeparse import iso_utc

        _say(f"{bundle}: imported before ({iso_utc(report.earlier_import[0])} by {report.earlier_import[1]})")
    _say(f"{bundle}: bundle of {m.analyst} from station {m.station}: {a['labels']:,} labels, {a['verdicts']:,} "
         f"verdicts, {a['notes']:,} notes, {a['identity_links']:,} identity links added, "
         f"{report.already_there:,} already here, {a['audit']:,} audit rows kept")
    _say({"verified": "signature verified with the team's bundle-key",
          "unchecked": "signed, but not checked: this station has no bundle-key",
          "unsigned": _UNSIGNED}[report.signature])
    if report.missing_posts or report.missing_accounts:
        missing = [str(ref) for ref in report.missing_posts] + [f"{s}:{h}" for s, h in report.missing_accounts]
        _say(f"{report.waiting:,} rows wait for {len(report.missing_posts):,} posts and "
             f"{len(report.missing_accounts):,} accounts this store does not have "
             f"({', '.join(missing[:SHOWN])}{_more(missing, SHOWN)}): import them, then this bundle again")
    if report.differing:
        _say(f"{len(report.differing):,} posts have another text here than on the exporting station: "
             + ", ".join(map(str, report.differing[:SHOWN])) + _more(report.differing, SHOWN))
    if report.chain_note:
        _say(report.chain_note)
    for conflict in report.conflicts[:CONFLICTS_SHOWN]:
        others = ", ".join(f"{who} {what}" for who, what in conflict.others)
        _say(f"conflict {conflict.ref}: {conflict.analyst} {conflict.disposition}, {others}")
    if report.conflicts:
        _say(f"{len(report.conflicts):,} conflicts (where {m.analyst}'s latest disposition differs from another "
             "analyst's): both decisions are kept; the review queue lists them")
    if report.waiting:
        raise SystemExit(EXIT_SKIPPED)


COMMANDS = (bundle_group,)
