"""Schema version 1: the tables every store has (``migrations.STEPS[0]``).

``posts`` (the evidence copy and what the detector derived), ``authors``, ``sources``, ``hits``,
the append-only ``labels``, ``verdicts`` and ``notes``, ``collector_state``, the hash-chained
``audit`` log and ``meta``; the queue, time, author and label indexes; FTS5 over post text
(filled per batch by the store, not by triggers: DESIGN.md, "Facts measured").
"""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    import sqlite_utils


def migrate(db: sqlite_utils.Database) -> None:
    db.table("sources").create({"id": int, "name": str, "first_seen": int}, pk="id", not_null={"name"}, if_not_exists=True)
    db.table("sources").create_index(["name"], unique=True, if_not_exists=True)

    db.table("authors").create(
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
    db.table("authors").create_index(["source", "handle"], unique=True, if_not_exists=True)
    db.table("authors").create_index(["handle"], if_not_exists=True)

    db.table("posts").create(
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
    db.table("posts").create_index(["source", "external_id"], unique=True, if_not_exists=True)
    db.execute("CREATE INDEX IF NOT EXISTS idx_posts_queue ON posts(flagged, score DESC, id)")
    db.execute("CREATE INDEX IF NOT EXISTS idx_posts_time ON posts(created_at, id)")
    db.execute("CREATE INDEX IF NOT EXISTS idx_posts_author_time ON posts(author_id, created_at)")
    db.execute("CREATE INDEX IF NOT EXISTS idx_posts_label ON posts(disposition) WHERE disposition IS NOT NULL")
    db.execute("CREATE INDEX IF NOT EXISTS idx_posts_unreviewed ON posts(score DESC) WHERE flagged = 1 AND disposition IS NULL")
    db.execute("CREATE INDEX IF NOT EXISTS idx_posts_untagged ON posts(id) WHERE tagged_at IS NULL")
    db.table("posts").enable_fts(["text"], fts_version="FTS5", create_triggers=False, tokenize="unicode61", replace=True)

    db.table("hits").create(
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
    db.table("hits").create_index(["post_id"], if_not_exists=True)
    db.table("hits").create_index(["indicator", "post_id"], if_not_exists=True)

    # Append-only: the latest row per post is current; history stays.
    db.table("labels").create(
        {"id": int, "post_id": int, "disposition": str, "analyst": str, "at": float, "undo_of": int},
        pk="id",
        foreign_keys=[("post_id", "posts", "id")],
        if_not_exists=True,
    )
    db.table("labels").create_index(["post_id", "id"], if_not_exists=True)
    db.table("verdicts").create(
        {"id": int, "post_id": int, "indicator": str, "verdict": int, "analyst": str, "at": float, "undo_of": int},
        pk="id",
        foreign_keys=[("post_id", "posts", "id")],
        if_not_exists=True,
    )
    db.table("verdicts").create_index(["post_id", "indicator", "id"], if_not_exists=True)
    db.table("notes").create(
        {"id": int, "post_id": int, "body": str, "analyst": str, "at": float},
        pk="id",
        foreign_keys=[("post_id", "posts", "id")],
        if_not_exists=True,
    )
    db.table("notes").create_index(["post_id", "id"], if_not_exists=True)

    db.table("collector_state").create(
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

    db.table("audit").create(
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
    db.table("meta").create({"key": str, "value": str}, pk="key", if_not_exists=True)
