"""Turn raw rule matches into scored evidence, taking the post's context into account.

A rule hit starts with its weight from the pattern file. Each context that says the words are
not meant as they read multiplies it by that indicator's factor (``[context]`` table of the
indicator file; 1 = untouched, 0 = dropped):

==================  ======  =========================================================================
context             scope   fires when
==================  ======  =========================================================================
``idiom``           span    the hit overlaps an idiom ("this commute is killing me", "kill for a coffee")
``negation``        span    a negation cue (never, not, n't, no one ...) stands up to 3 tokens before
                            the hit in the same clause, or inside it (unless the rule spells the
                            negation itself, like "no reason to live"); cues covered by a
                            ``negation_exception`` ("not joking", "can't wait") do not count
``quote``           span    the hit is inside double quotes ("…", “…”)
``gaming``          post    game/sport cues add up to >= 1, and no ``real_world`` cue ("irl", "at school")
``news``            post    news / reported-speech cues add up to >= 1 ("police say", "the suspect")
``lyrics``          post    lyric / poem / film-line cues add up to >= 1; replaces ``quote`` when both
``condemn``         post    condemnation or mourning cues add up to >= 1 and no admiration cue
==================  ======  =========================================================================

Several contexts multiply. Admiration cues (``admire``, stance.toml) do the opposite: when the
post already has a hit of an indicator the cue ``boosts`` (fixation on past attacks), the cue
itself becomes evidence for it ("saint Tarrant", "beat his high score").
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, field

from ..indicators import TEXT_INDICATORS

_CLAUSE_BREAK = frozenset(
    ". ! ? ; : , -- — – … but because cause cuz coz since although though however yet whereas".split()
)
_QUOTE_RE = re.compile(r'"[^"\n]{6,}?"|\u201c[^\u201d]{6,}?\u201d|\u00ab[^\u00bb]{6,}?\u00bb')
NEGATION_WINDOW = 3  # tokens allowed between a negation cue and the hit
DOC_CUE_THRESHOLD = 1.0


@dataclass(slots=True)
class RuleHit:
    indicator: str
    rule: str  # rule id, with "/context" tags when damped
    score: float
    start: int  # token offsets
    end: int
    index: int  # the rule's index in the RuleMatcher (its id without the tags, as a list index)


@dataclass
class Interpretation:
    hits: list[RuleHit] = field(default_factory=list)  # every scored hit (weak ones too)
    doc_contexts: frozenset[str] = frozenset()  # post-level contexts in force (gaming, news, lyrics, condemn, idiom)
    scores: dict[str, float] | None = None  # rule score per indicator (None: no indicator hit)


EMPTY = Interpretation()
# context kinds that act only on a hit's own span: alone in a post they change nothing
_SPAN_ONLY = frozenset({"negation", "negation_exception"})
_NO_CTX: frozenset[str] = frozenset()


def _words(doc, norms: list[int] | None, s: int, e: int):
    """The words of tokens s..e as NORM hashes (one hash for one token), to tell repeats apart:
    from ``norms`` when the caller has them, else from the doc."""
    if norms is not None:
        return norms[s] if e - s == 1 else tuple(norms[s:e])
    return doc[s].norm if e - s == 1 else tuple(t.norm for t in doc[s:e])


def _strengths(doc, ctx: dict[str, list[tuple[int, int, int]]], rules, norms: list[int] | None) -> dict[str, float]:
    """Sum of cue weights per context kind; the same words found twice count once. ``norms``: the
    post's NORM hashes when known (comparing those spares building a string per cue)."""
    out: dict[str, float] = {}
    for kind, spans in ctx.items():
        if len(spans) == 1:  # most kinds have one cue in a post: its weight (0.0 + w is w)
            out[kind] = rules[spans[0][0]].weight
            continue
        seen = set()
        total = 0.0
        for idx, s, e in spans:
            key = _words(doc, norms, s, e)
            if key not in seen:
                seen.add(key)
                total += rules[idx].weight
        out[kind] = total
    return out


