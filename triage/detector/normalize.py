"""What the detector reads: the post with evasions undone, and a map back to the stored text.

People who want a threat to get past a filter write ``k\u200bi\u200bl\u200bl``, ``k1ll``, ``sh00t``,
``kiiiill``, ``𝐤𝐢𝐥𝐥``, ``ｋｉｌｌ`` or ``kіll`` (a Cyrillic і). Rules and model match words, so each of
those would read as a word they have never seen. Before tagging, each whitespace-separated
piece that holds such a trick is rewritten:

* invisible characters are dropped: Unicode format characters (category Cf: zero-width spaces
  and joiners, bidi controls, soft hyphen, TAG characters), variation selectors and combining
  marks (the "zalgo" overlay);
* NFKC folds compatibility forms (fullwidth, mathematical bold/italic, ligatures, circled letters);
* homoglyphs: Cyrillic and Greek letters that look Latin become Latin, in a word that mixes
  them with Latin letters or is made only of look-alikes (a Russian word is left alone);
* leetspeak: a digit or ``! | $`` between two letters becomes the letter it stands for
  (``k1ll``, ``sh00t``, ``k!ll``), and a leading ``$`` before letters an ``s``. Digits at a word's
  edge stay: ``ar15``, ``9mm``, ``24th``, ``mp5`` are real names;
* stretched letters: a run of three or more of one letter shrinks to the form the detector knows
  (``kiiiill`` -> ``kill``, ``shooooot`` -> ``shoot``), else to two;
* runs of spaces and tabs become one space (spaCy would make extra whitespace a token of its own
  and break "kill   you" apart); line breaks stay, they end a clause.

Evidence is reported on the text as stored: ``normalize`` returns, with the rewritten text, the
raw offset of every character it kept or made (``origin``), so a hit on "kill you" in the
rewritten text points at ``k\u200bi\u200bl\u200bl you`` in the post.
"""

from __future__ import annotations

import re
import unicodedata
from typing import Callable

# Unicode category Cf (format characters) as of Unicode 15, plus variation selectors, the
# combining-mark blocks used for "zalgo" text, and the Hangul/braille blanks that render empty.
_INVISIBLE_RANGES = (
    "\u00ad\u034f\u061c\u115f\u1160\u17b4\u17b5\u180b-\u180f\u200b-\u200f\u202a-\u202e\u2060-\u206f"
    "\u2800\u3164\ufe00-\ufe0f\ufeff\uffa0\ufff9-\ufffb\u0600-\u0605\u06dd\u070f\u0890\u0891\u08e2"
    "\u0300-\u036f\u1ab0-\u1aff\u1dc0-\u1dff\u20d0-\u20ff\ufe20-\ufe2f"
    "\U000110bd\U000110cd\U00013430-\U0001343f\U0001bca0-\U0001bca3\U0001d173-\U0001d17a"
    "\U000e0000-\U000e007f\U000e0100-\U000e01ef"
)
INVISIBLE = re.compile(f"[{_INVISIBLE_RANGES}]")
_SPACE = "\u00a0\u1680\u2000-\u200a\u202f\u205f\u3000"
# Where work may be needed: whitespace to squeeze, or a character or spelling that starts a
# trick. One linear pass over the text; a hit is widened to its whitespace-separated piece.
_TRIGGER = re.compile(
    rf"(?P<ws>[ \t{_SPACE}]{{2,}}|[\t{_SPACE}])"
    r"|[^\x00-\x7f]|([A-Za-z])\2\2|[A-Za-z][01345789!|$]+[A-Za-z]|(?<![^\s\"'(])\$[A-Za-z]"
)
# The ASCII triggers, checked one by one (``_untouched``): each test is a fast C scan, where
# the alternation above (with its back-reference) costs ~13 µs a post, as much as a third of
# spaCy's tokenizer. Most posts pass all of them and are returned untouched.
# a letter then either two more of it (stretched) or look-alike digits and a letter (leetspeak)
_ASCII_TRICK = re.compile(r"([A-Za-z])(?:\1\1|[01345789!|]+[A-Za-z])")
_PIECE_END = re.compile(r"\s")
_SURROGATE = re.compile("[\ud800-\udfff]")

