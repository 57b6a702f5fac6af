"""STIX 2.1 bundle (``bundle.json``) for platforms that speak STIX (OpenCTI, MISP's STIX
import, TAXII servers), built and checked by the ``stix2`` library.

The mapping (the README says the same):

* ``identity`` — the exporting analyst (``created_by_ref`` of everything written);
* ``user-account`` — each author (``user_id``, ``account_login``, ``display_name``);
* ``note`` — each post: ``content`` is the text, ``object_refs`` its author's account,
  ``external_references`` the post's source, id and url, ``labels`` the indicators
  (``detected:threat``, ``confirmed:threat``, ``rejected:plan``), and the evidence spans,
  detector score and disposition in a property extension (``extension-definition`` below);
* ``opinion`` — the analyst's disposition on the post's note (escalate: strongly-agree that it
  is threat leakage, monitor: agree, unclear or a team's own: neutral, benign: strongly-disagree);
* ``note`` — each analyst note, on the post's note; and each author of concern, on their
  account and evidence posts, labelled ``trap-18:<behaviour>``;
* ``grouping`` — the export (context ``suspicious-activity``), referring to all of the above;
* ``marking-definition`` — the TLP 2.0 marking (``--tlp``) on every object, as OASIS publishes it.

Post text only ever becomes a property *value* (JSON-escaped by the serializer): ids are
random UUIDv4 (as STIX asks), property names are fixed here.
"""

from __future__ import annotations

import json
import re
from datetime import datetime, timezone
from pathlib import Path
from typing import Any

from .findings import analyst_notes, authors_of_concern


# TLP 2.0 in STIX 2.1 is an extension (OASIS cti-stix-common-objects, "tlp-2.0"): these ids,
# the extension id and the creation time are the published ones and must not be made up.
TLP_EXTENSION = "extension-definition--60a3c5c5-0d10-413e-aab3-9e08dde9e88d"
TLP_CREATED = "2022-10-01T00:00:00.000Z"
TLP_MARKINGS = {
    "clear": "marking-definition--94868c89-83c2-464b-929b-a1a8aa3c8487",
    "green": "marking-definition--bab4a63c-aed9-4cf5-a766-dfca5abac2bb",
    "amber": "marking-definition--55d920b0-5e8b-4f79-9ee9-91f868d9b421",
    "amber+strict": "marking-definition--939a9414-2ddd-4d32-a0cd-375ea402b003",
    "red": "marking-definition--e828b379-4e03-4974-9ac4-e53a884c97c1",
}

# Our own property extension: where the evidence spans live (STIX has no core property for them).
# Fixed (a random UUIDv4 drawn once, as STIX asks of ids): every export names the same extension.
EVIDENCE_EXTENSION = "extension-definition--b0d674c0-57d0-4f59-8dd4-cbcaf33a7c0d"
EVIDENCE_SCHEMA = (
    "triage-console post evidence, a property extension of note: posted_at (ISO 8601 UTC), "
    "source, score (detector risk 0..1), flagged, disposition, analyst, indicators (detector), "
    "verdicts [{indicator, value 1 confirmed / 0 rejected}], evidence [{indicator, start, end "
    "(character offsets into content), rule, origin, score}]."
)

# ASCII http(s) urls without a character RFC 3986 forbids; anything else (a pseudonymized
# "<url>", a non-ASCII or spaced url from a post) is left out of the reference.
SAFE_URL = re.compile(r"https?://[A-Za-z0-9\-._~:/?#\[\]@!$&'()*+,;=%]+")

OPINIONS = {"escalate": "strongly-agree", "monitor": "agree", "unclear": "neutral", "benign": "strongly-disagree"}


def _time(epoch: float) -> datetime:
    return datetime.fromtimestamp(epoch, tz=timezone.utc)


def tlp_marking(level: str):
    from stix2 import MarkingDefinition

    return MarkingDefinition(id=TLP_MARKINGS[level], created=TLP_CREATED, name=f"TLP:{level.upper()}",
                             extensions={TLP_EXTENSION: {"extension_type": "property-extension", "tlp_2_0": level}})


def _labels(p) -> list[str]:
    labels = [f"detected:{i}" for i in p.post.indicators]
    labels += [f"{'confirmed' if v else 'rejected'}:{i}" for i, v in p.cats.items()]
    return labels


def _evidence(p) -> dict:
    post = p.post
    data = {
        "extension_type": "property-extension",
        "posted_at": p.created_at,
        "source": post.source,
        "flagged": bool(post.flagged),
        "indicators": list(post.indicators) or None,
        "verdicts": [{"indicator": i, "value": v} for i, v in p.cats.items()] or None,
        "evidence": [{k: v for k, v in (("indicator", s.indicator), ("start", s.start), ("end", s.end),
                                        ("rule", s.rule), ("origin", s.origin), ("score", s.score))
                      if v is not None} for s in p.spans] or None,
    }
    data = {k: v for k, v in data.items() if v is not None}  # STIX forbids empty lists
    for key, value in (("score", post.score), ("disposition", post.disposition), ("analyst", p.analyst)):
        if value is not None:
            data[key] = value
    return data


