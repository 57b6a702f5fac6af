"""``triage bundle import``: check a bundle whole, then merge it in one transaction.

Checked before anything is written, any failure refusing the whole bundle (``BundleRefused``,
each problem one line naming the file and line): the manifest's seal and every file's SHA-256
(``manifest.verify``); the signature, when this station has the team's bundle-key; every
record, by type, size and range (``records.parse_*``); that every row is the bundle analyst's,
names a post the bundle describes and comes in id order; that the counts are the manifest's;
and that the audit rows are one unbroken piece of the exporting station's chain (``chain``),
which also joins what this store already holds from that station. A bad record in a
hash-sealed bundle is not a typo to skip: the exporter wrote it or someone changed the bundle
and resealed it, so the bundle is refused, not partly taken.

Merged: each row keeps its analyst and original time and is appended (the tables are
append-only, so neither side's decisions are lost); its key (station, table, id on that station)
is remembered, so the same bundle imported twice adds nothing. Posts are found by
``(source, external_id)``; rows on posts this store does not have are not written and are
counted: the bundle holds no raw evidence copy, so it cannot create posts. Import the posts
(``triage import``), then the bundle again: only what is new is added.
"""

from __future__ import annotations

import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable, Sequence, TypeVar

from ..store import audit
from ..store import bundle_queries as q
from . import chain, manifest
from .manifest import BundleRefused, Manifest
from ..store.bundle_rows import AuditRow, BundlePost, LabelRow, LinkRow, NoteRow, PostRef, VerdictRow
from .records import (FileProblem, parse_audit, parse_label, parse_link, parse_note, parse_post, parse_verdict,
                      read_jsonl)

SHOWN = 5  # problems and refs named in a refusal or report before "and N more"
T = TypeVar("T")


@dataclass
class BundleContent:
    posts: list[BundlePost]
    labels: list[LabelRow]
    verdicts: list[VerdictRow]
    notes: list[NoteRow]
    links: list[LinkRow]
    audit: list[AuditRow]


@dataclass
class Conflict:
    """A post where the bundle analyst's latest disposition differs from another analyst's."""

    ref: PostRef
    analyst: str
    disposition: str
    others: list[tuple[str, str]]  # (analyst, their latest disposition) here


@dataclass
class ImportReport:
    manifest: Manifest
    signature: str  # verified | unchecked (signed; no bundle-key here) | unsigned
    added: dict[str, int] = field(default_factory=dict)  # table -> rows added now
    already_there: int = 0  # rows an earlier import brought
    earlier_import: tuple[float, str] | None = None  # (when, by whom) this bundle came in before
    missing_posts: list[PostRef] = field(default_factory=list)
    missing_accounts: list[tuple[str, str]] = field(default_factory=list)
    waiting: int = 0  # rows on posts or accounts this store does not have: not written
    differing: list[PostRef] = field(default_factory=list)  # same key, another text here
    conflicts: list[Conflict] = field(default_factory=list)
    chain_note: str = ""  # how the audit piece joins this store's earlier rows of the station


# ---- reading and checking --------------------------------------------------------------------

def _ordered(name: str, rows: Sequence, problems: list[FileProblem]) -> None:
    for line in range(1, len(rows)):
        if rows[line].id <= rows[line - 1].id:
            problems.append(FileProblem(name, line + 1, f"id: {rows[line].id} does not come after {rows[line - 1].id}"))
            return


def _belongs(name: str, rows: Sequence, analyst: str, refs: set[PostRef] | None,
             problems: list[FileProblem]) -> None:
    for line, row in enumerate(rows, start=1):
        if row.analyst != analyst:
            problems.append(FileProblem(name, line, f"analyst: {row.analyst[:80]!r} is not the bundle's analyst"))
        elif refs is not None and row.ref not in refs:
            problems.append(FileProblem(name, line, f"post {str(row.ref)[:120]} is not in posts.jsonl"))


