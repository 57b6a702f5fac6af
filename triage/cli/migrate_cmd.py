"""`triage migrate --to URL`: copy the store (--db) whole into another, e.g. a team's PostgreSQL."""

from __future__ import annotations

import click

from .common import CliContext, db_option, fail, pass_cli


@click.command("migrate")
@db_option
@click.option("--to", "target", required=True, metavar="URL|PATH",
              help="The store to copy into: a postgresql:// URL (or a new SQLite file). It must hold no posts.")
@pass_cli
def migrate_cmd(cli: CliContext, target: str):
    """Copy this store (--db) whole into an empty one, ids and audit chain kept; the copy is
    verified (audit chain and custody) before the command says it is done. The source is only read."""
    from ..db_location import parse_db
    from ..store import Store
    from ..store.copy import CopyError, copy_store

    dst_location = parse_db(target, "--to")
    src = cli.open_store(readonly=True, must_exist=True)
    if str(dst_location) == str(cli.db_path()):
        fail("--to names the store being copied")
    try:
        dst = Store.open(dst_location)
    except Exception:
        src.close()
        raise
    try:
        try:
            report = copy_store(src, dst, on_table=lambda t, n: click.echo(f"  {t:<18} {n:>12,} rows"))
        except CopyError as exc:
            fail(f"{dst_location}: {exc}")
        chain, custody = dst.verify_audit(), dst.verify_custody()
        if not chain.ok:
            fail(f"the copy's audit chain does not verify at row {chain.broken_at}: {chain.reason}")
        # "anchor not checked" (no keyring backend here) is not the copy's fault; anything else is.
        broken = [p for p in custody.problems if not p.startswith("custody anchor not checked")]
        if broken:
            fail(f"the copy's custody does not verify: {broken[0]}")
        dst.log(cli.analyst, "migrate-from", str(cli.db_path()), {"rows": report.rows})
    finally:
        src.close()
        dst.close()
    click.echo(f"copied {report.total:,} rows into {dst_location}; audit chain ok ({chain.rows:,} rows), custody ok")


COMMANDS = (migrate_cmd,)
