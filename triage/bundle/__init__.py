"""Air-gapped stations exchange bundles instead of sharing a database.

``exporter`` writes one analyst's labels, verdicts, notes and identity links (and the audit rows
since the last bundle) as JSONL files sealed by a manifest (``manifest``); ``importer`` checks a
bundle whole (``records`` at the boundary, ``chain`` for the audit rows) and merges it. The rows
themselves are ``store.bundle_rows`` dataclasses; all SQL is in ``store.bundle_queries``.
"""
