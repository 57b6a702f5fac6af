"""Read a post's tokens from a cache of whitespace-separated chunks instead of building a spaCy Doc.

Building a Doc was the biggest single cost of tagging (~41 µs of ~90 µs a post, measured),
and most of what the rules read is the tokens' NORM hashes. spaCy's tokenizer splits a text at
whitespace and tokenizes each whitespace-free chunk on its own (prefixes, suffixes, infixes,
special cases), caching the result per chunk; ``ChunkReader`` does the same one level up: each
chunk's NORM hashes are kept in a dict, so a post of known chunks costs a ``str.split`` and one
C-level concatenation. A chunk not seen yet is tokenized alone by the detector's own tokenizer.
``ChunkDoc`` gives the few places that read more than NORM (char offsets of evidence, token
text for the negation check, LIKE_NUM for ``#num`` patterns, lower case for the model's words)
the same answers as the Doc would, worked out only when asked.

Why the result is exactly the Doc's (``tests/test_detector_fastpath.py`` checks it token by
token on real and hostile text, ``scripts/detector_diff.py`` decision by decision):

* the text is cut where spaCy cuts it: at each change between whitespace and the rest, the
  single " " after a word belonging to that word (no token), any other run of whitespace
  being a chunk of its own (a "\\n\\n" or "  " token; ``_spacy_chunks``). spaCy tokenizes each
  such chunk exactly as it tokenizes the chunk alone (its own per-chunk cache relies on it);
* then spaCy makes one pass over the whole Doc, ``_apply_special_cases``: it looks for special-
  case strings (":)", "e.g.") as the runs of tokens their prefixes, suffixes and infixes alone
  make of them. Such a run could reach from one chunk into the next ("x:) )": ":" ")" ")"),
  and, being the longer match, keep a special case inside the chunk from applying: there the
  post's tokens differ from its chunks'. Reaching across needs the first chunk to end, before
  that pass, in a token a that a special case continues, and the next to start with a token
  that may follow a. Before the pass, a chunk's last token is its last token after it, or the
  last of a special case's tokens where the pass rewrote the chunk's end (a special-case
  string the chunk ends with); ``ChunkReader`` lists all of those from the tokenizer's own
  special cases and sends a post with any such pair of neighbouring chunks to the Doc path
  (about 1 post in 70 on the bench and development corpora).

Memory: at most ``CACHE_LIMIT`` chunks per process (40-70 MB); past it the cache starts again.
"""

from __future__ import annotations

import re
from bisect import bisect_right
from itertools import accumulate, chain, repeat
from operator import add, and_
from typing import Any, Sized, cast

# chunks kept per process; past it the cache starts again. Measured at the limit: ~40 MB with the
# bench corpus's chunks (200 bytes each), ~68 MB with real posts' (340 bytes: longer, more of
# several tokens). 100,000 bench posts hold 136,000 distinct chunks, 65,000 real posts 119,000.
CACHE_LIMIT = 200_000


