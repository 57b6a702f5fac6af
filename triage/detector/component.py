"""The spaCy rule component: one dict lookup per token, then work only where a rule can match.

Why this shape (measured on a 2-core box): a spaCy Matcher with a few hundred token patterns
run on every post costs ~10x the tokenizer, and even run only on windows around anchor words
it cost 10-200 µs per call (large IN sets and gaps). A spaCy PhraseMatcher pass cost ~10 µs a
post, about half the tokenizer; one dict lookup per token costs less still. So neither matcher
runs here:

* every pattern that spells only a few fixed word sequences (literal terms, small groups) is
  expanded to those phrases, and each phrase is filed under its rarest word;
* every other token pattern has an *anchor*: the least common word position it requires,
  and is filed under each anchor word. There it is tried by a small matcher (``SeqMatcher``)
  that walks left and right from the anchor over the post's NORM hashes: a few µs per try.

One set intersection of the post's NORM hashes (``Doc.to_array``) with the index's words finds
the few filed words of the post: most tokens are in no rule. Where a word is filed, a dict
lookup on its neighbour picks the phrases to compare (a tuple lookup) and the token patterns
to walk (see ``_build_index``).

The component writes raw matches to ``doc.user_data["triage_matches"]`` (read-only alias
``doc._.triage_matches``) as ``(rule_index, start, end)``
token offsets; ``context.py`` turns them into scored hits.
"""

from __future__ import annotations

import copy
from pathlib import Path

from spacy.attrs import LIKE_NUM, NORM
from spacy.language import Language
from spacy.tokens import Doc

from .patterns import (
    _COMMON, Compiler, PatternError, PatternSet, _Alt, contains_negation, expand, load_patterns, plan_anchors,
)

if not Doc.has_extension("triage_matches"):
    Doc.set_extension("triage_matches", getter=lambda doc: doc.user_data.get(MATCHES_KEY))

MATCHES_KEY = "triage_matches"  # doc.user_data key (cheaper than the doc._ extension on the hot path)

LITERAL_LIMIT = 3000  # a fixed-length pattern with at most this many spellings is expanded to phrases ...
RULE_LITERAL_LIMIT = 2000  # ... as long as its rule stays within this many spellings in all (or it has no anchor)

# element kinds of a compiled token pattern
_W, _O, _G, _N, _A, _ALT = range(6)


class SeqMatcher:
    """One token pattern, tried at a known anchor position."""

    __slots__ = ("rule", "left", "right", "needs_num", "r0", "l0", "nexts", "prevs", "required")

    def __init__(self, rule: int, left: tuple, right: tuple, needs_num: bool):
        self.rule = rule
        self.left = left  # elements before the anchor, in reverse order (walked backwards)
        self.right = right  # elements after the anchor
        self.needs_num = needs_num
        # the words required right next to the anchor: most tries fail on them, before any walking
        self.r0 = right[0][1] if right and right[0][0] == _W else None
        self.l0 = left[0][1] if left and left[0][0] == _W else None
        # every word that can stand right after / before the anchor in a match, when that is a
        # known set (None: any token, or none at all, may): the index files the pattern by them
        self.nexts = _first_words(right, 0, None)
        self.prevs = _first_words(left, 0, None)
        # word sets each of which the post must contain for a match: checked on the post's
        # set of words before any walking (a time word alone is common; with an intent word, not)
        self.required = tuple(sorted(
            (w for w in (_required_words((e,)) for e in left + right) if w is not None), key=len))

    def match(self, norms: list[int], nums, p: int, present: set[int]) -> tuple[int, int] | None:
        """The token span of a match with the anchor at p, or None. ``present``: the post's words
        (the walk is skipped when one of ``required`` is missing)."""
        for words in self.required:
            if present.isdisjoint(words):
                return None
        r0 = self.r0
        if r0 is not None and (p + 1 >= len(norms) or norms[p + 1] not in r0):
            return None
        l0 = self.l0
        if l0 is not None and (p < 1 or norms[p - 1] not in l0):
            return None
        end = _walk(self.right, 0, p + 1, norms, nums, 1, None)
        if end is None:
            return None
        start = _walk(self.left, 0, p - 1, norms, nums, -1, None)
        if start is None:
            return None
        return start + 1, end


