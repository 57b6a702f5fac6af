"""MISP event (``event.json``) for MISP communities: one ``microblog`` object per post, tags from
the ``threat-leakage`` taxonomy shipped in ``data/misp_taxonomy.json``, the analysts' notes and
the authors of concern as event reports. ``triage import --format misp`` reads such an event
back (``plugins/misp_event.py``).

The mapping (the README says the same):

* per post a ``microblog`` object (MISP's template, uuid and version below): ``post`` (the text),
  ``username``, ``display-name``, ``creation-date``, ``link`` (an http(s) url), ``type``; the
  object's ``comment`` is ``triage post <source>:<external_id>`` (how an import finds the post
  again); the ``post`` attribute's comment lists the evidence spans (character offsets);
* tags on the ``post`` attribute: ``threat-leakage:indicator="<id>"`` (detector hit or
  confirmed verdict), ``threat-leakage:disposition="<d>"``, and
  ``threat-leakage:warning-behaviour="<b>"`` on the posts that are a behaviour's evidence;
* event tags: ``tlp:<level>`` (``--tlp``) and every warning behaviour found;
* ``distribution`` follows the TLP level (clear: all communities, green: this community,
  amber/amber+strict/red: your organisation only);
* event reports (Markdown, every untrusted string escaped): "Analyst notes" and "Authors of concern".
"""

from __future__ import annotations

import json
import uuid
from datetime import datetime, timezone
from functools import lru_cache
from importlib.resources import files
from pathlib import Path
from typing import Sequence

from ..misp_format import MICROBLOG_TEMPLATE_UUID, MICROBLOG_TEMPLATE_VERSION, POST_REF_PREFIX
from .findings import analyst_notes, authors_of_concern
from .report import md_escape
from .stix import SAFE_URL

# The template's "type" vocabulary; any other source is "Other".
SOURCE_TYPES = {"reddit": "Reddit", "reddit-dump": "Reddit", "x-archive": "Twitter", "twitter": "Twitter"}
DISTRIBUTION = {"clear": "3", "green": "1", "amber": "0", "amber+strict": "0", "red": "0"}
INHERIT = "5"  # an attribute or object takes the event's distribution


@lru_cache(maxsize=1)
def taxonomy() -> dict:
    return json.loads((files("triage.data") / "misp_taxonomy.json").read_text(encoding="utf-8"))


def tag(predicate: str, value: str) -> str:
    return f'{taxonomy()["namespace"]}:{predicate}="{value}"'


def _iso(epoch: float) -> str:
    return datetime.fromtimestamp(epoch, tz=timezone.utc).isoformat()


def _attribute(relation: str, kind: str, value: str, now: str, *, category: str = "Other", comment: str = "",
               tags: Sequence[str] = ()) -> dict:
    attr = {"uuid": str(uuid.uuid4()), "object_relation": relation, "type": kind, "category": category,
            "value": value, "to_ids": False, "distribution": INHERIT, "timestamp": now, "comment": comment}
    if tags:
        attr["Tag"] = [{"name": t} for t in tags]
    return attr


def _evidence_comment(p) -> str:
    spans = ", ".join(f"{s.indicator} {s.start}-{s.end}" for s in p.spans)
    return f"evidence (character offsets into post): {spans}" if spans else ""


