"""The spaCy rule component: one PhraseMatcher pass, then token patterns only where their anchor is.

Why this shape (DESIGN.md, measured facts): a spaCy Matcher with a few hundred token patterns
run on every post costs ~10x the tokenizer, and even run only on windows around anchor words
it cost 10-200 µs per call here (large IN sets and gaps). So

* literal terms of every rule (indicator and context) go into one PhraseMatcher on NORM,
  and so do token patterns that spell only a few fixed word sequences;
* every other token pattern has an *anchor*: the least common word position it requires.
  The anchor words are in the same PhraseMatcher, so that one pass tells which patterns can
  match at all and where. Those patterns are then tried only at their anchor occurrences, by
  a small matcher (``SeqMatcher``) that walks left and right from the anchor over the post's
  NORM hashes (``Doc.to_array``): a few µs per try.

Most posts contain no anchor at all and cost one PhraseMatcher pass (a few µs).

The component writes raw matches to ``doc.user_data["triage_matches"]`` (read-only alias
``doc._.triage_matches``) as ``(rule_index, start, end)``
token offsets; ``context.py`` turns them into scored hits.
"""

from __future__ import annotations

from pathlib import Path

from spacy.attrs import LIKE_NUM, NORM
from spacy.language import Language
from spacy.matcher import PhraseMatcher
from spacy.tokens import Doc

from .patterns import (
    Compiler, PatternError, PatternSet, _Alt, contains_negation, expand, load_patterns, plan_anchors,
)

if not Doc.has_extension("triage_matches"):
    Doc.set_extension("triage_matches", getter=lambda doc: doc.user_data.get(MATCHES_KEY))

MATCHES_KEY = "triage_matches"  # doc.user_data key (cheaper than the doc._ extension on the hot path)

_ANCHOR = "\u2693"  # label prefix of anchor words in the PhraseMatcher

LITERAL_LIMIT = 3000  # a fixed-length pattern with at most this many spellings may go to the PhraseMatcher ...
RULE_LITERAL_LIMIT = 2000  # ... as long as its rule stays within this many spellings in all (or it has no anchor)

# element kinds of a compiled token pattern
_W, _O, _G, _N, _A, _ALT = range(6)


class SeqMatcher:
    """One token pattern, tried at a known anchor position."""

    __slots__ = ("rule", "left", "right", "needs_num", "r0", "l0")

    def __init__(self, rule: int, left: tuple, right: tuple, needs_num: bool):
        self.rule = rule
        self.left = left  # elements before the anchor, in reverse order (walked backwards)
        self.right = right  # elements after the anchor
        self.needs_num = needs_num
        # the words required right next to the anchor: most tries fail on them, before any walking
        self.r0 = right[0][1] if right and right[0][0] == _W else None
        self.l0 = left[0][1] if left and left[0][0] == _W else None

    def match(self, norms: list[int], nums, p: int) -> tuple[int, int] | None:
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
    out = []
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
        self.is_indicator = [r.is_indicator for r in self.rules]
        self.any_requires = any(r.requires for r in self.rules)
        vocab = nlp.vocab
        tokenizer = nlp.tokenizer

        def tokenize(text: str) -> list[str]:
            return [t.norm_ for t in tokenizer(text) if not t.is_space]

        self.compiler = Compiler(patterns.lists, patterns.aliases, tokenize)
        self.phrase = PhraseMatcher(vocab, attr="NORM")
        self.key_rule: dict[int, int] = {}  # PhraseMatcher key -> rule index
        self.key_group: dict[int, int] = {}  # PhraseMatcher key of an anchor set -> group index
        self.groups: list[list[SeqMatcher]] = []  # token patterns sharing an anchor set
        self.negation_inside: list[bool] = []  # the rule spells a negation itself
        group_of_anchor: dict[frozenset[str], int] = {}
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
            docs = []
            for term in rule.terms:
                norms = self.compiler.terms(term)
                if norms:
                    docs.append(_norm_doc(vocab, norms))
            budget = RULE_LITERAL_LIMIT
            for nodes, m in zip(trees, rule.match):
                seqs = _literal_expansions(nodes)
                if seqs is not None and len(seqs) <= budget:
                    budget -= len(seqs)
                    docs.extend(_norm_doc(vocab, seq) for seq in seqs)
                    continue
                planned = plan_anchors(nodes)
                if planned is None:
                    if seqs is not None:  # no anchor but few spellings: the PhraseMatcher can take them
                        docs.extend(_norm_doc(vocab, seq) for seq in seqs)
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
            if docs:
                self.key_rule[strings.add(rule.id)] = idx
                self.phrase.add(rule.id, docs)
        for anchor, gid in group_of_anchor.items():
            label = f"{_ANCHOR}{gid}"
            self.key_group[strings.add(label)] = gid
            self.phrase.add(label, [_norm_doc(vocab, (w,)) for w in sorted(anchor)])

    def __call__(self, doc: Doc) -> list[tuple[int, int, int]]:
        found: list[tuple[int, int, int]] = []
        anchored: list[tuple[int, int]] = []
        key_rule = self.key_rule
        key_group = self.key_group
        for key, start, end in self.phrase(doc):
            idx = key_rule.get(key)
            if idx is not None:
                found.append((idx, start, end))
            else:
                anchored.append((key_group[key], start))
        if anchored:
            norms = doc.to_array(NORM).tolist()
            nums = None
            for gid, p in anchored:
                for sm in self.groups[gid]:
                    if sm.needs_num and nums is None:
                        nums = doc.to_array(LIKE_NUM).tolist()
                    got = sm.match(norms, nums, p)
                    if got is not None:
                        found.append((sm.rule, got[0], got[1]))
        return found


def _literal_expansions(nodes: tuple) -> list[tuple[str, ...]] | None:
    """All word sequences a pattern of plain words (no gaps, numbers or wildcards) can match, if few.

    Such patterns run in the PhraseMatcher pass at no extra cost."""
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


def _norm_doc(vocab, norms) -> Doc:
    """A pattern Doc whose tokens have exactly these NORM values."""
    doc = Doc(vocab, words=list(norms))
    for tok, norm in zip(doc, norms):
        if tok.norm_ != norm:
            tok.norm_ = norm
    return doc


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