def _required_words(elems) -> frozenset[int] | None:
    """A word set one of which every match of elems must contain (the smallest such found), or None."""
    best = None
    for kind, val in elems:
        if kind == _W:
            got = val
        elif kind == _ALT:
            index, others = val
            words = set(index)
            for branch in others:
                sub = _required_words(branch)
                if sub is None:
                    got = None
                    break
                words |= sub
            else:
                got = frozenset(words)
        else:
            continue
        if got is not None and (best is None or len(got) < len(best)):
            best = got
    return best


def _first_words(elems, j: int, cont) -> frozenset[int] | None:
    """The words one of which must come first when matching elems[j:] (then the continuation),
    or None when that is not a fixed set (a wildcard, a number, a gap, or possibly nothing)."""
    while True:
        if j >= len(elems):
            if cont is None:
                return None
            elems, j, cont = cont
            continue
        kind, val = elems[j]
        if kind == _W:
            return val
        if kind == _O:
            rest = _first_words(elems, j + 1, cont)
            return None if rest is None else val | rest
        if kind == _G and val == (0, 0):
            j += 1
            continue
        if kind == _ALT:
            index, others = val
            words = set(index)
            after = (elems, j + 1, cont)
            for branch in others:
                got = _first_words(branch, 0, after)
                if got is None:
                    return None
                words |= got
            return frozenset(words)
        return None


def _walk(elems, j: int, pos: int, norms: list[int], nums, step: int, cont):
    """Match elems[j:] (then the continuation) from pos in direction step.

    Returns the position after the last token used, or None. ``cont`` is (elems, j, cont) to
    resume with once elems are done (how a group's branch returns to the rest of the pattern)."""
    n = len(norms)
    while True:
        if j >= len(elems):
            if cont is None:
                return pos
            elems, j, cont = cont
            continue
        kind, val = elems[j]
        if kind == _W:
            if 0 <= pos < n and norms[pos] in val:
                pos += step
                j += 1
                continue
            return None
        if kind == _O:
            if 0 <= pos < n and norms[pos] in val:
                got = _walk(elems, j + 1, pos + step, norms, nums, step, cont)
                if got is not None:
                    return got
            j += 1
            continue
        if kind == _ALT:
            after = (elems, j + 1, cont)
            index, others = val
            if 0 <= pos < n:
                for branch in index.get(norms[pos], ()):
                    got = _walk(branch, 0, pos, norms, nums, step, after)
                    if got is not None:
                        return got
            for branch in others:
                got = _walk(branch, 0, pos, norms, nums, step, after)
                if got is not None:
                    return got
            return None
        if kind == _G:
            lo, hi = val
            for skip in range(lo, hi + 1):
                q = pos + step * skip
                if q < -1 or q > n:
                    break
                got = _walk(elems, j + 1, q, norms, nums, step, cont)
                if got is not None:
                    return got
            return None
        if kind == _N:
            if 0 <= pos < n and nums[pos]:
                pos += step
                j += 1
                continue
            return None
        if 0 <= pos < n:  # _A: any one token
            pos += step
            j += 1
            continue
        return None


def _elems(nodes, strings, reverse: bool) -> tuple:
    """Compile nodes to walker elements (reversed, recursively, for walking left of the anchor)."""
    seq = reversed(nodes) if reverse else nodes
    out: list[tuple[int, object]] = []
    for node in seq:
        if isinstance(node, _Alt):
            # branches that start with a plain word are looked up by that word: only those can match here
            index: dict[int, list] = {}
            others = []
            for br in node.branches:
                compiled = _elems(br, strings, reverse)
                if compiled and compiled[0][0] == _W:
                    for h in compiled[0][1]:
                        index.setdefault(h, []).append(compiled)
                else:
                    others.append(compiled)
            out.append((_ALT, ({h: tuple(v) for h, v in index.items()}, tuple(others))))
        elif node.gap:
            out.append((_G, node.gap))
        elif node.num:
            out.append((_N, None))
        elif node.words is None:
            out.append((_A, None))
        else:
            hashes = frozenset(strings.add(w) for w in node.words)
            out.append((_O if node.optional else _W, hashes))
    return tuple(out)


