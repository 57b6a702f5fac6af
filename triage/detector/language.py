"""Which language a post is in, when it matters: rules and model know English only.

A Portuguese "massacre" after a 4-0 win is sport, and a Spanish "matar" is not matched at all:
scored as English, foreign posts are noise at best. ``foreign_language(text)`` names a post's
language when it is confidently not English; the detector then damps that post's scores
(``FOREIGN_DAMP``) and tags its evidence ``/lang:xx``, which the post view shows.

py3langid (a maintained fork of langid.py, BSD licence, model shipped in the wheel: nothing is
downloaded) costs ~50 us a post, as much as tokenizing it, so the detector asks only about posts
that have evidence. Its model loads on first use (~1 s).
"""

from __future__ import annotations

import re

# Languages the identifier chooses among: the ones posts in this field come in most. A closed
# set keeps it from calling short English posts Sesotho or Latin.
LANGUAGES = ["en", "pt", "es", "fr", "de", "it", "nl", "ru", "uk", "tr", "ar", "fa", "pl", "id", "sv", "ja",
             "zh", "ko", "hi", "ur"]
MIN_CONFIDENCE = 0.9  # below this the post counts as English
MIN_WORDS = 3  # "lol", "gg ez": too short to tell
FOREIGN_DAMP = 0.3
_WORD = re.compile(r"[^\W\d_]{2,}")
# Words that are English and nothing else among the languages above: a post holding two of them
# is English enough, and the identifier (the costly part) is not asked.
ENGLISH_WORDS = frozenset(
    "the and you i to that this it with my your they what was have just not of for are we he she will "
    "would me but all if when from don't i'm it's can't im dont is be at on do get got our their them "
    "been has had were there here about out up "
    # everyday words, as unmistakable: short English posts (most posts are short) are settled here
    # rather than by the identifier, which costs as much as tagging the post
    "being every him his her who how why which where than then because after before into could "
    "should some any more only also know think going need people good last week time year day "
    "night today tomorrow tonight great sorry off by new now see said say gonna wanna "
    "thing things really never always again even back way well much many made make look "
    "lock work school home house friend friends family everyone someone nobody nothing something "
    "anyone anything everything right left first next fits fit pocket "
    "while whole world life love hate feel felt told tell take took give gave came went "
    "these those other another each own same such very too most least little big small "
    "old young men woman women kid kids guy guys ugh tbh idk".split()
)
_identifier = None


def _get():
    global _identifier
    if _identifier is None:
        from py3langid.langid import _load_identifier

        _identifier = _load_identifier(norm_probs=True, langs=LANGUAGES)
    return _identifier


def foreign_language(text: str, english_words: int | None = None) -> str | None:
    """The post's language code when it is confidently not English, else None. ``english_words``:
    how many of the post's words are in ENGLISH_WORDS, when the caller has counted them (the
    detector does, on the tokens it has); two or more settle it."""
    if english_words is not None and english_words >= 2:
        return None
    if len(_WORD.findall(text)) < MIN_WORDS:
        return None
    lang, confidence = _get().classify(text)
    if lang != "en" and confidence >= MIN_CONFIDENCE:
        return lang
    return None
