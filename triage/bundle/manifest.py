"""A bundle's ``manifest.json``: who made it where and when, what it holds, the SHA-256 of every
file, and the bundle's own id, which is the SHA-256 of the manifest's canonical JSON without the
id. So the manifest seals the files and the id seals the manifest: a changed byte in a data
file, a file dropped or added, or an edited manifest (counts, analyst, a file hash) is each
found before anything is read, and named.

The seal alone proves integrity, not authorship: someone who rewrites a bundle and recomputes
every hash makes a new, self-consistent bundle with a new id. So a team that sets the same
secret ``bundle-key`` on every station (``team_key``) gets bundles *signed*: ``signature`` =
HMAC-SHA256 of the bundle id under that key, and a station with the key takes signed bundles
only, checked. Without it, compare the id the export printed out of band (over the phone).
"""

from __future__ import annotations

import hashlib
import hmac
import json
from dataclasses import dataclass, field
from pathlib import Path

from ..export.manifest import file_entry, sha256_file
from ..store.audit import canonical_json

MANIFEST = "manifest.json"
BUNDLE_FORMAT = 1
# Every bundle has exactly these files (empty ones too), so a dropped file is always noticed.
FILES = ("posts.jsonl", "labels.jsonl", "verdicts.jsonl", "notes.jsonl", "identity_links.jsonl", "audit.jsonl")
COUNTED = ("posts", "labels", "verdicts", "notes", "identity_links", "audit")  # counts, one per file
MAX_MANIFEST = 1_000_000  # bytes: a manifest lists six files and a few counts


class BundleRefused(ValueError):
    """The bundle as a whole is not taken: each problem is one line naming what is wrong."""

    def __init__(self, problems: list[str]):
        self.problems = problems
        super().__init__("; ".join(problems))


SIGNATURE_METHOD = "hmac-sha256"


def bundle_id(body: dict) -> str:
    """The SHA-256 of the manifest's canonical JSON without its ``bundle_id`` and ``signature``
    (the signature is made from the id)."""
    unsealed = {k: v for k, v in body.items() if k not in ("bundle_id", "signature")}
    return hashlib.sha256(canonical_json(unsealed).encode("utf-8")).hexdigest()


def signature(key: bytes, sealed_id: str) -> str:
    return hmac.new(key, sealed_id.encode("ascii"), hashlib.sha256).hexdigest()


def write(root: Path, body: dict, key: bytes | None) -> tuple[str, str]:
    """Seal ``body`` with the files under ``root`` (and sign it when there is a team ``key``) and
    write the manifest. Returns (bundle id, SHA-256 of the manifest file)."""
    body = {"bundle_format": BUNDLE_FORMAT, **body, "files": [file_entry(root, name) for name in FILES]}
    sealed = {"bundle_id": bundle_id(body), **body}
    if key is not None:
        sealed["signature"] = {"method": SIGNATURE_METHOD, "value": signature(key, sealed["bundle_id"])}
    payload = (json.dumps(sealed, indent=2, ensure_ascii=False) + "\n").encode("utf-8")
    (root / MANIFEST).write_bytes(payload)
    return sealed["bundle_id"], hashlib.sha256(payload).hexdigest()


@dataclass
class AuditSpan:
    """Which of the exporting station's audit rows the bundle carries (all 0 / "" when none)."""

    first_id: int = 0
    last_id: int = 0
    first_prev_hash: str = ""
    last_hash: str = ""


@dataclass
class Manifest:
    """A verified manifest: every field the importer relies on, checked for type."""

    bundle_id: str
    manifest_sha256: str
    station: str
    analyst: str
    created_at: float
    schema_version: int
    counts: dict[str, int] = field(default_factory=dict)
    audit: AuditSpan = field(default_factory=AuditSpan)
    signature: str | None = None  # HMAC-SHA256 of bundle_id under the team's bundle-key; None: unsigned


def _field(body: dict, key: str, kind: type | tuple[type, ...]):
    value = body.get(key)
    if isinstance(value, bool) or not isinstance(value, kind):
        raise BundleRefused([f"{MANIFEST}: {key}: missing or of the wrong type"])
    return value


