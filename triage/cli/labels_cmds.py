"""`triage labels import FILE`: labels, verdicts and notes from a JSONL export (or Prodigy's
output) back onto the posts they belong to."""

from __future__ import annotations

import sys
from typing import cast

import click

from ..sanitize import sanitize
from .common import CliContext, analyst_option, db_option, fail, pass_cli
from .store_cmds import EXIT_SKIPPED


@click.group("labels")
def labels_group():
    """Labels that come back from other tools."""


@labels_group.command("import")
@analyst_option
@db_option
@click.argument("file", type=click.Path(allow_dash=True, dir_okay=False))
@pass_cli
def labels_import_cmd(cli: CliContext, file):
    """Put the labels, verdicts and notes of FILE (JSONL: this tool's export, Prodigy output;
    gzip accepted; - reads standard input) on the posts they name, by source:external_id or
    by text. No post is created; a value a post already has is not written twice.

    \b
      triage labels import reviewed.jsonl
      prodigy db-out threat_review | triage labels import -
    """
    from ..labels_import import LabelRecord, read_labels
    from ..records import ImportProblem
    from ..store import label_import as q

    name = "<stdin>" if file == "-" else file
    records: list[LabelRecord] = []
    problems: list[ImportProblem] = []
    try:
        for item in read_labels(file, cli.config.dispositions, stdin=sys.stdin.buffer if file == "-" else None):
            if isinstance(item, ImportProblem):
                problems.append(item)
            else:
                records.append(item)
    except FileNotFoundError:
        fail(f"{file}: no such file")
    except OSError as exc:
        fail(f"{file}: {exc.strerror or exc}")
    store = cli.open_store(must_exist=True)
    try:
        # A record with an id always has its source; one without has its text's hash (labels_import).
        by_ref = q.post_ids_by_ref(store.conn, [(cast(str, r.source), r.external_id) for r in records if r.external_id])
        by_text = q.post_ids_by_text_sha256(store.conn, {r.text_sha256 for r in records if r.text_sha256})
        items = []
        for r in records:
            if r.external_id:
                ref = (cast(str, r.source), r.external_id)
                ids = [by_ref[ref]] if ref in by_ref else []
            else:
                ids = by_text.get(cast(str, r.text_sha256), [])
            if len(ids) != 1:
                problems.append(ImportProblem(name, r.line, f"no post {r.ref} in this store" if not ids else
                                              f"text matches {len(ids)} posts: give id \"source:external_id\""))
                continue
            items.append(q.PostLabels(ids[0], r.disposition, r.verdicts,
                                      [(n.body, n.analyst, n.at) for n in r.notes], r.analyst, r.at))
        done = store.import_labels(items, cli.analyst, name)
        store.log(cli.analyst, "labels-import", name, {
            "read": len(records) + sum(1 for p in problems), "matched": len(items), "bad": len(problems),
            "dispositions": done.dispositions, "verdicts": done.verdicts, "notes": done.notes,
            "unchanged": done.unchanged})
    finally:
        store.close()
    for problem in sorted(problems, key=lambda p: p.line):
        click.echo(str(problem), err=True)
    click.echo(sanitize(f"{name}: {len(items):,} posts matched, {done.dispositions:,} dispositions, "
                        f"{done.verdicts:,} verdicts, {done.notes:,} notes written, {done.unchanged:,} already there, "
                        f"{len(problems):,} bad"))
    if problems:
        raise SystemExit(EXIT_SKIPPED)


COMMANDS = (labels_group,)