# ctx is core.WriteContext: core imports this module, and the import contracts forbid the cycle
# even as a TYPE_CHECKING import. Annotated all the same so that mypy checks the body.
def build_bundle(ctx: Any):
    """The export as a ``stix2.Bundle``."""
    import stix2

    now = _time(ctx.generated_at)
    marking = tlp_marking(ctx.tlp)
    analyst = stix2.Identity(name=ctx.analyst, identity_class="individual", created=now, modified=now,
                             object_marking_refs=[marking.id])
    common = {"created_by_ref": analyst.id, "object_marking_refs": [marking.id], "created": now, "modified": now}
    extension = stix2.ExtensionDefinition(
        id=EVIDENCE_EXTENSION, name="triage post evidence", version="1.0",
        description="Evidence spans, detector output and labels of a post exported by triage-console",
        schema=EVIDENCE_SCHEMA, extension_types=["property-extension"], **common)
    objects: list = [marking, analyst, extension]

    # stix2 objects: the library ships no type hints
    accounts: dict[tuple, Any] = {}
    post_notes: dict[int, Any] = {}
    for p in ctx.posts:
        key = (p.post.source, p.author_id, p.author)
        if key not in accounts and (p.author_id or p.author):
            props = {k: v for k, v in (("user_id", p.author_id), ("account_login", p.author),
                                       ("display_name", p.author_name)) if v}
            accounts[key] = stix2.UserAccount(object_marking_refs=[marking.id], **props)
            objects.append(accounts[key])
        account = accounts.get(key)
        source, _, external_id = p.ref.partition(":")
        ref = {"source_name": source, "external_id": external_id}
        if p.url and SAFE_URL.fullmatch(p.url):  # a post's url is untrusted; "uri" must be RFC 3986
            ref["url"] = p.url
        note = stix2.Note(
            abstract=f"{p.post.source} post {p.ref}",
            content=p.text, object_refs=[account.id] if account else [analyst.id],
            external_references=[ref], labels=_labels(p) or None,
            extensions={EVIDENCE_EXTENSION: _evidence(p)}, **common)
        post_notes[p.post.id] = note
        objects.append(note)
        if p.post.disposition is not None:
            objects.append(stix2.Opinion(
                opinion=OPINIONS.get(p.post.disposition, "neutral"),
                explanation=f"disposition {p.post.disposition}: is this post threat leakage?",
                authors=[p.analyst] if p.analyst else None, object_refs=[note.id], **common))

    for post_id, notes in analyst_notes(ctx).items():
        for body in notes:
            objects.append(stix2.Note(
                abstract="analyst note",
                content=body.body, authors=[body.analyst] if body.analyst else None,
                object_refs=[post_notes[post_id].id], **{**common, "created": _time(body.at)}))

    for finding in authors_of_concern(ctx):
        p0 = finding.posts[0]
        account = accounts.get((p0.post.source, p0.author_id, p0.author))
        evidence = [post_notes[p.post.id].id for b in finding.behaviours for p in b.evidence]
        refs = list(dict.fromkeys(([account.id] if account else []) + evidence
                                  or [post_notes[p.post.id].id for p in finding.posts]))
        lines = [f"author concern {finding.concern:.2f} ({finding.trend})"]
        lines += [f"{b.name}: {b.summary} ({len(b.evidence)} exported evidence post(s))" for b in finding.behaviours]
        objects.append(stix2.Note(
            abstract="author of concern",
            content="\n".join(lines), labels=[f"trap-18:{b.name}" for b in finding.behaviours] or None,
            object_refs=refs, **common))

    grouping = stix2.Grouping(
        name=f"triage export of {len(ctx.posts)} posts by {ctx.analyst}", context="suspicious-activity",
        object_refs=[o.id for o in objects if o.type != "marking-definition"], **common)
    return stix2.Bundle(objects + [grouping])


def write(out: Path, ctx) -> list[str]:
    bundle = build_bundle(ctx)
    # Serialized by json (not stix2's own), with the same escaping rule as the JSONL export.
    text = json.dumps(json.loads(bundle.serialize()), ensure_ascii=False, indent=1)
    (out / "bundle.json").write_text(text.replace("\u2028", "\\u2028").replace("\u2029", "\\u2029") + "\n",
                                     encoding="utf-8")
    ctx.extra_manifest["tlp"] = ctx.tlp
    return ["bundle.json"]
