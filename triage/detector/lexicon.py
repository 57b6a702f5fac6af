"""The word-class table (``data/lexicon/word_classes.toml``) the text classifier generalizes with.

Returns plain data: ``{word: [class, ...]}`` in file order, the words compared on NORM. See the
file's header for why classes exist. No spaCy here.
"""

from __future__ import annotations

import re
import tomllib
from pathlib import Path

from ..errors import SetupError
from . import resources

_CVC = re.compile(r"[^aeiou][aeiou][bdgmnprt]$")


class LexiconError(SetupError, ValueError):
    """A word-class file that cannot be used: ``file: class: what is wrong``."""


def inflections(word: str) -> list[str]:
    """The word and its -s/-ed/-ing/-er forms (regular English; irregular forms go in ``extra``)."""
    w = word
    if w.endswith("e"):
        forms = [w + "s", w + "d", w[:-1] + "ing", w + "r", w + "rs"]
    elif len(w) <= 5 and _CVC.search(w):  # stab -> stabbed, stabbing
        d = w + w[-1]
        forms = [w + "s", d + "ed", d + "ing", d + "er", d + "ers", w + "ed", w + "ing"]
    else:
        forms = [w + "s", w + "es", w + "ed", w + "ing", w + "er", w + "ers"]
    return [w] + forms


def default_path() -> Path:
    return resources.data_dir() / "lexicon" / "word_classes.toml"


def load_word_classes(path: str | Path | None = None) -> dict[str, list[str]]:
    """``{word: [class, ...]}`` from a word-class file (default: the shipped one)."""
    path = Path(path) if path else default_path()
    try:
        doc = tomllib.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError) as exc:
        raise LexiconError(f"{path}: cannot read ({exc.__class__.__name__})") from None
    except tomllib.TOMLDecodeError as exc:
        raise LexiconError(f"{path}: not valid TOML ({exc})") from None
    classes = doc.get("classes")
    if not isinstance(classes, dict) or not classes:
        raise LexiconError(f"{path}: no [classes.NAME] tables")
    table: dict[str, list[str]] = {}
    for name, spec in classes.items():
        if not isinstance(spec, dict) or not isinstance(spec.get("words", ""), str) \
                or not isinstance(spec.get("extra", ""), str):
            raise LexiconError(f"{path}: {name}: needs words = \"...\" (a string of words)")
        words = spec.get("words", "").split()
        if not words:
            raise LexiconError(f"{path}: {name}: no words")
        forms = [f for w in words for f in (inflections(w) if spec.get("inflect") else [w])]
        forms += spec.get("extra", "").split()
        for form in forms:
            have = table.setdefault(form.lower(), [])
            if name not in have:
                have.append(name)
    return table