def read(root: Path, key: bytes | None = None) -> tuple[Manifest, BundleContent, str]:
    """The bundle at ``root``, verified whole, with its signature status (``key``: the team's
    bundle-key), or ``BundleRefused``."""
    sealed = manifest.verify(root)
    signed = manifest.signature_status(sealed, key)
    problems: list[FileProblem] = []

    def load(name: str, parse: Callable[[object], T]) -> list[T]:
        return read_jsonl(root / name, name, parse, problems)

    content = BundleContent(load("posts.jsonl", parse_post), load("labels.jsonl", parse_label),
                            load("verdicts.jsonl", parse_verdict), load("notes.jsonl", parse_note),
                            load("identity_links.jsonl", parse_link), load(chain.FILE, parse_audit))
    if not problems:
        refs: set[PostRef] = set()
        for line, post in enumerate(content.posts, start=1):
            if post.ref in refs:
                problems.append(FileProblem("posts.jsonl", line, f"post {str(post.ref)[:120]} is listed twice"))
            refs.add(post.ref)
        for name, rows in (("labels.jsonl", content.labels), ("verdicts.jsonl", content.verdicts),
                           ("notes.jsonl", content.notes), ("identity_links.jsonl", content.links)):
            _ordered(name, rows, problems)
            _belongs(name, rows, sealed.analyst, None if name == "identity_links.jsonl" else refs, problems)
    lines = [str(p) for p in problems]
    if not lines:
        found = dict(zip(manifest.COUNTED, (len(content.posts), len(content.labels), len(content.verdicts),
                                            len(content.notes), len(content.links), len(content.audit))))
        lines = [f"{manifest.MANIFEST}: counts: {k} {sealed.counts[k]}, the file has {found[k]}"
                 for k in manifest.COUNTED if found[k] != sealed.counts[k]]
    if not lines:
        lines = chain.chain_problems(content.audit, sealed.audit, sealed.analyst)
    if lines:
        raise BundleRefused(lines)
    return sealed, content, signed


# ---- merging ---------------------------------------------------------------------------------

def _join_chain(conn, station: str, rows: Sequence[AuditRow]) -> str:
    """How the piece joins the rows of ``station`` this store already holds. A row held with
    another hash means the station's chain was rewritten between bundles: refused."""
    for line, row in enumerate(rows, start=1):
        held = q.foreign_audit_hash(conn, station, row.id)
        if held is not None and held != row.hash:
            raise BundleRefused([f"{chain.FILE}:{line}: row {row.id} differs from the same row of an earlier "
                                 "bundle from this station (its audit chain was rewritten)"])
    if not rows or rows[0].id == 1:
        return ""
    before = q.foreign_audit_hash(conn, station, rows[0].id - 1)
    if before is None:
        return (f"audit rows before {rows[0].id} of this station are not here yet "
                "(an earlier bundle not imported?)")
    if before != rows[0].prev_hash:
        raise BundleRefused([f"{chain.FILE}:1: row {rows[0].id} does not follow row {rows[0].id - 1} of an "
                             "earlier bundle from this station (prev_hash differs)"])
    return ""


def _conflicts(conn, analyst: str, posts: dict[PostRef, int], labels: Sequence[LabelRow]) -> list[Conflict]:
    ids = {posts[r.ref]: r.ref for r in labels if r.ref in posts}
    latest = q.latest_dispositions(conn, ids)
    out = []
    for post_id, ref in sorted(ids.items()):
        by = latest.get(post_id, {})
        theirs = by.get(analyst)
        if theirs is None:
            continue
        others = sorted((a, d) for a, d in by.items() if a != analyst and d is not None and d != theirs)
        if others:
            out.append(Conflict(ref, analyst, theirs, others))
    return out


