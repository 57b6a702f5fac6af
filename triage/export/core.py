"""One export, start to end: select, prepare, split, write the format, the manifest, the audit
entry. The CLI (`triage export`) and the console's export screen both call ``run_export``.

Files are written into a private temporary directory beside the target (mode 0700) and moved
into place only when complete: an export that fails half-way leaves nothing behind that
looks like a finished set.
"""

from __future__ import annotations

import os
import shutil
import time
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable

from .. import __version__
from ..indicators import INDICATORS
from ..store import Store
from . import csv_sheet, docbin, jsonl, misp, report, stix
from ..output_paths import OutputPathError, check_output
from ..partial_files import partial_path, sweep
from .errors import ExportError
from .findings import DEFAULT_TLP, TLP_LEVELS
from .manifest import MANIFEST, file_entry, write_manifest
from .prepared import PreparedPost, known_handles, known_names, prepare
from .pseudonym import Pseudonymizer, load_or_create_key
from .selection import ExportFilter, iso_utc, select, select_ids
from .split import NORMALIZATION, Split, split

# Format name -> writer(out_dir, ctx) -> file names. Labeled sets are split into train/dev.
WRITERS: dict[str, Callable[[Path, "WriteContext"], list[str]]] = {
    "jsonl": jsonl.write,
    "docbin": docbin.write,
    "csv": csv_sheet.write,
    "report": report.write,
    "stix": stix.write,
    "misp": misp.write,
}
FORMATS = tuple(WRITERS)
SPLIT_FORMATS = ("jsonl", "docbin")
DEFAULT_DEV_FRACTION = 0.2


@dataclass
class WriteContext:
    """What a format writer may use."""

    store: Store
    posts: list[PreparedPost]
    split: Split[PreparedPost] | None
    flt: ExportFilter
    analyst: str
    generated_at: float
    pseudonymizer: Pseudonymizer | None
    tlp: str = DEFAULT_TLP  # the sharing formats' and the report's TLP marking
    title: str | None = None  # the report's case title (None: "Case report")
    extra_manifest: dict = field(default_factory=dict)  # a writer's own manifest keys

    @property
    def pseudonymized(self) -> bool:
        return self.pseudonymizer is not None

    def mask(self, text: str) -> str:
        """Free text (a note) as the export may show it: pseudonymized when the posts are."""
        return text if self.pseudonymizer is None else self.pseudonymizer.mask_text(text)[0]

    def filter_dict(self) -> dict:
        """The filter as written into the export: author handles are names too."""
        data = self.flt.as_dict()
        if self.pseudonymizer is not None:
            data["authors"] = [self.pseudonymizer.handle(a) for a in data["authors"]]
        return data


@dataclass
class ExportResult:
    format: str
    directory: Path
    posts: int
    train: int | None
    dev: int | None
    files: list[dict]  # {"path", "sha256", "size"}
    manifest: dict
    audit_id: int


def count_selected(store: Store, flt: ExportFilter) -> int:
    """How many posts the filter takes (for a screen to show before exporting)."""
    return len(select_ids(store, flt))


def _check_target(out_dir: Path, store_path) -> None:
    try:
        check_output(out_dir, store_path, directory=True)
    except OutputPathError as exc:
        raise ExportError(str(exc)) from None
    if out_dir.exists() and (not out_dir.is_dir() or any(out_dir.iterdir())):
        raise ExportError(f"{out_dir}: exists and is not an empty directory (export into a new one)")


def indicator_counts(posts: list[PreparedPost], dev: set[int] | None) -> dict[str, dict[str, int]]:
    counts: dict[str, Counter] = {}
    for p in posts:
        for indicator, value in p.cats.items():
            c = counts.setdefault(indicator, Counter())
            c["positive" if value else "negative"] += 1
            if dev is not None and p.post.id in dev:
                c["dev_positive" if value else "dev_negative"] += 1
    keys = ("positive", "negative") + (("dev_positive", "dev_negative") if dev is not None else ())
    order = [i for i in INDICATORS if i in counts] + sorted(set(counts) - set(INDICATORS))
    return {i: {k: counts[i][k] for k in keys} for i in order}


