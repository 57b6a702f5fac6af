"""``--pseudonymize``: a set that can leave the station without names.

Author handles, author ids, post ids and urls become keyed HMAC-SHA256 pseudonyms; in the
text, @mentions become ``@user_<hmac>`` and urls ``<url>``, and bare occurrences of handles
the export knows (authors, mentions, replied-to) are replaced too. The key is created once
and kept in the system keyring (service "triage", name "export-hmac-key"), never in the
store, the config or an export: the same author gets the same pseudonym in every export from
this station, and nobody without the key can test a guessed handle against it.

Analyst names stay: they are the exporting team's own provenance, not subjects.
"""

from __future__ import annotations

import hashlib
import hmac
import re
from bisect import bisect_right
from dataclasses import dataclass
from typing import Iterable, Mapping, overload

from ..errors import TriageError
from .split import MENTION_RE, URL_RE

SERVICE = "triage"
KEY_NAME = "export-hmac-key"
# 10 hex digits = 40 bits: collisions stay unlikely up to about a million handles.
DIGITS = 10
# Bare (no "@") handles shorter than this are left alone: "me" or "bob" would eat ordinary words.
MIN_BARE_HANDLE = 4

class PseudonymKeyError(TriageError, RuntimeError):
    pass


def load_or_create_key() -> bytes:
    """The station's HMAC key, created on first use; kept like every other secret (keyring,
    or ``$TRIAGE_SECRET_EXPORT_HMAC_KEY`` for one run), so it shares their one-line errors."""
    from .. import credentials as vault

    try:
        return vault.station_key(KEY_NAME)
    except vault.SecretError as exc:
        raise PseudonymKeyError(str(exc)) from None


def _handle_form(handle: str) -> str:
    return handle.lstrip("@").casefold()


@dataclass
class Replacement:
    start: int
    end: int
    text: str


class OffsetMap:
    """Maps offsets in the original text to offsets in the masked text; an offset inside a
    replaced run maps to the edge of its replacement."""

    def __init__(self, replacements: list[Replacement]):
        self._starts = [r.start for r in replacements]
        self._reps = replacements
        shifts, total = [], 0
        for r in replacements:
            total += len(r.text) - (r.end - r.start)
            shifts.append(total)
        self._shifts = shifts

    def __call__(self, offset: int, is_end: bool = False) -> int:
        i = bisect_right(self._starts, offset - 1 if is_end else offset) - 1
        if i < 0:
            return offset
        rep = self._reps[i]
        before = self._shifts[i - 1] if i else 0
        if offset < rep.end or (is_end and offset == rep.end):
            new_start = rep.start + before
            return new_start + len(rep.text) if is_end else new_start
        return offset + self._shifts[i]


class Pseudonymizer:
    def __init__(self, key: bytes, known_handles: Iterable[str] = (), known_names: Mapping[str, str] | None = None):
        """``known_names``: display name -> the handle it belongs to. A display name written in
        a text ("as Jane Roe said") is replaced by that handle's pseudonym, like the handle."""
        self._key = key
        handles = sorted({_handle_form(h) for h in known_handles if h and len(h.lstrip("@")) >= MIN_BARE_HANDLE},
                         key=len, reverse=True)
        self._bare = re.compile(
            r"(?<![\w@])(?:" + "|".join(re.escape(h) for h in handles) + r")(?!\w)", re.IGNORECASE
        ) if handles else None
        self._names = {" ".join(n.split()).casefold(): h for n, h in (known_names or {}).items()
                       if n and h and len(n.strip()) >= MIN_BARE_HANDLE}
        names = sorted(self._names, key=len, reverse=True)
        # Whitespace inside a name matches any run of whitespace: "Jane  Roe" across a line break too.
        self._name_re = re.compile(
            r"(?<!\w)(?:" + "|".join(r"\s+".join(map(re.escape, n.split())) for n in names) + r")(?!\w)",
            re.IGNORECASE) if names else None

    def digest(self, kind: str, value: str) -> str:
        mac = hmac.new(self._key, f"{kind}\x1f{value}".encode("utf-8"), hashlib.sha256)
        return mac.hexdigest()[:DIGITS]

    @overload
    def handle(self, handle: str) -> str: ...
    @overload
    def handle(self, handle: None) -> None: ...

    def handle(self, handle: str | None) -> str | None:
        """A handle's pseudonym; the same for an author and for an @mention of them."""
        if not handle:
            return handle
        return "user_" + self.digest("handle", _handle_form(handle))

    def author_id(self, source: str, external_id: str | None) -> str | None:
        if not external_id:
            return external_id
        return "uid_" + self.digest("author_id", f"{source}\x1f{external_id}")

    def post_ref(self, source: str, external_id: str) -> str:
        return "post_" + self.digest("post", f"{source}\x1f{external_id}")

    def url(self, url: str | None) -> str | None:
        return "<url>" if url else url

    def mask_text(self, text: str) -> tuple[str, OffsetMap]:
        """Urls -> ``<url>``, @mentions -> ``@user_<hmac>``, known bare handles and known display
        names -> ``user_<hmac>``."""
        found: list[Replacement] = []
        for m in URL_RE.finditer(text):
            found.append(Replacement(m.start(), m.end(), "<url>"))
        for m in MENTION_RE.finditer(text):
            found.append(Replacement(m.start(), m.end(), "@" + self.handle(m.group()[1:])))
        if self._bare is not None:
            for m in self._bare.finditer(text):
                found.append(Replacement(m.start(), m.end(), self.handle(m.group())))
        if self._name_re is not None:
            for m in self._name_re.finditer(text):
                handle = self._names.get(" ".join(m.group().split()).casefold())
                if handle:
                    found.append(Replacement(m.start(), m.end(), self.handle(handle)))
        kept: list[Replacement] = []
        for rep in sorted(found, key=lambda r: (r.start, -(r.end - r.start))):
            if kept and rep.start < kept[-1].end:
                continue  # inside a url or mention already replaced
            kept.append(rep)
        out, last = [], 0
        for rep in kept:
            out += [text[last:rep.start], rep.text]
            last = rep.end
        out.append(text[last:])
        return "".join(out), OffsetMap(kept)