def merge(store, root: Path, sealed: Manifest, content: BundleContent, actor: str, signed: str) -> ImportReport:
    """Write a verified bundle in ONE transaction (a refusal found on the way rolls it back)."""
    report = ImportReport(sealed, signed, added=dict.fromkeys(("labels", "verdicts", "notes", "identity_links",
                                                               "audit"), 0))
    station = sealed.station
    if station == q.station_id(store.conn):
        raise BundleRefused([f"{manifest.MANIFEST}: made on this station (station {station}); "
                             "import it on another one"])
    with store.transaction() as conn:
        q.ensure_station_id(conn)
        report.earlier_import = q.imported_bundle(conn, sealed.bundle_id)
        report.chain_note = _join_chain(conn, station, content.audit)
        local = q.local_posts(conn, (p.ref for p in content.posts))
        posts = {ref: row[0] for ref, row in local.items()}
        for p in content.posts:
            if p.ref not in local:
                report.missing_posts.append(p.ref)
            elif local[p.ref][1] != p.text:
                report.differing.append(p.ref)
        accounts = q.local_authors(conn, [(r.a_source, r.a_handle) for r in content.links]
                                   + [(r.b_source, r.b_handle) for r in content.links])
        report.missing_accounts = sorted({acc for r in content.links for acc in
                                          ((r.a_source, r.a_handle), (r.b_source, r.b_handle))} - set(accounts))
        touched: set[int] = set()

        def fresh(table: str, rows: Sequence) -> tuple[list, dict[int, int]]:
            known = q.known_rows(conn, station, table, [r.id for r in rows])
            report.already_there += len(known)
            return [r for r in rows if r.id not in known], known

        def keep(table: str, remote_id: int, local_id: int, known: dict[int, int]) -> None:
            q.remember_row(conn, station, table, remote_id, local_id, sealed.bundle_id)
            known[remote_id] = local_id
            report.added[table] += 1

        new, known = fresh("labels", content.labels)
        for row in new:
            if row.ref not in posts:
                report.waiting += 1
                continue
            keep("labels", row.id, q.insert_label(conn, posts[row.ref], row, known.get(row.undo_of or 0)), known)
            touched.add(posts[row.ref])
        new, known = fresh("verdicts", content.verdicts)
        for vrow in new:
            if vrow.ref not in posts:
                report.waiting += 1
                continue
            keep("verdicts", vrow.id, q.insert_verdict(conn, posts[vrow.ref], vrow, known.get(vrow.undo_of or 0)),
                 known)
        new, known = fresh("notes", content.notes)
        for nrow in new:
            if nrow.ref not in posts:
                report.waiting += 1
                continue
            keep("notes", nrow.id, q.insert_note(conn, posts[nrow.ref], nrow), known)
        new, known = fresh("identity_links", content.links)
        for lrow in new:
            a, b = accounts.get((lrow.a_source, lrow.a_handle)), accounts.get((lrow.b_source, lrow.b_handle))
            if a is None or b is None:
                report.waiting += 1
                continue
            keep("identity_links", lrow.id, q.insert_link(conn, a, b, lrow), known)
        for post_id in sorted(touched):
            q.refresh_disposition(conn, post_id)
        report.added["audit"] = q.store_foreign_audit(conn, station, content.audit, sealed.bundle_id)
        report.conflicts = _conflicts(conn, sealed.analyst, posts, content.labels)
        now = time.time()
        added = sum(v for k, v in report.added.items() if k != "audit")
        q.record_bundle(conn, sealed.bundle_id, station, sealed.analyst, sealed.created_at, sealed.manifest_sha256,
                        now, actor, added)
        audit.append(conn, actor, "bundle-import", str(root), {
            "bundle_id": sealed.bundle_id, "manifest_sha256": sealed.manifest_sha256, "station": station,
            "analyst": sealed.analyst, "added": report.added, "already_there": report.already_there,
            "waiting": report.waiting, "missing_posts": len(report.missing_posts), "signature": signed,
            "conflicts": len(report.conflicts)})
    return report


def import_bundle(store, root: Path, actor: str, key: bytes | None = None) -> ImportReport:
    """Verify the bundle at ``root`` whole (its signature with the team's ``key``), then merge
    it; ``actor`` is who imports."""
    sealed, content, signed = read(root, key)
    return merge(store, root, sealed, content, actor, signed)
