"""Read a post's tokens from a cache of space-separated chunks instead of building a spaCy Doc.

Building a Doc was the biggest single cost of tagging (~41 µs of ~90 µs a post, measured),
and most of what the rules read is the tokens' NORM hashes. spaCy's tokenizer splits a text at
whitespace and tokenizes each whitespace-free chunk on its own (prefixes, suffixes, infixes,
special cases), caching the result per chunk; ``ChunkReader`` does the same one level up: each
chunk's NORM hashes are kept in a dict, so a post of known chunks costs two ``str.split`` and
one C-level concatenation. A chunk not seen yet is tokenized alone by the detector's own
tokenizer. ``ChunkDoc`` gives the few places that read more than NORM (char offsets of
evidence, token text for the negation check, LIKE_NUM for ``#num`` patterns, lower case for
the model's words) the same answers as the Doc would, built only when asked.

Why the result is exactly the Doc's (``tests/test_detector_fastpath.py`` checks it token by
token on real and hostile text):

* only a text whose sole whitespace is single " " between non-empty chunks takes this path (no
  newline, tab, NBSP, double, leading or trailing space); spaCy then makes no whitespace token
  and tokenizes each chunk exactly as it does the chunk alone (its own per-chunk cache relies
  on the same);
* spaCy's one pass over the whole Doc, ``_apply_special_cases``, looks for special-case strings
  (":)", "e.g.") as runs of tokens; a run could reach across a space and, as the longer match,
  hide a special case inside a chunk. Such a run needs a token that ends a chunk and may stand
  before another token of a special case, then one that starts the next chunk and may follow
  one. ``ChunkReader`` lists those token spellings from the tokenizer's own special cases and
  sends every post with such a pair of neighbouring chunks to the Doc path (a few in a hundred).
"""

from __future__ import annotations

from itertools import chain
from typing import Any

CACHE_LIMIT = 200_000  # chunks kept; past it the cache starts again (~40 MB at the limit, measured)


class ChunkReader:
    """NORM hashes of a post, chunk by chunk, for posts spaCy would tokenize chunk by chunk."""

    def __init__(self, tokenizer: Any, limit: int = CACHE_LIMIT):
        self.tokenizer = tokenizer  # the detector's own tokenizer: the chunks read as its Docs do
        self.limit = limit
        self._norms: dict[str, tuple[int, ...]] = {}  # chunk -> NORM hash of each of its tokens
        # chunk -> (start, end) of each token in it, for the chunks of more than one token
        self._pieces: dict[str, tuple[tuple[int, int], ...]] = {}
        # a special case's consecutive tokens (a -> every b that may follow a), and what chunks
        # end or start with such tokens: where a special case could match across a space
        self._pairs = _special_case_pairs(tokenizer)
        self._tail_lengths = sorted({len(a) for a in self._pairs})
        self._heads = frozenset(b for bs in self._pairs.values() for b in bs)
        self._head_lengths = sorted({len(b) for b in self._heads})
        self._follow: dict[str, frozenset[str]] = {}  # chunk -> tokens that may follow its last one
        self._lead: dict[str, frozenset[str]] = {}  # chunk -> tokens it may start with

    def norms(self, text: str) -> list[int] | None:
        """The NORM hashes of ``text``'s tokens as its Doc would have them, or None when the text
        must be tokenized whole (whitespace other than single spaces, or a chunk boundary where a
        special case could reach across)."""
        # str.isprintable is False for every whitespace character but " " (and for a few more
        # characters, which only send their post to the Doc path): one C scan, no list built
        if not text.isprintable() or not text or text[0] == " " or text[-1] == " " or "  " in text:
            return None
        parts = text.split(" ")
        try:
            norms = list(chain.from_iterable(map(self._norms.__getitem__, parts)))
        except KeyError:
            self._learn(parts)
            norms = list(chain.from_iterable(map(self._norms.__getitem__, parts)))
        if len(parts) > 1 and not self._lead.keys().isdisjoint(parts) and not self._follow.keys().isdisjoint(parts):
            follow, lead = self._follow, self._lead
            for a, b in zip(parts, parts[1:]):
                after = follow.get(a)
                if after is not None:
                    heads = lead.get(b)
                    if heads is not None and not after.isdisjoint(heads):
                        return None
        return norms

    def _learn(self, parts: list[str]) -> None:
        cache = self._norms
        if len(cache) + len(parts) > self.limit:
            self.clear()
        tokenizer = self.tokenizer
        for part in parts:
            if part in cache:
                continue
            doc = tokenizer(part)
            cache[part] = tuple(t.norm for t in doc)
            if len(doc) > 1:
                self._pieces[part] = tuple((t.idx, t.idx + len(t)) for t in doc)
            # token spellings are compared at the chunk's edges as strings: whatever spaCy's
            # tokens there are before its special-case pass, they are among these
            pairs = self._pairs
            tails = [part[-n:] for n in self._tail_lengths if n <= len(part) and part[-n:] in pairs]
            if tails:
                self._follow[part] = frozenset().union(*(pairs[a] for a in tails))
            heads = frozenset(part[:n] for n in self._head_lengths if n <= len(part) and part[:n] in self._heads)
            if heads:
                self._lead[part] = heads

    def pieces(self, part: str) -> tuple[tuple[int, int], ...]:
        """(start, end) of each token of a chunk, within the chunk."""
        got = self._pieces.get(part)
        if got is not None:
            return got
        if len(self._norms.get(part, ())) == 1:
            return ((0, len(part)),)
        doc = self.tokenizer(part)  # asked after the cache started again: the same tokens anew
        return tuple((t.idx, t.idx + len(t)) for t in doc)

    def clear(self) -> None:
        self._norms.clear()
        self._pieces.clear()
        self._follow.clear()
        self._lead.clear()

    def __len__(self) -> int:
        return len(self._norms)


