"""What `triage import` reads besides a plain file: standard input (``-``) and gzip- or
zstd-compressed files (``posts.jsonl.gz``, ``posts.csv.zst``, told by their magic bytes).

The importers read a path (they seek, report progress by size and sniff the format), so such an
input is streamed once into a private hidden directory beside the store (mode 0700) and imported
from there under its own name; the copy is removed when the import ends, and one left by a
killed run is swept by the next (``partial_files``). Problems still name the input as given
(``<stdin>:12: …``, ``posts.jsonl.gz:12: …``).
"""

from __future__ import annotations

import gzip
import shutil
from contextlib import contextmanager
from pathlib import Path
from typing import IO, Iterator, cast

from .partial_files import partial_path, sweep

STDIN = "-"
STDIN_NAME = "<stdin>"
GZIP_MAGIC = b"\x1f\x8b"
ZSTD_MAGIC = b"\x28\xb5\x2f\xfd"
CHUNK = 1 << 20


def compression(path: Path) -> str | None:
    """``gzip``, ``zstd`` or None, by the file's first bytes (a misnamed file still reads)."""
    if path.is_dir():
        return None
    with open(path, "rb") as fh:
        head = fh.read(4)
    if head.startswith(GZIP_MAGIC):
        return "gzip"
    if head.startswith(ZSTD_MAGIC):
        return "zstd"
    return None


def _decompressed(path: Path, kind: str) -> IO[bytes]:
    if kind == "gzip":
        return cast(IO[bytes], gzip.open(path, "rb"))
    import zstandard

    # Pushshift-style dumps need a 2 GiB window (as the reddit-dump importer allows).
    return zstandard.ZstdDecompressor(max_window_size=2**31).stream_reader(open(path, "rb"), closefd=True)


def inner_name(path: Path) -> str:
    """``posts.jsonl.gz`` -> ``posts.jsonl``: the importers sniff the format by the name too."""
    name = path.name
    for suffix in (".gz", ".gzip", ".zst", ".zstd"):
        if name.lower().endswith(suffix):
            return name[: -len(suffix)] or "input"
    return name


@contextmanager
def readable(given: str, workdir: Path, stdin: IO[bytes], keep_compressed: bool = False
             ) -> Iterator[tuple[Path, str]]:
    """``(path an importer can read, name to show)`` for an input as given on the command line;
    ``keep_compressed``: the importer decompresses by itself."""
    if given != STDIN:
        path = Path(given)
        kind = None if keep_compressed else compression(path)
        if kind is None:
            yield path, given
            return
    workdir.mkdir(parents=True, exist_ok=True)
    sweep(workdir)
    tmp = partial_path(workdir, "import.partial")
    tmp.mkdir(mode=0o700)
    try:
        if given == STDIN:
            target = tmp / "stdin"
            with open(target, "wb") as out:
                shutil.copyfileobj(stdin, out, CHUNK)
            yield target, STDIN_NAME
        else:
            assert kind is not None  # a named input that needs no decompressing returned above
            target = tmp / inner_name(path)
            with _decompressed(path, kind) as src, open(target, "wb") as out:
                shutil.copyfileobj(src, out, CHUNK)
            yield target, given
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