def _read(root: Path) -> tuple[dict, str]:
    path = root / MANIFEST
    if not path.is_file():
        raise BundleRefused([f"{MANIFEST}: missing (not a triage bundle)"])
    raw = path.read_bytes()
    if len(raw) > MAX_MANIFEST:
        raise BundleRefused([f"{MANIFEST}: larger than {MAX_MANIFEST:,} bytes (not a triage bundle manifest)"])
    try:
        body = json.loads(raw.decode("utf-8"))
    except (UnicodeDecodeError, ValueError):
        raise BundleRefused([f"{MANIFEST}: not JSON (not a triage bundle manifest)"]) from None
    if not isinstance(body, dict):
        raise BundleRefused([f"{MANIFEST}: not a JSON object (not a triage bundle manifest)"])
    return body, hashlib.sha256(raw).hexdigest()


def _files_problems(root: Path, files) -> list[str]:
    if not isinstance(files, list) or not all(isinstance(f, dict) for f in files):
        return [f"{MANIFEST}: files: not a list of files"]
    problems = []
    listed = {f.get("path"): f for f in files}
    for name in FILES:
        entry = listed.get(name)
        path = root / name
        if entry is None:
            problems.append(f"{MANIFEST}: does not list {name}")
        elif not path.is_file():
            problems.append(f"{name}: missing")
        elif path.stat().st_size != entry.get("size") or sha256_file(path) != entry.get("sha256"):
            problems.append(f"{name}: changed since export (SHA-256 differs from the manifest)")
    problems += [f"{MANIFEST}: lists {str(name)[:80]!r}, which is not a bundle file"
                 for name in listed if name not in FILES]
    for path in sorted(root.rglob("*")):
        name = path.relative_to(root).as_posix()
        if name != MANIFEST and name not in FILES and not path.is_dir():
            problems.append(f"{name}: extra file, not in the manifest")
    return problems


def verify(root: Path) -> Manifest:
    """The manifest of the bundle at ``root`` once it and every file check out; else
    ``BundleRefused`` with every problem found."""
    if not root.is_dir():
        raise BundleRefused([f"{root}: not a bundle directory"])
    body, manifest_sha = _read(root)
    if body.get("bundle_format") != BUNDLE_FORMAT:
        raise BundleRefused([f"{MANIFEST}: bundle_format {str(body.get('bundle_format'))[:20]!r} is not one this "
                             f"triage reads ({BUNDLE_FORMAT})"])
    if body.get("bundle_id") != bundle_id(body):
        raise BundleRefused([f"{MANIFEST}: edited after export (it does not hash to its bundle_id)"])
    problems = _files_problems(root, body.get("files"))
    if problems:
        raise BundleRefused(problems)
    counts = _field(body, "counts", dict)
    if sorted(counts) != sorted(COUNTED) or not all(isinstance(v, int) and not isinstance(v, bool) and v >= 0
                                                    for v in counts.values()):
        raise BundleRefused([f"{MANIFEST}: counts: not a count for each of {', '.join(COUNTED)}"])
    span = _field(body, "audit", dict)
    try:
        audit = AuditSpan(**span)
    except TypeError:
        audit = None
    if audit is None or not all(isinstance(v, int) and not isinstance(v, bool) for v in (audit.first_id, audit.last_id)) \
            or not all(isinstance(v, str) for v in (audit.first_prev_hash, audit.last_hash)):
        raise BundleRefused([f"{MANIFEST}: audit: not first_id, last_id, first_prev_hash, last_hash"])
    signed = body.get("signature")
    if signed is not None and (not isinstance(signed, dict) or signed.get("method") != SIGNATURE_METHOD
                               or not isinstance(signed.get("value"), str)):
        raise BundleRefused([f"{MANIFEST}: signature: not {{\"method\": \"{SIGNATURE_METHOD}\", \"value\": …}}"])
    return Manifest(body["bundle_id"], manifest_sha, _field(body, "station", str), _field(body, "analyst", str),
                    float(_field(body, "created_at", (int, float))), _field(body, "schema_version", int),
                    counts, audit, signed["value"] if signed else None)


def signature_status(sealed: Manifest, key: bytes | None) -> str:
    """``verified``, ``unchecked`` (signed; this station has no key) or ``unsigned``; a bundle a
    station with the key cannot take is ``BundleRefused``."""
    if key is None:
        return "unchecked" if sealed.signature else "unsigned"
    if sealed.signature is None:
        raise BundleRefused([f"{MANIFEST}: not signed, and this station takes signed bundles only (bundle-key is set)"])
    if not hmac.compare_digest(sealed.signature, signature(key, sealed.bundle_id)):
        raise BundleRefused([f"{MANIFEST}: signature does not match this station's bundle-key (another key, or the "
                             "bundle was changed and resealed)"])
    return "verified"