def interpret(doc, raw: list[tuple[int, int, int]], rm, text: str | None = None,
              norms: list[int] | None = None) -> Interpretation:
    """Score the raw matches of one post. ``rm``: the component's RuleMatcher; ``text``: the raw
    input; ``norms``: the doc's NORM hashes, when the caller has them."""
    if not raw:
        return EMPTY
    rules = rm.rules
    kinds = rm.kinds
    is_ind = rm.is_indicator
    ind: list[tuple[int, int, int]] = []
    ctx: dict[str, list[tuple[int, int, int]]] | None = None
    for m in raw:
        if is_ind[m[0]]:
            ind.append(m)
            continue
        kind = kinds[m[0]]
        if ctx is None:
            ctx = {kind: [m]}
        elif kind in ctx:
            ctx[kind].append(m)
        else:
            ctx[kind] = [m]
    if not ind and (ctx is None or _SPAN_ONLY.issuperset(ctx)):
        return EMPTY  # negation cues with nothing to negate: no hit, no post-level context
    doc_ctx: set[str] = set()
    admire = False
    idioms: Sequence[tuple[int, int, int]] = ()
    cues: Sequence[tuple[int, int]] = ()
    if ctx:
        strength = _strengths(doc, ctx, rules, norms)
        if strength.get("gaming", 0) >= DOC_CUE_THRESHOLD and strength.get("real_world", 0) < DOC_CUE_THRESHOLD:
            doc_ctx.add("gaming")
        if strength.get("news", 0) >= DOC_CUE_THRESHOLD:
            doc_ctx.add("news")
        if strength.get("lyrics", 0) >= DOC_CUE_THRESHOLD:
            doc_ctx.add("lyrics")
        admire = strength.get("admire", 0) >= DOC_CUE_THRESHOLD
        if strength.get("condemn", 0) >= DOC_CUE_THRESHOLD and not admire:
            doc_ctx.add("condemn")
        if "idiom" in ctx:
            doc_ctx.add("idiom")
            idioms = ctx["idiom"]
    if not ind:
        return Interpretation([], frozenset(doc_ctx) if doc_ctx else _NO_CTX, None)
    if ctx:
        exceptions = ctx.get("negation_exception", ())
        cues = [(s, e) for _i, s, e in ctx.get("negation", ())
                if not any(xs <= s and e <= xe for _j, xs, xe in exceptions)]

    # one hit per (rule, overlapping region): patterns report every way they matched
    if len(ind) > 1:
        ind.sort(key=lambda m: (m[0], m[1], -m[2]))
        kept: list[tuple[int, int, int]] = []
        last_rule, last_end = -1, -1
        for idx, s, e in ind:
            if idx == last_rule and s < last_end:
                continue
            kept.append((idx, s, e))
            last_rule, last_end = idx, e
    else:
        kept = ind

    if text is None:
        text = doc.text
    quotes = _quote_spans(text) if ('"' in text or "\u201c" in text or "\u00ab" in text) else None
    doc_tags = [k for k in ("gaming", "news", "condemn", "lyrics") if k in doc_ctx]
    plain = not (idioms or cues or quotes or doc_tags)
    all_factors = rm.factors
    hits: list[RuleHit] = []
    for idx, s, e in kept:
        rule = rules[idx]
        if plain:
            hits.append(RuleHit(rule.kind, rule.id, rule.weight, s, e, idx))
            continue
        factors = all_factors[idx]
        tags = []
        if idioms and any(s < ie and is_ < e for _j, is_, ie in idioms):
            tags.append("idiom")
        if cues and _negated(doc, s, e, cues, rm.negation_inside[idx]):
            tags.append("negation")
        if quotes:
            cs, ce = doc[s].idx, doc[e - 1].idx + len(doc[e - 1])
            if any(qs <= cs and ce <= qe for qs, qe in quotes):
                tags.append("lyrics" if "lyrics" in doc_ctx else "quote")
        for kind in doc_tags:
            if kind not in tags:
                tags.append(kind)
        score = rule.weight
        for t in tags:
            score *= factors.get(t, 1.0)
        hits.append(RuleHit(rule.kind, rule.id + "".join("/" + t for t in tags) if tags else rule.id, score, s, e, idx))

    if rm.any_requires and any(rm.has_requires[idx] for idx, _s, _e in kept):
        hits = [h for h in hits if _requirement_met(rm, h, hits, ctx or {})]
    if admire and ctx:  # admire is only set from ctx's cues
        live = {h.indicator for h in hits if h.score > 0}
        for idx, s, e in ctx.get("admire", ()):
            rule = rules[idx]
            for target in rule.boosts:
                if target in live:
                    hits.append(RuleHit(target, rule.id, rule.weight, s, e, idx))
    return Interpretation(hits, frozenset(doc_ctx) if doc_ctx else _NO_CTX, rule_scores(hits, rm, doc, norms))


def _requirement_met(rm, hit: RuleHit, hits: list[RuleHit], ctx) -> bool:
    """A rule with ``requires`` counts only next to a live hit of another rule of those indicators
    (or a cue of those context kinds): "I'm not joking" is nothing alone."""
    rule = rm.rules[hit.index]
    if not rule.requires:
        return True
    for req in rule.requires:
        if req in ctx:
            return True
        for other in hits:
            if other.indicator == req and other.score > 0 and other.index != hit.index:
                if not rm.has_requires[other.index]:
                    return True
    return False


def _negated(doc, s: int, e: int, cues: Sequence[tuple[int, int]], inside_is_rule: bool) -> bool:
    for cs, ce in cues:
        if s <= cs < e:
            if not inside_is_rule:
                return True
            continue
        if ce <= s and s - ce <= NEGATION_WINDOW:
            if not any(doc[k].norm_ in _CLAUSE_BREAK or "\n" in doc[k].text for k in range(ce, s)):
                return True
    return False


def _quote_spans(text: str) -> list[tuple[int, int]]:
    return [(m.start(), m.end()) for m in _QUOTE_RE.finditer(text)]


def rule_scores(hits: list[RuleHit], rm, doc=None, norms: list[int] | None = None) -> dict[str, float]:
    """Rule score per indicator: noisy-OR over distinct rules.

    A rule counts once with its best hit, unless it has ``max`` (lexicon rules): then its
    distinct matched words stack by noisy-OR up to ``max``."""
    maxes = rm.maxes
    best: dict[tuple[str, int], float] = {}
    stack: dict[tuple[str, int], dict] = {}
    for h in hits:
        key = (h.indicator, h.index)
        if maxes[h.index] is not None and doc is not None:
            words = stack.setdefault(key, {})
            w = _words(doc, norms, h.start, h.end)  # compared only within one rule
            if h.score > words.get(w, 0.0):
                words[w] = h.score
        elif h.score > best.get(key, 0.0):
            best[key] = h.score
    for key, words in stack.items():
        miss = 1.0
        for v in words.values():
            miss *= 1.0 - v
        best[key] = min(1.0 - miss, maxes[key[1]])
    out = dict.fromkeys(TEXT_INDICATORS, 0.0)
    miss_by: dict[str, float] = {}
    for (indicator, _rule), score in best.items():
        miss_by[indicator] = miss_by.get(indicator, 1.0) * (1.0 - score)
    for indicator, m in miss_by.items():
        out[indicator] = 1.0 - m
    return out
