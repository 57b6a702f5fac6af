"""``triage bundle export``: one analyst's labels, verdicts, notes and identity links, with the
audit rows since the last bundle, as a directory of JSONL files sealed by ``manifest.json``.

Since-last leaves out the rows earlier bundles carried (``bundle_exported``, one row each) and
takes the audit rows after the analyst's mark in ``meta``; both are written in the transaction
that logs the export. The bundle directory is complete (renamed from a hidden name) before
that; a crash between the two leaves them behind, and the next bundle repeats rows, which an
import skips by their (station, table, id) key.
"""

from __future__ import annotations

import json
import os
import shutil
import time
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Iterable

from .. import __version__
from ..errors import TriageError
from ..partial_files import partial_path, sweep
from ..store import audit
from ..store import bundle_queries as q
from ..store.bundle_rows import AuditRow
from ..store.schema import SCHEMA_VERSION
from ..timeparse import iso_utc
from . import manifest


class BundleError(TriageError, ValueError):
    pass


@dataclass
class ExportResult:
    path: Path | None  # None: nothing new to carry, no bundle written
    analyst: str
    station: str = ""
    bundle_id: str = ""
    manifest_sha256: str = ""
    counts: dict[str, int] = field(default_factory=dict)
    audit: manifest.AuditSpan = field(default_factory=manifest.AuditSpan)
    signed: bool = False


def _fields(row) -> dict:
    """A flat row dataclass as a dict (``asdict`` deep-copies every value: 5x slower here)."""
    return dict(vars(row))


def _carried(row: AuditRow, analyst: str) -> dict:
    """The analyst's own rows whole; another analyst's as id and hashes, so the chain links."""
    if row.analyst == analyst:
        return {**_fields(row), "target": row.target or ""}  # the hash reads a missing target as ""
    return {"id": row.id, "prev_hash": row.prev_hash, "hash": row.hash, "withheld": True}


def _write_jsonl(path: Path, rows: Iterable[dict]) -> None:
    with open(path, "w", encoding="utf-8", newline="\n") as fh:
        for row in rows:
            fh.write(json.dumps(row, ensure_ascii=False, separators=(",", ":")) + "\n")


def export_bundle(store, out: Path, analyst: str, actor: str, since_last: bool = True,
                  key: bytes | None = None) -> ExportResult:
    """Write the bundle of ``analyst``'s rows to the new directory ``out``; ``actor`` is who runs
    the export (the audit row's analyst). ``since_last`` False carries everything; ``key`` (the
    team's bundle-key) signs it."""
    if out.exists():
        raise BundleError(f"{out}: already exists; give a new directory for the bundle")
    if not out.parent.is_dir():
        raise BundleError(f"{out.parent}: no such directory")
    with store.transaction() as conn:
        station = q.ensure_station_id(conn)
    conn = store.conn
    audit_after = q.audit_mark(conn, analyst) if since_last else 0
    heads = q.table_heads(conn)
    labels = q.labels_since(conn, analyst, heads["labels"], since_last)
    verdicts = q.verdicts_since(conn, analyst, heads["verdicts"], since_last)
    notes = q.notes_since(conn, analyst, heads["notes"], since_last)
    links = q.links_since(conn, analyst, heads["identity_links"], since_last)
    if not (labels or verdicts or notes or links):
        return ExportResult(None, analyst, station)
    rows = q.audit_rows(conn, audit_after, heads["audit"])
    span = manifest.AuditSpan(rows[0].id, rows[-1].id, rows[0].prev_hash, rows[-1].hash) if rows \
        else manifest.AuditSpan()
    posts = q.bundle_posts(conn, [pid for pid, _ in labels] + [pid for pid, _ in verdicts] + [pid for pid, _ in notes])
    counts = {"posts": len(posts), "labels": len(labels), "verdicts": len(verdicts), "notes": len(notes),
              "identity_links": len(links), "audit": len(rows)}
    now = time.time()

    sweep(out.parent)
    work = partial_path(out.parent, f"{out.name}.partial")
    os.mkdir(work, 0o700)  # labels and notes on threats: not for other users of the machine
    try:
        _write_jsonl(work / "posts.jsonl", map(_fields, posts))
        _write_jsonl(work / "labels.jsonl", (_fields(r) for _, r in labels))
        _write_jsonl(work / "verdicts.jsonl", (_fields(r) for _, r in verdicts))
        _write_jsonl(work / "notes.jsonl", (_fields(r) for _, r in notes))
        _write_jsonl(work / "identity_links.jsonl", map(_fields, links))
        _write_jsonl(work / "audit.jsonl", (_carried(r, analyst) for r in rows))
        bundle_id, manifest_sha = manifest.write(work, {
            "station": station, "analyst": analyst, "created_at": now, "created": iso_utc(now),
            "exported_by": actor, "schema_version": SCHEMA_VERSION,
            "tool": {"name": "triage", "version": __version__},
            "since_last": since_last, "heads": heads,
            "counts": counts, "audit": asdict(span)}, key)
        os.rename(work, out)
    except BaseException:  # a full stick, ctrl-c: no half bundle left under the hidden name
        shutil.rmtree(work, ignore_errors=True)
        raise
    with store.transaction() as conn:
        audit.append(conn, actor, "bundle-export", str(out), {
            "bundle_id": bundle_id, "manifest_sha256": manifest_sha, "analyst": analyst, "counts": counts,
            "audit": asdict(span), "since_last": since_last, "signed": key is not None})
        q.set_audit_mark(conn, analyst, max(heads["audit"], q.audit_mark(conn, analyst)))
        for table, carried in (("labels", [r.id for _, r in labels]), ("verdicts", [r.id for _, r in verdicts]),
                               ("notes", [r.id for _, r in notes]), ("identity_links", [r.id for r in links])):
            q.remember_exported(conn, table, carried, bundle_id)
    return ExportResult(out, analyst, station, bundle_id, manifest_sha, counts, span, key is not None)