class ChunkReader:
    """NORM hashes of a post, chunk by chunk, for posts spaCy would tokenize chunk by chunk."""

    def __init__(self, tokenizer: Any, limit: int = CACHE_LIMIT):
        self.tokenizer = tokenizer  # the detector's own tokenizer: the chunks read as its Docs do
        self.limit = limit
        self._norms: dict[str, tuple[int, ...]] = {}  # chunk -> NORM hash of each of its tokens
        # chunk -> (start, end) of each token in it, for the chunks of more than one token
        self._pieces: dict[str, tuple[tuple[int, int], ...]] = {}
        self._nums: dict[str, tuple[bool, ...]] = {}  # chunk -> LIKE_NUM of each of its tokens
        self._shapes: dict[tuple[bool, ...], tuple[bool, ...]] = {}
        # Where a special case could match across a space (see the module's docstring): for each
        # token a that some special case continues, the tokens b that may come next, as a bit
        # mask over every such b; per chunk, the b's that may follow its last token before the
        # special-case pass (``_follow``) and the b's its first token may be (``_lead``). A post
        # is at risk where one chunk's follow mask meets the next one's lead mask: a few C-level
        # map calls per post, no Python loop over its chunks.
        pairs, self._edges = _special_cases(tokenizer)
        bit = {b: 1 << i for i, b in enumerate(sorted({b for bs in pairs.values() for b in bs}))}
        self._bit = bit
        self._follows = {a: sum(bit[b] for b in bs) for a, bs in pairs.items()}
        self._key_lengths = sorted({len(k) for k in self._edges})
        self._follow: dict[str, int] = {}  # chunk -> mask of the tokens that may follow its end
        self._lead: dict[str, int] = {}  # chunk -> mask of the tokens it may start with

    def read(self, text: str) -> tuple[list[int], list[str], bool] | None:
        """The NORM hashes of ``text``'s tokens as its Doc would have them, its chunks, and whether
        the chunks are joined by single spaces only; or None when the text must be tokenized whole
        (a chunk boundary where a special case could reach across)."""
        spaced = True
        # str.isprintable is False for every whitespace character but " ": one C scan tells the
        # common text, chunks joined by single spaces, from the one that needs splitting as spaCy does
        if text.isprintable() and text and text[0] != " " and text[-1] != " " and "  " not in text:
            parts = text.split(" ")
        else:
            # the single space after a word is cut away, any other run of whitespace kept as a piece
            parts = [p for p in _CUT.split(text) if p]
            if not parts:
                return None  # the empty text: no token, nothing to cache
            spaced = False  # a ChunkDoc asked for offsets works them out with ``_spacy_chunks``
        try:
            norms = list(chain.from_iterable(map(self._norms.__getitem__, parts)))
        except KeyError:
            self._learn(parts)
            norms = list(chain.from_iterable(map(self._norms.__getitem__, parts)))
        if len(parts) > 1 and any(map(and_, map(self._follow.get, parts, repeat(0, len(parts) - 1)),
                                      map(self._lead.get, parts[1:], repeat(0)))):
            return None
        return norms, parts, spaced

    def like_num(self, parts: list[str]) -> list[bool]:
        """LIKE_NUM of each token of these chunks, in order."""
        try:
            return list(chain.from_iterable(map(self._nums.__getitem__, parts)))
        except KeyError:  # the cache started again since the post was read
            vocab = self.tokenizer.vocab
            return [vocab[t.text].like_num for part in parts for t in self.tokenizer(part)]

    def _learn(self, parts: list[str]) -> None:
        cache = self._norms
        if len(cache) + len(parts) > self.limit:
            self.clear()
        tokenizer = self.tokenizer
        follows, bit = self._follows, self._bit
        for part in parts:
            if part in cache:
                continue
            doc = tokenizer(part)
            cache[part] = tuple(t.norm for t in doc)
            nums = tuple(t.like_num for t in doc)
            self._nums[part] = self._shapes.setdefault(nums, nums)  # a few distinct tuples, shared
            if len(doc) > 1:
                self._pieces[part] = tuple((t.idx, t.idx + len(t)) for t in doc)
            # The chunk's last token before spaCy's special-case pass is its last token now, or,
            # where that pass rewrote the chunk's end, the last token of the special case's
            # string as spaCy matched it (a string the chunk ends with); likewise its first.
            lasts = {doc[-1].text} if len(doc) else set()
            firsts = {doc[0].text} if len(doc) else set()
            for n in self._key_lengths:
                if n <= len(part):
                    edge = self._edges.get(part[-n:])
                    if edge is not None:
                        lasts.add(edge[1])
                    edge = self._edges.get(part[:n])
                    if edge is not None:
                        firsts.add(edge[0])
            follow = 0
            for last in lasts:
                follow |= follows.get(last, 0)
            if follow:
                self._follow[part] = follow
            lead = 0
            for first in firsts:
                lead |= bit.get(first, 0)
            if lead:
                self._lead[part] = lead

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
        self._nums.clear()
        self._shapes.clear()
        self._follow.clear()
        self._lead.clear()

    def __len__(self) -> int:
        return len(self._norms)


def _spacy_chunks(text: str) -> tuple[list[str], list[int]]:
    """The strings spaCy's tokenizer tokenizes one by one in ``text``, and where each starts: the
    runs of non-whitespace, and the runs of whitespace but for the single " " that follows a
    non-whitespace run (spaCy marks it as that token's trailing space; a longer run loses only
    that first space and becomes a token). Python's whitespace (``\\s``, ``str.isspace``) is the
    one spaCy splits at."""
    runs = _RUNS.split(text)  # non-space, space, non-space, ..., non-space (the ends may be empty)
    at = list(accumulate(map(len, runs), initial=0))
    parts: list[str] = []
    starts: list[int] = []
    for k, run in enumerate(runs):
        if not run:
            continue
        start = at[k]
        if k % 2 and k > 0 and runs[k - 1] and run[0] == " ":  # whitespace after a word
            run = run[1:]
            start += 1
            if not run:
                continue
        parts.append(run)
        starts.append(start)
    return parts, starts


