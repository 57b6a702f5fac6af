"""Schema and forward migrations. The version lives in ``PRAGMA user_version``.

Add a migration by appending a function to ``MIGRATIONS``; never edit one that has shipped.
Migration *n* (1-based) moves a store from version n-1 to n.
"""

from __future__ import annotations

from typing import Callable

import sqlite_utils

from ..errors import TriageError


def _v1_initial(db: sqlite_utils.Database) -> None:
    db["sources"].create({"id": int, "name": str, "first_seen": int}, pk="id", not_null={"name"}, if_not_exists=True)
    db["sources"].create_index(["name"], unique=True, if_not_exists=True)

    db["authors"].create(
        {
            "id": int,
            "source": str,
            "handle": str,
            "external_id": str,
            "display_name": str,
            "first_seen": int,
            "last_seen": int,
            "post_count": int,
        },
        pk="id",
        not_null={"source", "handle"},
        defaults={"post_count": 0},
        if_not_exists=True,
    )
    db["authors"].create_index(["source", "handle"], unique=True, if_not_exists=True)
    db["authors"].create_index(["handle"], if_not_exists=True)

    db["posts"].create(
        {
            "id": int,
            "source": str,
            "external_id": str,
            "author_id": int,
            "text": str,
            "created_at": int,  # UTC epoch seconds
            "created_raw": str,  # the source's timestamp string as given
            "collected_at": int,
            "url": str,
            "reply_to": str,
            "reply_to_author": str,
            "mentions": str,  # JSON list of handles
            "hashtags": str,  # JSON list
            "lang": str,
            "lat": float,
            "lon": float,
            "place": str,
            "raw": str,  # the record as collected: the evidence copy
            "raw_sha256": str,
            # Derived by the detector; rebuildable with `triage retag`.
            "score": float,
            "flagged": int,
            "indicators": str,  # comma-separated indicator ids
            "detector_version": str,
            "tagged_at": int,
            # Current disposition, denormalised from the append-only labels table for the queue.
            "disposition": str,
        },
        pk="id",
        not_null={"source", "external_id", "text", "created_at"},
        foreign_keys=[("author_id", "authors", "id")],
        defaults={"flagged": 0},
        if_not_exists=True,
    )
    db["posts"].create_index(["source", "external_id"], unique=True, if_not_exists=True)
    db.execute("CREATE INDEX IF NOT EXISTS idx_posts_queue ON posts(flagged, score DESC, id)")
    db.execute("CREATE INDEX IF NOT EXISTS idx_posts_time ON posts(created_at, id)")
    db.execute("CREATE INDEX IF NOT EXISTS idx_posts_author_time ON posts(author_id, created_at)")
    db.execute("CREATE INDEX IF NOT EXISTS idx_posts_label ON posts(disposition) WHERE disposition IS NOT NULL")
    db.execute("CREATE INDEX IF NOT EXISTS idx_posts_unreviewed ON posts(score DESC) WHERE flagged = 1 AND disposition IS NULL")
    db.execute("CREATE INDEX IF NOT EXISTS idx_posts_untagged ON posts(id) WHERE tagged_at IS NULL")
    db["posts"].enable_fts(["text"], fts_version="FTS5", create_triggers=False, tokenize="unicode61", replace=True)

    db["hits"].create(
        {
            "id": int,
            "post_id": int,
            "indicator": str,
            "score": float,
            "start": int,
            "end": int,
            "text": str,
            "rule": str,
            "origin": str,  # rule | model | ner
            "detector_version": str,
        },
        pk="id",
        foreign_keys=[("post_id", "posts", "id")],
        if_not_exists=True,
    )
    db["hits"].create_index(["post_id"], if_not_exists=True)
    db["hits"].create_index(["indicator", "post_id"], if_not_exists=True)

    # Append-only: the latest row per post is current; history stays.
    db["labels"].create(
        {"id": int, "post_id": int, "disposition": str, "analyst": str, "at": float, "undo_of": int},
        pk="id",
        foreign_keys=[("post_id", "posts", "id")],
        if_not_exists=True,
    )
    db["labels"].create_index(["post_id", "id"], if_not_exists=True)
    db["verdicts"].create(
        {"id": int, "post_id": int, "indicator": str, "verdict": int, "analyst": str, "at": float, "undo_of": int},
        pk="id",
        foreign_keys=[("post_id", "posts", "id")],
        if_not_exists=True,
    )
    db["verdicts"].create_index(["post_id", "indicator", "id"], if_not_exists=True)
    db["notes"].create(
        {"id": int, "post_id": int, "body": str, "analyst": str, "at": float},
        pk="id",
        foreign_keys=[("post_id", "posts", "id")],
        if_not_exists=True,
    )
    db["notes"].create_index(["post_id", "id"], if_not_exists=True)

    db["collector_state"].create(
        {
            "name": str,
            "plugin": str,
            "cursor": str,  # JSON, the plugin's own
            "last_run_at": float,
            "last_ok_at": float,
            "last_error": str,
            "runs": int,
            "posts_added": int,
        },
        pk="name",
        defaults={"runs": 0, "posts_added": 0},
        if_not_exists=True,
    )

    db["audit"].create(
        {
            "id": int,
            "at": float,
            "analyst": str,
            "action": str,
            "target": str,
            "detail": str,  # canonical JSON
            "prev_hash": str,
            "hash": str,
        },
        pk="id",
        not_null={"at", "action", "prev_hash", "hash"},
        if_not_exists=True,
    )
    db["meta"].create({"key": str, "value": str}, pk="key", if_not_exists=True)


from .migration_analytics import _v2_analytics  # noqa: E402  (kept in its own file: it is long)
from .migration_rescore import _v3_rescores  # noqa: E402
from .migration_concern import _v4_concern  # noqa: E402

MIGRATIONS: list[Callable[[sqlite_utils.Database], None]] = [_v1_initial, _v2_analytics, _v3_rescores,
                                                         _v4_concern]
SCHEMA_VERSION = len(MIGRATIONS)


class SchemaTooNew(TriageError, RuntimeError):
    pass


def migrate(db: sqlite_utils.Database) -> int:
    """Bring the store forward to SCHEMA_VERSION.

    sqlite-utils commits DDL as it goes (``enable_fts`` runs a script), so a migration is not
    one transaction; ``user_version`` is bumped only after a migration has fully run, and
    migrations are written to be re-runnable on a half-migrated store (``IF NOT EXISTS``
    where it matters).
    """
    current = db.execute("PRAGMA user_version").fetchone()[0]
    if current > SCHEMA_VERSION:
        raise SchemaTooNew(
            f"store schema version {current} is newer than this triage ({SCHEMA_VERSION}); upgrade triage"
        )
    for version in range(current + 1, SCHEMA_VERSION + 1):
        MIGRATIONS[version - 1](db)
        db.execute(f"PRAGMA user_version = {version}")
    return SCHEMA_VERSION