def _manifest(ctx: WriteContext, fmt: str, files: list[dict], dev_fraction: float | None) -> dict:
    posts = ctx.posts
    sp = ctx.split
    versions = sorted({p.post.detector_version for p in posts if p.post.detector_version}
                      | {h.detector_version for p in posts for h in p.post.hits if h.detector_version})
    return {
        "format": fmt,
        "created_at": iso_utc(int(ctx.generated_at)),
        "tool": {"name": "triage", "version": __version__},
        "analyst": ctx.analyst,
        "detector_versions": versions,
        "pseudonymized": ctx.pseudonymized,
        # The store's anchor when the export was made (`triage audit head`): keep it with the set.
        "custody_anchor": ctx.store.anchor_line(),
        "filter": ctx.filter_dict(),
        "split": None if sp is None else {
            "dev_fraction": dev_fraction, "method": "sha256 of normalized text, stratified by rarest positive "
            "indicator, identical normalized texts on one side", "normalization": NORMALIZATION,
            "groups": sp.groups, "duplicates": sp.duplicates,
        },
        "counts": {
            "posts": len(posts),
            "authors": len({p.post.author_id for p in posts}),
            "train": None if sp is None else len(sp.train),
            "dev": None if sp is None else len(sp.dev),
            "dispositions": dict(sorted(Counter(p.post.disposition or "none" for p in posts).items())),
            "indicators": indicator_counts(posts, None if sp is None else {p.post.id for p in sp.dev}),
        },
        **ctx.extra_manifest,
        "files": files,
    }


def run_export(store: Store, fmt: str, out_dir: str | os.PathLike, flt: ExportFilter | None = None, *,
               analyst: str, dev_fraction: float = DEFAULT_DEV_FRACTION, pseudonymize: bool = False,
               key: bytes | None = None, tlp: str = DEFAULT_TLP, title: str | None = None) -> ExportResult:
    """Export the posts ``flt`` selects as ``fmt`` into the new directory ``out_dir``.

    The store must be writable (the export is logged in its audit chain). ``key`` is the
    pseudonymization key; None takes the station's key from the keyring. ``tlp`` marks what
    the sharing formats (stix, misp) and the report write; ``title`` is the report's case title. Raises ``ExportError``
    (and ``PseudonymKeyError``) with a one-line message.
    """
    if fmt not in WRITERS:
        raise ExportError(f"format {fmt!r}: one of {', '.join(FORMATS)}")
    if tlp not in TLP_LEVELS:
        raise ExportError(f"TLP {tlp!r}: one of {', '.join(TLP_LEVELS)}")
    if not 0 <= dev_fraction < 1:
        raise ExportError("dev fraction must be at least 0 and below 1")
    flt = flt or ExportFilter()
    out_dir = Path(out_dir).expanduser().absolute()
    _check_target(out_dir, store.file)
    posts = select(store, flt)
    if not posts:
        raise ExportError("no posts match the filter")
    pseudonymizer = Pseudonymizer(key or load_or_create_key(), known_handles(posts),
                                  known_names(posts)) if pseudonymize else None
    prepared = prepare(posts, pseudonymizer)
    sp = None
    if fmt in SPLIT_FORMATS:
        # Split on the stored text, so a pseudonymized set splits exactly as a plain one.
        sp = split(prepared, text=lambda p: p.post.text, cats=lambda p: p.cats, dev_fraction=dev_fraction)
    ctx = WriteContext(store=store, posts=prepared, split=sp, flt=flt, analyst=analyst, generated_at=time.time(),
                       pseudonymizer=pseudonymizer, tlp=tlp, title=title)

    try:
        out_dir.parent.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise ExportError(f"{out_dir.parent}: {exc.strerror or exc}") from None
    sweep(out_dir.parent)  # what a killed export left behind
    tmp = partial_path(out_dir.parent, f"{out_dir.name}.partial")
    tmp.mkdir(mode=0o700)
    try:
        names = WRITERS[fmt](tmp, ctx)
        files = [file_entry(tmp, name) for name in names]
        manifest = _manifest(ctx, fmt, files, dev_fraction if sp is not None else None)
        manifest_sha = write_manifest(tmp, manifest)
        # Audit before the move: a finished-looking export without its audit row must not exist.
        audit_id = store.log(analyst, "export", str(out_dir), {
            "format": fmt, "posts": len(prepared), "train": manifest["counts"]["train"],
            "dev": manifest["counts"]["dev"], "pseudonymized": pseudonymizer is not None,
            "filter": flt.as_dict(), "manifest_sha256": manifest_sha,
            "files": {f["path"]: f["sha256"] for f in files},
        })
        if out_dir.exists():
            out_dir.rmdir()  # checked empty above
        tmp.rename(out_dir)
    except OSError as exc:  # a full disk, a read-only target: one line, nothing half-written left
        shutil.rmtree(tmp, ignore_errors=True)
        raise ExportError(f"{out_dir}: export not written: {exc.strerror or exc}") from None
    except BaseException:
        shutil.rmtree(tmp, ignore_errors=True)
        raise
    return ExportResult(format=fmt, directory=out_dir, posts=len(prepared),
                        train=None if sp is None else len(sp.train), dev=None if sp is None else len(sp.dev),
                        files=files, manifest={**manifest, "manifest_sha256": manifest_sha}, audit_id=audit_id)


__all__ = ["DEFAULT_DEV_FRACTION", "DEFAULT_TLP", "TLP_LEVELS", "FORMATS", "MANIFEST", "SPLIT_FORMATS", "ExportResult",
           "WriteContext", "count_selected", "run_export"]