_RUNS = re.compile(r"(\s+)")
# the same cut in one C-level split: a single space after a non-space is dropped (the group
# does not take part: None), any other run of whitespace is kept (the group)
_CUT = re.compile(r"(?<=\S) |(\s+)")


def _special_cases(tokenizer: Any) -> tuple[dict[str, frozenset[str]], dict[str, tuple[str, str]]]:
    """How spaCy's ``_apply_special_cases`` looks for special cases: as the tokens the prefixes,
    suffixes and infixes alone make of each special-case string. Returns (token a -> the tokens
    b that follow a in such a string) and (string -> its first and last such token), for every
    special-case string (spaCy looks for fewer: taking all only sends more posts to the Doc path)."""
    from spacy.tokenizer import Tokenizer
    from spacy.vocab import Vocab

    # a vocab of its own: the special cases' pieces do not become lexemes of the one every post
    # is looked up in (a bigger vocab tokenizes measurably slower, see component.py)
    bare = Tokenizer(Vocab(), rules=None, prefix_search=tokenizer.prefix_search,
                     suffix_search=tokenizer.suffix_search, infix_finditer=tokenizer.infix_finditer,
                     token_match=tokenizer.token_match, url_match=tokenizer.url_match)
    pairs: dict[str, set[str]] = {}
    edges: dict[str, tuple[str, str]] = {}
    for key in tokenizer.rules or {}:
        orths = [t.text for t in bare(key)]
        if orths:
            edges[key] = (orths[0], orths[-1])
        for a, b in zip(orths, orths[1:]):
            pairs.setdefault(a, set()).add(b)
    return {a: frozenset(bs) for a, bs in pairs.items()}, edges


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
    on first use, and then only per chunk: most posts are never asked, the others for a few tokens."""

    __slots__ = ("text", "norms", "parts", "_spaced", "_starts", "_reader", "_token_ends")
    ents = ()  # only the NER pipeline finds entities, and it takes the Doc path

    def __init__(self, text: str, norms: list[int], parts: list[str], spaced: bool, reader: ChunkReader):
        self.text = text
        self.norms = norms
        self.parts = parts
        self._spaced = spaced  # the chunks are joined by single spaces
        self._starts: list[int] | None = None  # where each chunk starts, when first asked
        self._reader = reader
        self._token_ends: list[int] | None = None  # tokens up to the end of each chunk

    def _span(self, i: int) -> tuple[int, int]:
        """Character offsets of token i in ``text``."""
        if self._token_ends is None:
            reader = self._reader
            cached = list(map(reader._norms.get, self.parts))
            # the tokens of each chunk (the cache may have started again since the post was read)
            counts: list[Sized] = ([reader.pieces(p) for p in self.parts] if None in cached
                                   else cast(list[Sized], cached))
            self._token_ends = list(accumulate(map(len, counts)))
            if self._spaced:
                self._starts = list(accumulate(map(add, map(len, self.parts), repeat(1)), initial=0))
            else:
                self._starts = _spacy_chunks(self.text)[1]
        if not 0 <= i < len(self.norms):
            raise IndexError(i)
        k = bisect_right(self._token_ends, i)
        part = self.parts[k]
        first = self._token_ends[k - 1] if k else 0
        assert self._starts is not None  # set with _token_ends
        at = self._starts[k]
        if self._token_ends[k] - first == 1:
            return at, at + len(part)
        s, e = self._reader.pieces(part)[i - first]
        return at + s, at + e

    def __len__(self) -> int:
        return len(self.norms)

    def __getitem__(self, i: int) -> ChunkToken:
        s, e = self._span(i)
        return ChunkToken(s, self.text[s:e], self.norms[i], self._reader.tokenizer.vocab)

    def __iter__(self):
        return (self[i] for i in range(len(self.norms)))

    def to_array(self, attr: int):
        import numpy
        from spacy.attrs import LIKE_NUM, NORM

        if attr == NORM:
            return numpy.array(self.norms, dtype=numpy.uint64)
        if attr == LIKE_NUM:
            return numpy.array(self._reader.like_num(self.parts), dtype=numpy.uint64)
        raise ValueError(f"ChunkDoc has no attribute {attr} (the detector reads NORM and LIKE_NUM)")