def _needs_num(nodes) -> bool:
    for node in nodes:
        if isinstance(node, _Alt):
            if any(_needs_num(br) for br in node.branches):
                return True
        elif node.num:
            return True
    return False


class RuleMatcher:
    """Compiled rules of a PatternSet, bound to a vocab."""

    def __init__(self, nlp: Language, patterns: PatternSet):
        self.patterns = patterns
        self.rules = patterns.rules
        self.by_id = {r.id: r for r in self.rules}
        # per rule, by index: what the scoring of every post reads (a list index, not an attribute)
        self.kinds = [r.kind for r in self.rules]
        self.is_indicator = [r.is_indicator for r in self.rules]
        self.maxes = [r.max for r in self.rules]
        self.has_requires = [bool(r.requires) for r in self.rules]
        self.any_requires = any(self.has_requires)
        vocab = nlp.vocab
        # Pattern literals are spelled by a copy of the tokenizer with a vocab of its own: every
        # word a tokenizer reads stays in its vocab for good, and each post's tokens are looked up
        # in the main vocab's tables. The ~3,500 words of the pattern files made those tables
        # outgrow the CPU cache sooner: tagging tokenized ~10 % slower (measured).
        tokenizer = copy.deepcopy(nlp.tokenizer)

        def tokenize(text: str) -> list[str]:
            return [t.norm_ for t in tokenizer(text) if not t.is_space]

        self.compiler = Compiler(patterns.lists, patterns.aliases, tokenize)
        self.groups: list[list[SeqMatcher]] = []  # token patterns sharing an anchor set
        self.negation_inside: list[bool] = []  # the rule spells a negation itself
        group_of_anchor: dict[frozenset[str], int] = {}
        # fixed phrase -> rules that spell it, filed under the phrase's rarest word
        phrase_rules: dict[tuple[str, ...], list[int]] = {}
        strings = vocab.strings
        # context factors per rule: its indicator's [context] table with the rule's own overrides
        self.factors: list[dict[str, float]] = [
            {**patterns.context.get(r.kind, {}), **dict(r.context)} for r in self.rules
        ]
        for idx, rule in enumerate(self.rules):
            where = f"{rule.source}: rule {rule.id}"
            trees = [self.compiler.tree(m, where) for m in rule.match]
            specs: list[list[dict]] = []
            for m in rule.match:
                try:
                    specs.extend(self.compiler.compile(m, where))
                except PatternError:
                    pass  # too many expansions to list: only the negation check below looks at them
            self.negation_inside.append(contains_negation(rule, self.compiler, specs))
            phrases: list[tuple[str, ...]] = []
            for term in rule.terms:
                norms = self.compiler.terms(term)
                if norms:
                    phrases.append(tuple(norms))
            budget = RULE_LITERAL_LIMIT
            for nodes, m in zip(trees, rule.match):
                seqs = _literal_expansions(nodes)
                if seqs is not None and len(seqs) <= budget:
                    budget -= len(seqs)
                    phrases.extend(seqs)
                    continue
                planned = plan_anchors(nodes)
                if planned is None:
                    if seqs is not None:  # no anchor but few spellings: a phrase lookup can take them
                        phrases.extend(seqs)
                        continue
                    raise PatternError(
                        f"{where}: every pattern needs a word that is not a very common one "
                        f"(it runs only on posts containing that word); this one has none: {m!r}")
                for pnodes, k in planned:
                    anchor = pnodes[k].words
                    gid = group_of_anchor.get(anchor)
                    if gid is None:
                        gid = group_of_anchor[anchor] = len(self.groups)
                        self.groups.append([])
                    self.groups[gid].append(SeqMatcher(
                        idx, _elems(pnodes[:k], strings, True), _elems(pnodes[k + 1:], strings, False),
                        _needs_num(pnodes)))
            for seq in phrases:
                owners = phrase_rules.setdefault(seq, [])
                if idx not in owners:
                    owners.append(idx)
        self.n_phrases = len(phrase_rules)
        self.index = _build_index(phrase_rules, group_of_anchor, self.groups, strings)
        self._filed = frozenset(self.index)

    def __call__(self, doc: Doc, norms: list[int] | None = None) -> list[tuple[int, int, int]]:
        """Raw matches ``(rule_index, start, end)``, sorted; ``norms``: the doc's NORM hashes, when known.

        One set intersection finds the few words of the post where some rule can match (most
        tokens are in no rule); only there are phrases compared and token patterns walked."""
        if norms is None:
            norms = doc.to_array(NORM).tolist()
        filed = self._filed.intersection(norms)  # one C-level pass: which words of the post are filed
        if not filed:
            return []
        index = self.index
        found: list[tuple[int, int, int]] = []
        n = len(norms)
        nums = None
        present = None
        for h in filed:
            single, after, before, always = index[h]
            # where h stands: found by C scans (count, index) rather than a Python loop over every
            # token of the post, which cost more than all the lookups below
            for p in (norms.index(h),) if norms.count(h) == 1 else [p for p, x in enumerate(norms) if x == h]:
                if single is not None:
                    for idx in single:
                        found.append((idx, p, p + 1))
                tries = always
                if after is not None and p + 1 < n:
                    got = after.get(norms[p + 1])
                    if got is not None:
                        tries = self._phrases(got, norms, p, n, found, tries)
                if before is not None and p > 0:
                    got = before.get(norms[p - 1])
                    if got is not None:
                        tries = self._phrases(got, norms, p, n, found, tries)
                if tries:
                    if present is None:
                        present = set(norms)
                    for sm in tries:
                        if sm.needs_num and nums is None:
                            nums = doc.to_array(LIKE_NUM).tolist()
                        span = sm.match(norms, nums, p, present)
                        if span is not None:
                            found.append((sm.rule, span[0], span[1]))
        if len(found) > 1:
            found.sort(key=_by_position)
        return found

    @staticmethod
    def _phrases(got: tuple, norms: list[int], p: int, n: int, found: list, tries):
        """Compare the phrases filed under the word at p and its neighbour (``got``: their shapes and
        the token patterns filed there); returns ``tries`` with those token patterns added."""
        shapes, matchers = got
        for k, length, table in shapes:
            s = p - k
            if s < 0 or s + length > n:
                continue
            owners = table.get(tuple(norms[s:s + length]))
            if owners is not None:
                for idx in owners:
                    found.append((idx, s, s + length))
        if matchers:
            return tries + matchers if tries else matchers
        return tries