def _special_case_pairs(tokenizer: Any) -> dict[str, frozenset[str]]:
    """Token a -> the tokens b that follow a somewhere in a special case, as spaCy's
    ``_apply_special_cases`` looks for it: spaCy matches each special-case string as the tokens
    its prefixes, suffixes and infixes alone make of it. A match across a space between two
    chunks needs such an a ending the first chunk and its b starting the second."""
    from spacy.tokenizer import Tokenizer
    from spacy.vocab import Vocab

    # a vocab of its own: the special cases' pieces do not become lexemes of the one every post
    # is looked up in (a bigger vocab tokenizes measurably slower, see component.py)
    bare = Tokenizer(Vocab(), rules=None, prefix_search=tokenizer.prefix_search,
                     suffix_search=tokenizer.suffix_search, infix_finditer=tokenizer.infix_finditer,
                     token_match=tokenizer.token_match, url_match=tokenizer.url_match)
    pairs: dict[str, set[str]] = {}
    for key in tokenizer.rules or {}:
        orths = [t.text for t in bare(key)]
        for a, b in zip(orths, orths[1:]):
            pairs.setdefault(a, set()).add(b)
    return {a: frozenset(bs) for a, bs in pairs.items()}


class ChunkToken:
    """What the detector reads of a token: ``idx``, ``text``, ``norm``, ``norm_``, ``lower_``, ``like_num``."""

    __slots__ = ("idx", "text", "norm", "_vocab")

    def __init__(self, idx: int, text: str, norm: int, vocab: Any):
        self.idx = idx
        self.text = text
        self.norm = norm
        self._vocab = vocab

    def __len__(self) -> int:
        return len(self.text)

    @property
    def norm_(self) -> str:
        return self._vocab.strings[self.norm]

    @property
    def lower_(self) -> str:
        return self._vocab[self.text].lower_

    @property
    def like_num(self) -> bool:
        return self._vocab[self.text].like_num


class ChunkDoc:
    """A post read by ``ChunkReader``: the parts of a spaCy Doc the detector uses (length, tokens by
    position, ``text``, ``ents``, ``to_array`` of NORM and LIKE_NUM). Token offsets are worked out
    on first use: most posts are never asked."""

    __slots__ = ("text", "norms", "_reader", "_spans")
    ents = ()  # only the NER pipeline finds entities, and it takes the Doc path

    def __init__(self, text: str, norms: list[int], reader: ChunkReader):
        self.text = text
        self.norms = norms
        self._reader = reader
        self._spans: list[tuple[int, int]] | None = None

    def _offsets(self) -> list[tuple[int, int]]:
        if self._spans is None:
            spans: list[tuple[int, int]] = []
            at = 0
            reader = self._reader
            for part in self.text.split(" "):
                spans.extend((at + s, at + e) for s, e in reader.pieces(part))
                at += len(part) + 1
            self._spans = spans
        return self._spans

    def __len__(self) -> int:
        return len(self.norms)

    def __getitem__(self, i: int) -> ChunkToken:
        s, e = self._offsets()[i]
        return ChunkToken(s, self.text[s:e], self.norms[i], self._reader.tokenizer.vocab)

    def __iter__(self):
        return (self[i] for i in range(len(self.norms)))

    def to_array(self, attr: int):
        import numpy
        from spacy.attrs import LIKE_NUM, NORM

        if attr == NORM:
            return numpy.array(self.norms, dtype=numpy.uint64)
        if attr == LIKE_NUM:
            return numpy.array([t.like_num for t in self], dtype=numpy.uint64)
        raise ValueError(f"ChunkDoc has no attribute {attr} (the detector reads NORM and LIKE_NUM)")