def _post_object(p, now: str, behaviour_tags: list[str]) -> dict:
    indicators = list(dict.fromkeys([*p.post.indicators, *(i for i, v in p.cats.items() if v)]))
    tags = [tag("indicator", i) for i in indicators]
    if p.post.disposition:
        tags.append(tag("disposition", p.post.disposition))
    attrs = [_attribute("post", "text", p.text, now, comment=_evidence_comment(p), tags=tags + behaviour_tags),
             _attribute("creation-date", "datetime", _iso(p.post.created_at), now),
             _attribute("type", "text", SOURCE_TYPES.get(p.post.source, "Other"), now)]
    if p.author:
        attrs.append(_attribute("username", "text", p.author, now))
    if p.author_name:
        attrs.append(_attribute("display-name", "text", p.author_name, now))
    if p.url and SAFE_URL.fullmatch(p.url):
        attrs.append(_attribute("link", "link", p.url, now, category="External analysis"))
    return {"uuid": str(uuid.uuid4()), "name": "microblog", "meta-category": "misc",
            "template_uuid": MICROBLOG_TEMPLATE_UUID, "template_version": MICROBLOG_TEMPLATE_VERSION,
            "description": "Microblog post like a Twitter tweet or a post on a Facebook wall.",
            "distribution": INHERIT, "timestamp": now, "comment": f"{POST_REF_PREFIX}{p.ref}", "Attribute": attrs}


def _notes_report(ctx) -> str | None:
    notes = analyst_notes(ctx)
    if not notes:
        return None
    lines = ["# Analyst notes", ""]
    for p in ctx.posts:
        for n in notes.get(p.post.id, []):
            lines.append(f"- **{md_escape(p.ref)}** ({md_escape(n.analyst or '—')}, {_iso(n.at)[:16]}): "
                         f"{md_escape(n.body)}")
    return "\n".join(lines) + "\n"


def _concern_report(findings) -> str | None:
    if not findings:
        return None
    lines = ["# Authors of concern", ""]
    for f in findings:
        p0 = f.posts[0]
        lines.append(f"## {md_escape(p0.post.source)}:@{md_escape(p0.author or '—')}: concern {f.concern:.2f} "
                     f"({md_escape(f.trend)})")
        lines.append("")
        for b in f.behaviours:
            refs = ", ".join(md_escape(p.ref) for p in b.evidence) or "no evidence post in this export"
            lines.append(f"- **{md_escape(b.name.replace('_', ' '))}**: {md_escape(b.summary)} (evidence: {refs})")
        lines.append("")
    return "\n".join(lines)


def build_event(ctx) -> dict:
    now = str(int(ctx.generated_at))
    findings = authors_of_concern(ctx)
    behaviours_of: dict[int, list[str]] = {}
    for f in findings:
        for b in f.behaviours:
            for p in b.evidence:
                behaviours_of.setdefault(p.post.id, []).append(tag("warning-behaviour", b.name))
    event_tags = [f"tlp:{ctx.tlp}"] + list(dict.fromkeys(t for ts in behaviours_of.values() for t in ts))
    dispositions = {p.post.disposition for p in ctx.posts}
    reports = [(name, content) for name, content in (("Analyst notes", _notes_report(ctx)),
                                                     ("Authors of concern", _concern_report(findings))) if content]
    event = {
        "uuid": str(uuid.uuid4()),
        "info": f"triage export: {len(ctx.posts)} posts ({ctx.analyst})",
        "date": _iso(ctx.generated_at)[:10],
        "timestamp": now,
        "published": False,
        "analysis": "2",  # completed: the posts were triaged
        "threat_level_id": "1" if "escalate" in dispositions else "2" if "monitor" in dispositions else "3",
        "distribution": DISTRIBUTION[ctx.tlp],
        "Tag": [{"name": t} for t in event_tags],
        "Object": [_post_object(p, now, list(dict.fromkeys(behaviours_of.get(p.post.id, [])))) for p in ctx.posts],
        "EventReport": [{"uuid": str(uuid.uuid4()), "name": name, "content": content, "distribution": INHERIT,
                         "timestamp": now} for name, content in reports],
    }
    return {"Event": event}


def write(out: Path, ctx) -> list[str]:
    text = json.dumps(build_event(ctx), ensure_ascii=False, indent=1)
    (out / "event.json").write_text(text.replace("\u2028", "\\u2028").replace("\u2029", "\\u2029") + "\n",
                                    encoding="utf-8")
    ctx.extra_manifest["tlp"] = ctx.tlp
    return ["event.json"]