# Letters of other scripts drawn like Latin ones (Cyrillic, Greek, a few IPA/Latin-extended).
_HOMOGLYPHS = str.maketrans({
    "а": "a", "в": "b", "е": "e", "ё": "e", "к": "k", "м": "m", "н": "h", "о": "o", "р": "p", "с": "c",
    "т": "t", "у": "y", "х": "x", "ѕ": "s", "і": "i", "ї": "i", "ј": "j", "һ": "h", "ԁ": "d", "ԛ": "q",
    "ԝ": "w", "ɡ": "g", "ɩ": "i", "ı": "i", "ο": "o", "α": "a", "ε": "e", "ι": "i", "κ": "k", "ν": "v",
    "ρ": "p", "τ": "t", "υ": "u", "χ": "x", "А": "A", "В": "B", "Е": "E", "К": "K", "М": "M", "Н": "H",
    "О": "O", "Р": "P", "С": "C", "Т": "T", "У": "Y", "Х": "X", "Ѕ": "S", "І": "I", "Ј": "J", "Α": "A",
    "Β": "B", "Ε": "E", "Ζ": "Z", "Η": "H", "Ι": "I", "Κ": "K", "Μ": "M", "Ν": "N", "Ο": "O", "Ρ": "P",
    "Τ": "T", "Υ": "Y", "Χ": "X",
})
_GLYPH_KEYS = frozenset(chr(k) for k in _HOMOGLYPHS)
_GLYPH_RE = re.compile("[" + "".join(sorted(_GLYPH_KEYS)) + "]")
_LEET = {"0": "o", "1": "i", "3": "e", "4": "a", "5": "s", "7": "t", "8": "b", "9": "g",
         "!": "i", "|": "l", "$": "s", "@": "a"}
_LEET_INSIDE = re.compile(r"(?<=[A-Za-z])[01345789!|$]+(?=[A-Za-z])")
_LEET_LEAD = re.compile(r"^([\"'(]?)\$(?=[A-Za-z])")
_STRETCH = re.compile(r"([A-Za-z])\1{2,}", re.IGNORECASE)


def normalize(text: str, known: Callable[[str], bool] | None = None) -> tuple[str, list[int] | None]:
    """The text to tag and, when it differs from ``text``, ``origin``: for each of its characters the
    offset in ``text`` it came from, plus one last entry ``len(text)``. ``known(word)`` tells
    whether the detector knows a lower-case word (it picks how far a stretched word shrinks)."""
    if not text.isascii() and _SURROGATE.search(text):  # badly decoded input would crash the tokenizer; one for one
        text = _SURROGATE.sub("\ufffd", text)
    if _untouched(text):
        return text, None
    m = _TRIGGER.search(text)
    if m is None:
        return text, None
    out: list[str] = []
    origin: list[int] = []
    last = 0
    changed = False
    while m is not None:
        if m.group("ws"):
            start, end = m.start(), m.end()
            new, offsets = " ", [start]
        else:
            start = m.start()
            while start > 0 and not text[start - 1].isspace():
                start -= 1
            stop = _PIECE_END.search(text, m.end())
            end = stop.start() if stop else len(text)
            piece = text[start:end]
            new, offsets = _piece(piece, known)
            offsets = [start + o for o in offsets]
            if new == piece:
                m = _TRIGGER.search(text, end)
                continue
        changed = True
        out.append(text[last:start])
        origin.extend(range(last, start))
        out.append(new)
        origin.extend(offsets)
        last = end
        m = _TRIGGER.search(text, end)
    if not changed:
        return text, None
    out.append(text[last:])
    origin.extend(range(last, len(text) + 1))
    return "".join(out), origin


def normalize_many(texts: list[str], known: Callable[[str], bool] | None = None
                   ) -> list[tuple[str, list[int] | None]]:
    """``normalize`` of each text. The stretched-letter and leetspeak test, the costliest part
    for the many posts with nothing to undo (~4 µs a post as a regular expression, its
    back-reference tried at every letter), runs on the whole batch at once as numpy arrays."""
    suspects = _ascii_tricks(texts)
    return [normalize(t, known) if suspect or not _plain(t) else (t, None)
            for t, suspect in zip(texts, suspects.tolist())]


def _untouched(text: str) -> bool:
    """Whether no trick needs undoing, tested without the slow alternation (see ``_plain``)."""
    return _plain(text) and not _ASCII_TRICK.search(text)


def _plain(text: str) -> bool:
    """Whether no trick but the ASCII ones of ``_ASCII_TRICK`` needs undoing: non-ASCII text must
    hold no surrogate, already be NFKC with no invisible character and no look-alike letter,
    then the ASCII triggers are looked for one by one (each a fast scan; most posts pass)."""
    if not text.isascii() and (_SURROGATE.search(text) or not unicodedata.is_normalized("NFKC", text)
                               or INVISIBLE.search(text) or _GLYPH_RE.search(text)):
        return False
    return not ("  " in text or "\t" in text or "$" in text)


