"""Is a .zst file whole? zstd's streaming reader ends quietly at a cut-off file, so a dump
truncated by a failed copy once imported as "0 bad" with nothing said. This walks the frame
and block headers (RFC 8878 §3.1) without decompressing: a few bytes read per 128 KiB block."""

from __future__ import annotations

from typing import IO

ZSTD_MAGIC = 0xFD2FB528
_SKIPPABLE = range(0x184D2A50, 0x184D2A60)
_FCS_BYTES = (0, 2, 4, 8)
_DICT_BYTES = (0, 1, 2, 4)


def truncation(fh: IO[bytes], size: int) -> str | None:
    """None if every frame in the file is complete; else what is wrong and at which byte."""
    pos = 0
    while pos < size:
        fh.seek(pos)
        magic_bytes = fh.read(4)
        if len(magic_bytes) < 4:
            return f"ends inside a frame header at byte {pos:,} (truncated?)"
        magic = int.from_bytes(magic_bytes, "little")
        if magic in _SKIPPABLE:
            length = int.from_bytes(fh.read(4), "little")
            pos += 8 + length
            continue
        if magic != ZSTD_MAGIC:
            return f"byte {pos:,} is not the start of a zstd frame"
        descriptor = fh.read(1)
        if not descriptor:
            return f"ends inside a frame header at byte {pos:,} (truncated?)"
        d = descriptor[0]
        single_segment = (d >> 5) & 1
        fcs = _FCS_BYTES[d >> 6] or (1 if single_segment else 0)
        header = 5 + (0 if single_segment else 1) + _DICT_BYTES[d & 3] + fcs
        checksum = 4 if (d >> 2) & 1 else 0
        pos += header
        while True:
            fh.seek(pos)
            block = fh.read(3)
            if len(block) < 3:
                return f"ends inside a frame at byte {size:,} (truncated: the rest of the file is missing)"
            value = int.from_bytes(block, "little")
            last, kind, length = value & 1, (value >> 1) & 3, value >> 3
            if kind == 3:
                return f"corrupt zstd block header at byte {pos:,}"
            pos += 3 + (1 if kind == 1 else length)
            if pos > size:
                return f"ends inside a frame at byte {size:,} (truncated: the rest of the file is missing)"
            if last:
                break
        pos += checksum
        if pos > size:
            return f"ends inside a frame at byte {size:,} (truncated: the rest of the file is missing)"
    return None
