"""MISP event JSON (``{"Event": {..., "Object": [...]}}``): its ``microblog`` objects become posts.

What ``triage export --format misp`` writes reads back to the same posts: the object's comment
``triage post <source>:<external_id>`` names the post, so a re-import (or an import into another
store) keeps the post's identity. An event from elsewhere has no such comment: its posts get the
source ``misp`` and the object's uuid as their id. Per object: ``post`` is the text (required),
``username`` the author (else ``unknown``), ``display-name``, ``link`` or ``url`` the url, and the
time is ``creation-date`` (else the object's ``timestamp``, when MISP stored it). Objects of other
templates are skipped silently; a microblog object that cannot become a post is reported as
``event.json: entry N: reason`` (N counts microblog objects). The file is streamed (ijson), one
object in memory at a time.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Iterator, cast

import ijson

from triage.collectors import (Collector, CollectorState, ImportProblem, Option, PostRecord, RecordError,
                               TimestampError, parse_timestamp, records_from)
from triage.collectors.json_depth import numbered_entries
from triage.collectors.record_loop import Where
from triage.misp_format import POST_REF_PREFIX

SOURCE_FOR_FOREIGN = "misp"


def _values(obj: dict) -> dict[str, str]:
    """object_relation -> first value (the template's single-valued relations)."""
    out: dict[str, str] = {}
    for attr in obj.get("Attribute") or []:
        if isinstance(attr, dict) and isinstance(attr.get("object_relation"), str) and "value" in attr:
            out.setdefault(attr["object_relation"], attr["value"])
    return out


def to_record(obj: dict, default_source: str) -> PostRecord:
    values = _values(obj)
    text = values.get("post")
    if not isinstance(text, str) or not text.strip():
        raise RecordError("post", "missing (a microblog object without its post text)")
    comment = obj.get("comment")
    external_id: object  # the uuid is checked below
    if isinstance(comment, str) and comment.startswith(POST_REF_PREFIX) and ":" in comment:
        source, _, external_id = comment[len(POST_REF_PREFIX):].rpartition(":")
    else:
        source, external_id = default_source, obj.get("uuid")
    if not isinstance(external_id, str) or not external_id:
        raise RecordError("uuid", "missing (the object has neither a triage reference nor a uuid)")
    raw_time = values.get("creation-date") or obj.get("timestamp")
    if raw_time is None:
        raise RecordError("creation-date", "missing (and no object timestamp)")
    try:
        created_at, created_raw = parse_timestamp(raw_time)
    except TimestampError as exc:
        raise RecordError("creation-date", str(exc)) from None
    url = values.get("link") or values.get("url")
    return PostRecord(source=source or default_source, external_id=external_id, text=text,
                      author_handle=values.get("username") or "unknown", author_name=values.get("display-name"),
                      created_at=created_at, created_raw=created_raw, url=url if isinstance(url, str) else None,
                      raw=obj)


class MispEventCollector(Collector):
    name = "misp"
    description = "MISP event JSON: one post per microblog object"
    formats = ("misp",)
    options_schema = {
        "path": Option(str, required=True, help="the event .json file"),
        "source": Option(str, default=SOURCE_FOR_FOREIGN,
                         help="source name for objects that carry no triage reference"),
    }

    @classmethod
    def sniff(cls, path: Path, head: bytes) -> bool:
        body = head.lstrip(b"\xef\xbb\xbf \t\r\n")
        return body.startswith(b"{") and b'"Event"' in body[:64] and b'"microblog"' in head

    def collect(self, state: CollectorState) -> Iterator[PostRecord | ImportProblem]:
        source = self.options["source"]
        yield from records_from(self._objects(state), lambda obj: to_record(obj, source), state, entries=True)

    def _objects(self, state: CollectorState) -> Iterator[tuple[Where, dict] | ImportProblem]:
        """The event's microblog objects, numbered; where its JSON breaks, one problem and the end."""
        path = Path(self.options["path"])
        size = os.path.getsize(path)
        with open(path, "rb") as fh:
            objects = ijson.items(fh, "Event.Object.item", use_float=True)
            microblogs = (o for o in objects if isinstance(o, dict) and o.get("name") == "microblog")
            # numbered_entries hands each item on unchanged but is not generic over it
            yield from cast(Iterator[tuple[Where, dict] | ImportProblem],
                            numbered_entries(str(path), microblogs, after_each=lambda _: state.progress(fh.tell(), size)))
        state.progress(size, size)