# class of each ASCII character for ``_ascii_tricks``: 1 a letter, 2 a look-alike digit of _LEET
_CLASS = bytearray(128)
for _c in "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz":
    _CLASS[ord(_c)] = 1
for _c in "01345789!|":
    _CLASS[ord(_c)] = 2


def _ascii_tricks(texts: list[str]):
    """For each text, whether ``_ASCII_TRICK`` matches it: a letter written three times in a row,
    or a run of look-alike digits between two letters. Computed on the code points of the whole
    batch end to end; the NUL put between two texts is neither a letter nor a digit, so no
    match reaches across it."""
    import numpy

    # UTF-32: one number per character, so offsets in the batch are offsets in the string
    cp = numpy.frombuffer("\0".join(texts).encode("utf-32-le", "surrogatepass"), dtype=numpy.uint32)
    # each character's class, with a character of neither class at either end
    cls = numpy.zeros(len(cp) + 2, dtype=numpy.uint8)
    cls[1:-1] = numpy.frombuffer(bytes(_CLASS), dtype=numpy.uint8)[numpy.minimum(cp, 127)]
    letter = cls == 1
    leet = cls == 2
    where: list = []
    if len(cp) >= 3:  # the same letter (same case: the pattern's back-reference) three times
        where.append(numpy.flatnonzero(letter[1:-3] & (cp[:-2] == cp[1:-1]) & (cp[1:-1] == cp[2:])))
    starts = numpy.flatnonzero(leet[1:-1] & ~leet[:-2])  # each run of look-alikes: first and last
    ends = numpy.flatnonzero(leet[1:-1] & ~leet[2:])
    where.append(starts[letter[starts] & letter[ends + 2]])  # a letter before and after the run
    found = numpy.zeros(len(texts), dtype=bool)
    bounds = numpy.cumsum([len(t) + 1 for t in texts])  # one past each text's separator
    found[numpy.searchsorted(bounds, numpy.concatenate(where), side="right")] = True
    return found


def _piece(piece: str, known) -> tuple[str, list[int]]:
    """One non-space run, rewritten, with the offset (in the run) of each character of the result."""
    chars: list[str] = []
    offsets: list[int] = []
    for i, ch in enumerate(piece):
        if ch.isascii():
            chars.append(ch)
            offsets.append(i)
        elif INVISIBLE.match(ch):
            continue
        else:
            folded = unicodedata.normalize("NFKC", ch)
            if INVISIBLE.search(folded):
                folded = INVISIBLE.sub("", folded)
            chars.extend(folded)
            offsets.extend([i] * len(folded))
    word = "".join(chars)
    if not word.isascii() and any(c in _GLYPH_KEYS for c in word):
        letters = [c for c in word if c.isalpha()]
        latin = sum(1 for c in letters if c.isascii())
        lookalike = sum(1 for c in letters if c in _GLYPH_KEYS)
        if (latin and lookalike) or (letters and lookalike == len(letters)):
            word = word.translate(_HOMOGLYPHS)  # one letter for one: offsets stay
    if _LEET_INSIDE.search(word) or _LEET_LEAD.match(word):
        word = _LEET_INSIDE.sub(lambda m: "".join(_LEET[c] for c in m.group()), word)
        word = _LEET_LEAD.sub(lambda m: m.group(1) + "s", word)
    if _STRETCH.search(word):
        word, offsets = _unstretch(word, offsets, known)
    return word, offsets


def _unstretch(word: str, offsets: list[int], known) -> tuple[str, list[int]]:
    """Shrink each run of 3+ of one letter to 1 or 2, preferring a spelling the detector knows."""
    runs = [(m.start(), m.end()) for m in _STRETCH.finditer(word)][:4]
    doubled = _shrink(word, offsets, runs, [2] * len(runs))
    if known is None:
        return doubled
    for mask in range((1 << len(runs)) - 1, -1, -1):  # which runs keep two letters, most first
        keep = [2 if mask >> k & 1 else 1 for k in range(len(runs))]
        cand, offs = _shrink(word, offsets, runs, keep)
        if known(re.sub(r"[^a-z']", "", cand.lower())):
            return cand, offs
    return doubled  # nothing known: two of each, the gentler guess


def _shrink(word, offsets, runs, keep) -> tuple[str, list[int]]:
    chars: list[str] = []
    offs: list[int] = []
    pos = 0
    for (s, e), k in zip(runs, keep):
        chars.extend(word[pos:s])
        offs.extend(offsets[pos:s])
        chars.extend(word[s:s + k])
        offs.extend(offsets[s:s + k])
        pos = e
    chars.extend(word[pos:])
    offs.extend(offsets[pos:])
    return "".join(chars), offs
