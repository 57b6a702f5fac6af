"""``manifest.json``: what an export holds (every file with SHA-256 and size, counts, the
filter, who, when, with which tool and detector), and ``verify`` that re-checks it.

A changed byte, a missing file and a file the manifest does not list are each reported by
name. The manifest does not list itself; the audit-log entry of the export holds its SHA-256,
so a manifest edited to match edited files still disagrees with the store's hash chain.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath
from typing import TypeGuard

MANIFEST = "manifest.json"
MANIFEST_VERSION = 1
_CHUNK = 1 << 20


def sha256_file(path: Path) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as fh:
        while chunk := fh.read(_CHUNK):
            digest.update(chunk)
    return digest.hexdigest()


def file_entry(root: Path, name: str) -> dict:
    path = root / name
    return {"path": name, "sha256": sha256_file(path), "size": path.stat().st_size}


def write_manifest(root: Path, data: dict) -> str:
    """Write the manifest; return its SHA-256 (for the audit log)."""
    text = json.dumps({"manifest_version": MANIFEST_VERSION, **data}, indent=2, ensure_ascii=False) + "\n"
    payload = text.encode("utf-8")
    (root / MANIFEST).write_bytes(payload)
    return hashlib.sha256(payload).hexdigest()


@dataclass
class VerifyReport:
    directory: Path
    checked: int = 0  # files whose hash matched
    problems: list[str] = field(default_factory=list)  # one line each, naming the file
    manifest: dict | None = None
    manifest_sha256: str | None = None  # what the export's audit-log entry recorded

    @property
    def ok(self) -> bool:
        return not self.problems


def _safe_relative(name: object) -> TypeGuard[str]:
    if not isinstance(name, str) or not name:
        return False
    parts = PurePosixPath(name).parts
    return not PurePosixPath(name).is_absolute() and ".." not in parts and "\\" not in name


def verify(directory: str | Path) -> VerifyReport:
    root = Path(directory)
    report = VerifyReport(root)
    if not root.is_dir():
        report.problems.append(f"{root}: not a directory")
        return report
    try:
        raw = (root / MANIFEST).read_bytes()
        manifest = json.loads(raw.decode("utf-8"))
        files = manifest["files"]
        if not isinstance(files, list):
            raise TypeError
    except FileNotFoundError:
        report.problems.append(f"{MANIFEST}: missing")
        return report
    except (ValueError, KeyError, TypeError, UnicodeDecodeError):
        report.problems.append(f"{MANIFEST}: not a triage export manifest (unreadable or no file list)")
        return report
    report.manifest = manifest
    report.manifest_sha256 = hashlib.sha256(raw).hexdigest()
    listed = set()
    for entry in files:
        name = entry.get("path") if isinstance(entry, dict) else None
        if not _safe_relative(name):
            report.problems.append(f"{MANIFEST}: bad file entry {name!r} (not a path inside the export)")
            continue
        listed.add(name)
        path = root / name
        if not path.is_file():
            report.problems.append(f"{name}: missing")
        elif path.stat().st_size != entry.get("size") or sha256_file(path) != entry.get("sha256"):
            report.problems.append(f"{name}: changed since export (SHA-256 differs from the manifest)")
        else:
            report.checked += 1
    for path in sorted(root.rglob("*")):
        name = path.relative_to(root).as_posix()
        if path.is_file() and name != MANIFEST and name not in listed:
            report.problems.append(f"{name}: extra file, not in the manifest")
    return report
