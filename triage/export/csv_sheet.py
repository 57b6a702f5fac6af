"""CSV for spreadsheets: one row a post, one column an indicator.

Indicator columns hold the same values as ``cats`` in the JSONL export (1, 0, or empty for
unknown). The file starts with a UTF-8 BOM so that Excel reads it as UTF-8.

CSV injection: a spreadsheet runs a cell whose first significant character is ``=``, ``+``,
``-`` or ``@`` as a formula, after skipping whitespace and control characters (``\x00=HYPER
LINK(…)`` runs in LibreOffice) — posts are written by strangers, so such a cell gets a leading
``'``, which spreadsheets show as text. The sheet is for people: every cell also goes through
the sanitizer, so an escape sequence in a post shows as ``␛]0;…`` and never reaches a terminal
that greps or cats the file (the JSONL and DocBin exports keep the text byte for byte).
"""

from __future__ import annotations

import csv
from pathlib import Path

from ..indicators import INDICATORS
from ..sanitize import spreadsheet_cell

COLUMNS = ("id", "store_id", "source", "created_at", "author", "author_id", "url", "disposition", "analyst",
           "score", "flagged", "detector_indicators", *INDICATORS, "notes", "text")


def row(p) -> list:
    post = p.post
    values = [p.ref, post.id, post.source, p.created_at, p.author, p.author_id, p.url, post.disposition, p.analyst,
              post.score, int(post.flagged), " ".join(post.indicators),
              *(p.cats.get(i, "") for i in INDICATORS), post.notes_count, p.text]
    return [spreadsheet_cell("" if v is None else v) for v in values]


def write(out: Path, ctx) -> list[str]:
    with open(out / "posts.csv", "w", encoding="utf-8-sig", newline="") as fh:
        writer = csv.writer(fh, quoting=csv.QUOTE_MINIMAL)
        writer.writerow(COLUMNS)
        writer.writerows(row(p) for p in ctx.posts)
    return ["posts.csv"]