def _by_position(m: tuple[int, int, int]) -> tuple[int, int, int]:
    return m[1], m[2], m[0]


def _build_index(phrase_rules: dict[tuple[str, ...], list[int]], group_of_anchor: dict[frozenset[str], int],
                 groups: list[list[SeqMatcher]], strings) -> dict[int, tuple]:
    """NORM hash -> (single, after, before, always): what to try where that word stands.

    * ``single``: the rules whose one-word phrase is this word (None: none);
    * ``after`` / ``before``: the word right after / before it -> (phrase shapes, token patterns)
      to try when that word stands there;
    * ``always``: token patterns that need no particular neighbour (None: none).

    A phrase of several words is filed once, under its rarest word and, of that word's
    neighbours in the phrase, the rarer one: most posts hold common filed words ("this",
    "you") but not the neighbour a phrase needs, and one dict lookup on the neighbour settles
    that. A shape ``(k, length, table)`` says "compare the ``length`` words starting k before
    here with ``table``". Token patterns are filed under each word of their anchor set, and
    there by the word they need right after the anchor, else right before it, else in
    ``always``: most tries end at that neighbour, so a dict lookup on it replaces them."""
    singles: dict[int, list[int]] = {}
    # word -> "after"/"before" -> neighbour -> (k, length) -> {phrase hashes: owners}
    near: dict[int, dict[str, dict[int, dict[tuple[int, int], dict]]]] = {}
    for seq, owners in phrase_rules.items():
        hashes = tuple(strings.add(w) for w in seq)
        if len(seq) == 1:
            singles.setdefault(hashes[0], []).extend(owners)
            continue
        k = seq.index(_rarest(seq))
        side, at = _rarer_neighbour(seq, k)
        by_side = near.setdefault(hashes[k], {}).setdefault(side, {})
        by_side.setdefault(hashes[at], {}).setdefault((k, len(seq)), {})[hashes] = tuple(owners)
    anchored: dict[int, list[SeqMatcher]] = {}
    for anchor, gid in group_of_anchor.items():
        for w in anchor:
            anchored.setdefault(strings.add(w), []).extend(groups[gid])
    index: dict[int, tuple] = {}
    for h in set(singles) | set(near) | set(anchored):
        matchers: dict[str, dict[int, list[SeqMatcher]]] = {"after": {}, "before": {}}
        always: list[SeqMatcher] = []
        for sm in anchored.get(h, ()):
            if sm.nexts is not None and (sm.prevs is None or len(sm.nexts) <= len(sm.prevs)):
                for next_hash in sm.nexts:
                    matchers["after"].setdefault(next_hash, []).append(sm)
            elif sm.prevs is not None:
                for prev_hash in sm.prevs:
                    matchers["before"].setdefault(prev_hash, []).append(sm)
            else:
                always.append(sm)
        sides = []
        for side in ("after", "before"):
            shapes = near.get(h, {}).get(side, {})
            table = {w: (tuple((k, length, t) for (k, length), t in sorted(shapes.get(w, {}).items())),
                         tuple(matchers[side].get(w, ())))
                     for w in set(shapes) | set(matchers[side])}
            sides.append(table or None)
        index[h] = (tuple(singles[h]) if h in singles else None, sides[0], sides[1], tuple(always) or None)
    return index


