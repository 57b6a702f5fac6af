"""The one sanitizer for untrusted text (posts, handles, urls, any collected field).

Collected text is hostile until proven otherwise: an ESC byte can retitle or clear the
analyst's terminal (OSC 0/52, CSI), a bidi override can make a post read differently from
what it says, and zero-width characters hide words from a search. Every such character is
replaced by a *visible* placeholder, so the analyst sees that it was there (that is evidence
too) and nothing reaches the terminal raw. Markup is a separate concern: screens render the
result as plain text (``rich.text.Text`` / ``markup=False``), never as markup.

``sanitize_with_offsets`` also returns where each original character landed, so evidence
spans found on the raw text can be highlighted on the sanitized text.
"""

from __future__ import annotations

import re
from bisect import bisect_right

_BIDI_NAMES = {
    "\u061c": "ALM", "\u200e": "LRM", "\u200f": "RLM",
    "\u202a": "LRE", "\u202b": "RLE", "\u202c": "PDF", "\u202d": "LRO", "\u202e": "RLO",
    "\u2066": "LRI", "\u2067": "RLI", "\u2068": "FSI", "\u2069": "PDI",
}
_INVISIBLE_NAMES = {
    "\u200b": "ZWSP", "\u200c": "ZWNJ", "\u200d": "ZWJ", "\u2060": "WJ", "\ufeff": "BOM",
    "\u00ad": "SHY", "\u2028": "LSEP", "\u2029": "PSEP", "\u180e": "MVS",
}

# Every other invisible format character (Unicode category Cf, as of Unicode 15: invisible
# operators U+2061-2064 such as U+2063, deprecated format controls, the Arabic/Syriac marks,
# interlinear annotation, Egyptian/shorthand/musical format controls) and the TAG block
# U+E0000-E007F, whose characters spell hidden ASCII ("ASCII smuggling"); plus the Hangul
# fillers, letters that render as nothing.
_FORMAT_RANGES = (
    "\u0600-\u0605\u06dd\u070f\u0890\u0891\u08e2\u2061-\u2064\u206a-\u206f\ufff9-\ufffb"
    "\U000110bd\U000110cd\U00013430-\U0001343f\U0001bca0-\U0001bca3\U0001d173-\U0001d17a"
    "\U000e0000-\U000e007f\u115f\u1160\u3164\uffa0"
)

# C0 except \t and \n, DEL, C1, bidi controls, zero-width/invisible, format characters, lone surrogates.
_UNSAFE = re.compile(
    "[\x00-\x08\x0b-\x1f\x7f-\x9f"
    + "".join(_BIDI_NAMES)
    + "".join(_INVISIBLE_NAMES)
    + _FORMAT_RANGES
    + "\ud800-\udfff]"
)


def _placeholder(ch: str) -> str:
    code = ord(ch)
    if code < 0x20:
        return chr(0x2400 + code)  # Unicode control pictures: ␛ for ESC, ␍ for CR, …
    if code == 0x7F:
        return "\u2421"  # ␡
    if 0x80 <= code <= 0x9F:
        return f"⟨C1:{code:02X}⟩"
    if ch in _BIDI_NAMES:
        return f"⟨{_BIDI_NAMES[ch]}⟩"
    if ch in _INVISIBLE_NAMES:
        return f"⟨{_INVISIBLE_NAMES[ch]}⟩"
    if 0xE0020 <= code <= 0xE007E:
        return f"⟨TAG {chr(code - 0xE0000)}⟩"  # the hidden ASCII letter, shown
    if 0xD800 <= code <= 0xDFFF:
        return "\ufffd"  # a lone surrogate from badly decoded input
    return f"⟨U+{code:04X}⟩"


def is_clean(text: str) -> bool:
    return _UNSAFE.search(text) is None


def sanitize(text: str | None) -> str:
    """Return text safe to show in a terminal (still to be rendered as plain text, not markup)."""
    if not text:
        return ""
    if _UNSAFE.search(text) is None:  # the common case costs one regex scan
        return text
    return _UNSAFE.sub(lambda m: _placeholder(m.group()), text)


class OffsetMap:
    """Maps character offsets in the raw text to offsets in the sanitized text."""

    def __init__(self, raw_positions: list[int], shifts: list[int]):
        self._raw_positions = raw_positions  # raw index of each replaced character
        self._shifts = shifts  # cumulative extra length after that character

    def __call__(self, raw_offset: int) -> int:
        i = bisect_right(self._raw_positions, raw_offset - 1)
        return raw_offset + (self._shifts[i - 1] if i else 0)


def sanitize_with_offsets(text: str | None) -> tuple[str, OffsetMap]:
    """Sanitize and return a map from raw offsets to sanitized offsets (for evidence spans)."""
    text = text or ""
    positions: list[int] = []
    shifts: list[int] = []
    out: list[str] = []
    last = 0
    extra = 0
    for m in _UNSAFE.finditer(text):
        rep = _placeholder(m.group())
        out.append(text[last:m.start()])
        out.append(rep)
        last = m.end()
        extra += len(rep) - 1
        positions.append(m.start())
        shifts.append(extra)
    out.append(text[last:])
    return "".join(out), OffsetMap(positions, shifts)


# A spreadsheet evaluates a cell whose first significant character is one of these (full-width
# forms too, which some convert); it skips leading whitespace and control characters first, so
# "\x00=HYPERLINK(...)" and " =1+1" run as formulas in LibreOffice.
_FORMULA_CHARS = frozenset("=+-@\uff1d\uff0b\uff0d\uff20")
_SKIPPED_LEAD = "".join(chr(c) for c in range(0x21)) + "\x7f\u00a0\u1680\u2000\u2001\u2002\u2003\u2004" \
    "\u2005\u2006\u2007\u2008\u2009\u200a\u200b\u2028\u2029\u202f\u205f\u3000\ufeff"


def spreadsheet_cell(value):
    """A CSV cell that no spreadsheet runs as a formula and that carries no control character.

    Untrusted text is sanitized (escape sequences become visible placeholders) and a cell whose
    first significant character starts a formula gets a leading ``'``, which spreadsheets show
    as text. Non-strings (numbers) pass as they are."""
    if not isinstance(value, str):
        return value
    lead = value.lstrip(_SKIPPED_LEAD)
    cell = sanitize(value)
    if lead[:1] in _FORMULA_CHARS or (value[:1] in ("\t", "\r", "\n") and lead):
        return "'" + cell
    return cell


def clip(text: str, limit: int) -> str:
    """Sanitize and cut to at most ``limit`` characters, one line, for list rows."""
    flat = sanitize(text).replace("\n", " ⏎ ").replace("\t", " ")
    return flat if len(flat) <= limit else flat[: max(0, limit - 1)] + "…"
