"""Exports: labeled sets for retraining and findings for people, behind both the CLI and the console.

One module a job: ``selection`` (which posts: ``ExportFilter``), ``labels`` (verdicts ->
``cats``), ``split`` (train/dev), ``pseudonym`` (``--pseudonymize``), one module per format
(``jsonl``, ``docbin``, ``csv_sheet``, ``report``, ``stix``, ``misp``; ``findings`` is what the
sharing formats add), ``manifest`` (hashes and ``verify``) and ``core`` (``run_export``, the one
entry point). SQL lives in ``triage.store.export_queries``.
spaCy is imported only by the DocBin writer, stix2 only by the STIX writer.
"""

from .core import DEFAULT_DEV_FRACTION, DEFAULT_TLP, FORMATS, TLP_LEVELS, SPLIT_FORMATS, ExportResult, count_selected, run_export
from .errors import ExportError
from .manifest import MANIFEST, VerifyReport, verify
from .pseudonym import PseudonymKeyError
from .selection import ExportFilter, SelectionError, parse_time_bound

__all__ = [
    "DEFAULT_DEV_FRACTION", "DEFAULT_TLP", "FORMATS", "TLP_LEVELS", "MANIFEST", "SPLIT_FORMATS", "ExportError", "ExportFilter",
    "ExportResult",
    "PseudonymKeyError", "SelectionError", "VerifyReport", "count_selected", "parse_time_bound", "run_export",
    "verify",
]