def _rarer_neighbour(seq: tuple[str, ...], k: int) -> tuple[str, int]:
    """Which neighbour of seq[k] a phrase is filed by: ("after", k + 1) or ("before", k - 1),
    the rarer word of the two (by ``_rarest``), the one after when they tie."""
    if k + 1 < len(seq) and (k == 0 or _rarest((seq[k + 1], seq[k - 1])) == seq[k + 1]):
        return "after", k + 1
    return "before", k - 1


def _rarest(words: tuple[str, ...]) -> str:
    """The word of a fixed phrase least likely to be in an ordinary post: one that is not a very
    common word, the longest such (a crude but safe stand-in for corpus frequency)."""
    return max(words, key=lambda w: (w not in _COMMON, len(w)))


def _literal_expansions(nodes: tuple) -> list[tuple[str, ...]] | None:
    """All word sequences a pattern of plain words (no gaps, numbers or wildcards) can match, if few.

    Such patterns cost one tuple lookup where their rarest word stands."""
    try:
        flat = expand(nodes, LITERAL_LIMIT)
    except PatternError:
        return None
    seqs: set[tuple[str, ...]] = set()
    for seq in flat:
        words: list[tuple[str, ...]] = [()]
        for t in seq:
            if t.words is None or t.gap or t.num:
                return None
            options = [(w,) for w in sorted(t.words)] + ([()] if t.optional else [])
            words = [w + o for w in words for o in options]
            if len(words) * max(1, len(seqs)) > LITERAL_LIMIT:
                return None
        seqs.update(w for w in words if w)
        if len(seqs) > LITERAL_LIMIT:
            return None
    return sorted(seqs)


@Language.factory("triage_rules", default_config={"patterns_dir": ""})
def make_triage_rules(nlp: Language, name: str, patterns_dir: str):
    return TriageRules(nlp, load_patterns(Path(patterns_dir)))


class TriageRules:
    """Pipeline component: puts the raw matches in ``doc.user_data["triage_matches"]`` (also ``doc._.triage_matches``)."""

    def __init__(self, nlp: Language, patterns: PatternSet):
        self.matcher = RuleMatcher(nlp, patterns)

    def __call__(self, doc: Doc) -> Doc:
        doc.user_data[MATCHES_KEY] = self.matcher(doc)
        return doc
