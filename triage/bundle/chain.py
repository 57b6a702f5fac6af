"""The exporting station's audit rows inside a bundle: they must be one unbroken piece of its
hash chain. Ids run on by one, each row's ``prev_hash`` is the hash of the row before, a whole
row hashes (``audit.row_hash``) to the hash it carries, and the piece starts and ends where the
manifest says. Rows reordered, dropped, inserted or edited each break one of these."""

from __future__ import annotations

from typing import Sequence

from ..store.audit import row_hash
from ..store.bundle_rows import AuditRow
from .manifest import AuditSpan

FILE = "audit.jsonl"


def chain_problems(rows: Sequence[AuditRow], span: AuditSpan, analyst: str) -> list[str]:
    """What is wrong with the bundle's audit piece (empty: it verifies)."""
    if not rows:
        return [] if span == AuditSpan() else [f"{FILE}: empty, but the manifest names rows "
                                                f"{span.first_id}..{span.last_id}"]
    if rows[0].id != span.first_id or rows[0].prev_hash != span.first_prev_hash:
        return [f"{FILE}:1: row {rows[0].id} is not where the manifest says the chain starts (row {span.first_id})"]
    prev = None
    for line, row in enumerate(rows, start=1):
        if prev is not None and row.id != prev.id + 1:
            return [f"{FILE}:{line}: row {row.id} out of order (row {prev.id + 1} should follow row {prev.id})"]
        if prev is not None and row.prev_hash != prev.hash:
            return [f"{FILE}:{line}: row {row.id} does not follow row {prev.id} (prev_hash differs)"]
        if not row.withheld:
            if row.analyst != analyst:
                return [f"{FILE}:{line}: row {row.id} is by {str(row.analyst)[:80]!r}, not the bundle's analyst "
                        "(another analyst's rows are withheld)"]
            if row_hash(row.prev_hash, row.id, row.at or 0.0, row.analyst or "", row.action or "", row.target or "",
                        row.detail or "") != row.hash:
                return [f"{FILE}:{line}: row {row.id} was changed after it was written (hash differs)"]
        prev = row
    if rows[-1].id != span.last_id or rows[-1].hash != span.last_hash:
        return [f"{FILE}:{len(rows)}: the chain ends at row {rows[-1].id}, the manifest says row {span.last_id}"]
    return []
