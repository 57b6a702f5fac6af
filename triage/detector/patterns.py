"""Load the analyst-editable pattern files (``data/patterns/*.toml``) and compile their mini-language.

This module does not import spaCy: it turns the TOML files into plain ``Rule`` objects and
parses each ``match`` string into a small tree of word sets and groups (``Compiler.tree``).
``Compiler.compile`` spells a pattern out as token patterns in spaCy Matcher's notation (lists
of dicts), which the check for a negation spelled inside a rule reads; no spaCy Matcher or
PhraseMatcher runs them. ``component.py`` files every fixed spelling as a phrase under its
rarest word and walks the other patterns from an anchor word (see its docstring).

File kinds
----------
* ``<indicator>.toml`` (one per text indicator): rules whose hits count for that indicator,
  plus a ``[context]`` table saying how much of a hit survives each context.
* ``lists.toml``: word lists shared by every file (``@name`` in a pattern) and ``[aliases]``
  (spelling variants added to a literal word, e.g. ``you`` also matches ``u``).
* context files (``idioms.toml``, ``negation.toml``, ``gaming.toml``, ``news.toml``,
  ``quotes.toml``, ``stance.toml``): rules that find the context, not an indicator. Their
  ``kind`` (top level, or per rule) says which context they mark.

The ``match`` mini-language (one pattern per string; see the README)
-------------------------------------------------------------------------
Words are matched on spaCy's NORM (lower case, ``'m`` -> ``am``, ``gonna`` -> ``going to``,
``can't`` -> ``can not``); every literal is run through the same tokenizer, so you may write
``i'm gonna`` and it means ``i am going to``.

``word``          that word (plus its ``[aliases]``)
``a|b|c``         one of these words
``kill~``         the verb and its inflections: kill kills killed killing
``@list``         any entry of a word list (entries may be several words)
``(a b|c|)``      a group of alternatives, each may be several words; an empty one makes it optional
``x?`` ``(…)?``   optional word / group
``_``             any one token; ``_{0,3}`` zero to three tokens of anything
``#num``          a number-like token (``3``, ``three``, ``3pm`` is not)
"""

from __future__ import annotations

import hashlib
import re
import tomllib
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable, Iterable, cast

from ..errors import SetupError
from ..indicators import TEXT_INDICATORS

CONTEXT_KINDS = (
    "idiom",  # span: a figure of speech ("this commute is killing me")
    "negation",  # token cue: never / not / n't ...
    "negation_exception",  # span: a negation word that does not negate ("not joking", "can't wait")
    "gaming",  # doc cue: games and sport ("headshot", "respawn", "playoffs")
    "real_world",  # doc cue: cancels gaming ("irl", "at school tomorrow")
    "news",  # doc cue: reporting and news ("police say", "the suspect")
    "lyrics",  # doc cue: song lyrics, poems, film lines
    "condemn",  # doc cue: condemnation / mourning of an attack
    "admire",  # doc cue: admiration of an attack or attacker
)

# How much of a hit survives a context when an indicator file does not say (1 = untouched).
DEFAULT_CONTEXT = {
    "negation": 0.15,
    "idiom": 0.0,
    "gaming": 0.35,
    "news": 0.35,
    "quote": 0.5,
    "lyrics": 0.25,
    "condemn": 1.0,
}

# Words too common to be a good anchor (a token pattern runs only on posts containing its anchor).
_COMMON = frozenset(
    """i me my mine myself we us our ours you your yours yourself he him his she her hers it its they them their
    theirs a an the this that these those some any all every each no not never n't nt one other another
    am is are was were be been being 'm 're 's 've 'd 'll will would shall should can could may might must
    do does did done doing have has had having going to gon na ta wanna gonna gotta of in on at by for with from
    up down out off over into onto about as and or but if so than then just really very too also only even still
    get got gets getting go goes went gone what who whom whose which when where why how there here now
    u ur r m ll ya like lol know think want say said says see well good much many more most
    yes yeah ok okay oh hey rt amp via . , ! ? ; : - " ' ( ) @ # because cause please let""".split()
)

_NEGATION_WORDS = frozenset(
    "not n't never no nobody none nothing neither nor nowhere cannot without nt dont".split()
)



def _scan(text: str) -> list[str]:
    """Split a match string: '(' ')' ')?' and, inside a group, '|' are tokens of their own;
    outside groups ``a|b`` stays one word (an alternation of single words)."""
    out: list[str] = []
    depth = 0
    i = 0
    n = len(text)
    while i < n:
        c = text[i]
        if c.isspace():
            i += 1
        elif c == "(":
            depth += 1
            out.append("(")
            i += 1
        elif c == ")":
            depth -= 1
            if i + 1 < n and text[i + 1] == "?":
                out.append(")?")
                i += 2
            else:
                out.append(")")
                i += 1
        elif c == "|" and depth > 0:
            out.append("|")
            i += 1
        else:
            j = i
            while j < n and not text[j].isspace() and text[j] not in "()" and not (text[j] == "|" and depth > 0):
                j += 1
            out.append(text[i:j])
            i = j
    return out

MAX_EXPANSIONS = 4000


class PatternError(SetupError, ValueError):
    """A pattern file that cannot be used; the message names the file and rule."""


@dataclass(frozen=True)
class Rule:
    id: str
    kind: str  # an indicator id, or one of CONTEXT_KINDS
    weight: float
    comment: str
    terms: tuple[str, ...] = ()
    match: tuple[str, ...] = ()
    context: tuple[tuple[str, float], ...] = ()  # per-rule overrides of the file's [context]
    requires: tuple[str, ...] = ()  # counts only when the post also has one of these (indicator or context kind)
    boosts: tuple[str, ...] = ()  # admire cues: indicators they strengthen
    max: float | None = None  # distinct matches of the rule stack by noisy-OR up to this (None: the best hit only)
    source: str = ""

    @property
    def is_indicator(self) -> bool:
        return self.kind in TEXT_INDICATORS


@dataclass
class PatternSet:
    rules: list[Rule]
    context: dict[str, dict[str, float]]  # indicator -> context kind -> factor
    lists: dict[str, list[str]]
    aliases: dict[str, list[str]]
    digest: str  # sha256 over the pattern files (names and bytes)
    files: list[str] = field(default_factory=list)

    def by_id(self) -> dict[str, Rule]:
        return {r.id: r for r in self.rules}


# ---------------------------------------------------------------- loading


def patterns_digest(directory: Path) -> str:
    h = hashlib.sha256()
    for path in sorted(Path(directory).glob("*.toml")):
        h.update(path.name.encode())
        h.update(b"\0")
        h.update(path.read_bytes())
        h.update(b"\0")
    return h.hexdigest()


def _as_tuple(value, where: str) -> tuple[str, ...]:
    if value is None:
        return ()
    if isinstance(value, str):
        return (value,)
    if isinstance(value, list) and all(isinstance(v, str) for v in value):
        return tuple(value)
    raise PatternError(f"{where}: expected a string or a list of strings")


def _max(value, weight, where: str) -> float | None:
    if value is None:
        return None
    if not isinstance(value, (int, float)) or not weight <= value <= 1:
        raise PatternError(f"{where}: max must be a number from the weight to 1")
    return float(value)


def load_patterns(directory: Path) -> PatternSet:
    """Read every ``*.toml`` in ``directory``; raise PatternError naming file and rule on a problem."""
    directory = Path(directory)
    files = sorted(directory.glob("*.toml"))
    if not files:
        raise PatternError(f"{directory}: no pattern files (*.toml)")
    rules: list[Rule] = []
    context: dict[str, dict[str, float]] = {}
    lists: dict[str, list[str]] = {}
    aliases: dict[str, list[str]] = {}
    seen: dict[str, str] = {}
    for path in files:
        try:
            doc = tomllib.loads(path.read_text(encoding="utf-8"))
        except (tomllib.TOMLDecodeError, UnicodeDecodeError) as exc:
            raise PatternError(f"{path.name}: {exc}") from exc
        for name, words in doc.get("lists", {}).items():
            if name in lists:
                raise PatternError(f"{path.name}: list @{name} is defined twice")
            lists[name] = list(_as_tuple(words, f"{path.name}: lists.{name}"))
        for word, variants in doc.get("aliases", {}).items():
            aliases[word.lower()] = [v.lower() for v in _as_tuple(variants, f"{path.name}: aliases.{word}")]
        file_kind = doc.get("indicator") or doc.get("kind")
        if file_kind is None and doc.get("rule"):
            raise PatternError(f"{path.name}: rules need a top-level `indicator = ...` or `kind = ...`")
        if doc.get("indicator"):
            if doc["indicator"] not in TEXT_INDICATORS:
                raise PatternError(f"{path.name}: unknown indicator {doc['indicator']!r}")
            ctx = dict(DEFAULT_CONTEXT)
            for k, v in doc.get("context", {}).items():
                ctx[k] = float(v)
            context[doc["indicator"]] = ctx
        for i, raw in enumerate(doc.get("rule", []), 1):
            where = f"{path.name}: rule #{i}"
            rid = raw.get("id")
            if not rid or not isinstance(rid, str):
                raise PatternError(f"{where}: every rule needs an id")
            where = f"{path.name}: rule {rid}"
            if rid in seen:
                raise PatternError(f"{where}: id already used in {seen[rid]}")
            seen[rid] = path.name
            kind = raw.get("kind", file_kind)
            if kind not in TEXT_INDICATORS and kind not in CONTEXT_KINDS:
                raise PatternError(f"{where}: unknown kind {kind!r}")
            if "comment" not in raw:
                raise PatternError(f"{where}: say what it catches in `comment`")
            weight = raw.get("weight", 1.0 if kind in CONTEXT_KINDS else None)
            if not isinstance(weight, (int, float)) or not 0 <= weight <= 1:
                raise PatternError(f"{where}: weight must be a number from 0 to 1")
            terms = _as_tuple(raw.get("terms"), f"{where}: terms")
            match = _as_tuple(raw.get("match"), f"{where}: match")
            if not terms and not match:
                raise PatternError(f"{where}: needs `terms` or `match`")
            unknown = set(raw) - {"id", "kind", "weight", "comment", "terms", "match", "context", "requires", "boosts", "max"}
            if unknown:
                raise PatternError(f"{where}: unknown field(s) {sorted(unknown)}")
            rules.append(Rule(
                id=rid, kind=kind, weight=float(weight), comment=str(raw["comment"]), terms=terms, match=match,
                context=tuple((k, float(v)) for k, v in raw.get("context", {}).items()),
                requires=_as_tuple(raw.get("requires"), f"{where}: requires"),
                boosts=_as_tuple(raw.get("boosts"), f"{where}: boosts"),
                max=_max(raw.get("max"), weight, where),
                source=path.name,
            ))
    for ind in TEXT_INDICATORS:
        context.setdefault(ind, dict(DEFAULT_CONTEXT))
    return PatternSet(rules=rules, context=context, lists=lists, aliases=aliases,
                      digest=patterns_digest(directory), files=[p.name for p in files])


# ---------------------------------------------------------------- inflection

_IRREGULAR = {
    "shoot": ["shot"], "beat": ["beaten"], "hit": [], "cut": [], "slit": [], "hurt": [], "put": [], "set": [],
    "burn": ["burnt"], "hang": ["hung", "hanged"], "slay": ["slew", "slain"], "blow": ["blew", "blown"],
    "fight": ["fought"], "buy": ["bought"], "get": ["got", "gotten"], "run": ["ran"], "make": ["made"],
    "go": ["went", "gone"], "take": ["took", "taken"], "die": ["dying"], "break": ["broke", "broken"],
    "throw": ["threw", "thrown"], "feel": ["felt"], "leave": ["left"], "lose": ["lost"], "strike": ["struck"],
    "bleed": ["bled"], "steal": ["stole", "stolen"], "bring": ["brought"], "keep": ["kept"], "sell": ["sold"],
    "find": ["found"], "think": ["thought"], "fall": ["fell", "fallen"], "give": ["gave", "given"],
    "see": ["saw", "seen"], "know": ["knew", "known"], "tell": ["told"], "write": ["wrote", "written"],
    "ride": ["rode", "ridden"], "hide": ["hid", "hidden"], "drive": ["drove", "driven"],
    "stab": [], "rob": [], "kidnap": ["kidnapped", "kidnapping"], "pay": ["paid"], "lay": ["laid"],
    "swear": ["swore", "sworn"], "choose": ["chose", "chosen"], "teach": ["taught"], "catch": ["caught"],
    "shake": ["shook"], "sink": ["sank", "sunk"], "stick": ["stuck"], "bite": ["bit", "bitten"],
    "smite": ["smote", "smitten"], "forsake": ["forsook", "forsaken"], "begin": ["began", "begun"],
    "win": ["won"], "spend": ["spent"], "send": ["sent"], "build": ["built"], "hold": ["held"],
    "meet": ["met"], "sleep": ["slept"], "eat": ["ate", "eaten"], "do": ["did", "done"], "have": ["had"],
    "be": ["am", "is", "are", "was", "were", "been"], "wake": ["woke"], "load": [], "bury": ["buried"],
}
_VOWELS = set("aeiou")


def _syllables(word: str) -> int:
    return len(re.findall(r"[aeiouy]+", word))


def inflect(verb: str) -> list[str]:
    """Base, -s, -ed and -ing forms of an English verb (good enough for pattern files; irregulars listed)."""
    v = verb.lower()
    forms = {v}
    # third person
    if re.search(r"(s|sh|ch|x|z|o)$", v):
        forms.add(v + "es")
    elif re.search(r"[^aeiou]y$", v):
        forms.add(v[:-1] + "ies")
    else:
        forms.add(v + "s")
    double = (
        len(v) >= 3 and v[-1] not in _VOWELS and v[-1] not in "wxy"
        and v[-2] in _VOWELS and v[-3] not in _VOWELS and _syllables(v) == 1
    )
    # past
    if v.endswith("e"):
        forms.add(v + "d")
    elif re.search(r"[^aeiou]y$", v):
        forms.add(v[:-1] + "ied")
    elif double:
        forms.add(v + v[-1] + "ed")
    else:
        forms.add(v + "ed")
    # -ing
    if v.endswith("ie"):
        forms.add(v[:-2] + "ying")
    elif v.endswith("e") and not v.endswith(("ee", "ye", "oe")) and len(v) > 2:
        forms.add(v[:-1] + "ing")
    elif double:
        forms.add(v + v[-1] + "ing")
    else:
        forms.add(v + "ing")
    if v in _IRREGULAR:
        extra = _IRREGULAR[v]
        forms.update(extra)
        if v in ("shoot", "hit", "cut", "slit", "hurt", "put", "set", "beat", "bleed", "fight", "buy",
                 "bring", "keep", "sell", "find", "think", "tell", "feel", "leave", "lose", "strike",
                 "hang", "teach", "catch", "stick", "win", "spend", "send", "build", "hold", "meet",
                 "sleep", "pay", "lay", "make", "have", "do", "get", "go", "be"):
            forms.discard(v + "ed")
            forms.discard(v + v[-1] + "ed")
        if v == "hang":
            forms.add("hanged")
    forms.discard("")
    return sorted(forms)


# ---------------------------------------------------------------- the match mini-language


@dataclass(frozen=True)
class _Tok:
    """One token position: a set of NORM values (None = any token)."""

    words: frozenset[str] | None
    optional: bool = False
    gap: tuple[int, int] | None = None  # _{a,b}
    num: bool = False


@dataclass(frozen=True)
class _Alt:
    """A group of alternatives, each a tuple of nodes; an empty one makes the group optional."""

    branches: tuple[tuple, ...]


Tokenize = Callable[[str], list[str]]


# The halves of English contractions that only ever stand after a host word ("should've")
_CLITIC = re.compile(r"'(?:ve|d|ll|re|s|m)")


def _default_tokenize(text: str) -> list[str]:
    return text.lower().split()


class Compiler:
    """Compiles ``match`` strings into spaCy token patterns.

    ``tokenize`` turns a literal into NORM tokens (the Detector passes spaCy's tokenizer, so
    ``i'm gonna`` becomes ``i am going to``); the default splits on spaces (for tests).
    """

    def __init__(self, lists: dict[str, list[str]], aliases: dict[str, list[str]],
                 tokenize: Tokenize | None = None):
        self.lists = lists
        self.aliases = aliases
        self.tokenize = tokenize or _default_tokenize
        self._tok_cache: dict[str, tuple[str, ...]] = {}

    def _norms(self, literal: str) -> tuple[str, ...]:
        got = self._tok_cache.get(literal)
        if got is None:
            got = tuple(t for t in self.tokenize(literal) if t.strip())
            if len(got) > 1 and _CLITIC.fullmatch(literal.lower()):
                # A contraction's half written alone ("'ve") splits into "'" + "ve", but in a post
                # it stands after its host as one token whose NORM is its own text ("should've" ->
                # should + 've; after a pronoun spaCy says "have", which lists.toml's [aliases] add)
                got = (literal.lower(),)
            self._tok_cache[literal] = got
        return got

    # An "alternative set" is a list of token sequences (each a tuple of _Tok).
    def _word_alts(self, word: str, where: str) -> list[tuple[_Tok, ...]]:
        if word.startswith("@"):
            name = word[1:]
            if name not in self.lists:
                raise PatternError(f"{where}: unknown list @{name}")
            alts: list[tuple[_Tok, ...]] = []
            for entry in self.lists[name]:
                alts.extend(self._phrase_alts(entry, where))
            return alts
        if word == "_":
            return [(_Tok(None),)]
        m = re.fullmatch(r"_\{(\d+),(\d+)\}", word)
        if m:
            lo, hi = int(m.group(1)), int(m.group(2))
            if hi > 8 or lo > hi:
                raise PatternError(f"{where}: gap {word} must be within _{{0,8}}")
            return [(_Tok(None, gap=(lo, hi)),)]
        if word == "#num":
            return [(_Tok(None, num=True),)]
        if word.endswith("~"):
            return [(_Tok(frozenset(x for f in inflect(word[:-1]) for x in self._alias_set(f))),)]
        norms = self._norms(word)
        if not norms:
            raise PatternError(f"{where}: empty word {word!r}")
        return [tuple(_Tok(frozenset(self._alias_set(n))) for n in norms)]

    def _alias_set(self, norm: str) -> set[str]:
        return {norm, *self.aliases.get(norm, ())}

    def _phrase_alts(self, phrase: str, where: str) -> list[tuple[_Tok, ...]]:
        """A list entry or a bare multi-word phrase: each word may itself be a|b, ~ or @."""
        seqs: list[tuple[_Tok, ...]] = [()]
        for word in phrase.split():
            alts = self._alt_word(word, where)
            seqs = [s + a for s in seqs for a in alts]
        return seqs

    def _alt_word(self, item: str, where: str) -> list[tuple[_Tok, ...]]:
        optional = item.endswith("?") and len(item) > 1
        if optional:
            item = item[:-1]
        alts: list[tuple[_Tok, ...]] = []
        for part in item.split("|"):
            alts.extend(self._word_alts(part, where))
        # merge single-token literal alternatives into one IN set (cheaper than separate patterns)
        singles = [a[0] for a in alts if len(a) == 1 and a[0].words is not None and not a[0].gap and not a[0].num]
        others = [a for a in alts if not (len(a) == 1 and a[0].words is not None and not a[0].gap and not a[0].num)]
        merged: list[tuple[_Tok, ...]] = []
        if singles:
            # singles hold literal words only (words is not None)
            words: frozenset[str] = frozenset().union(*(cast(frozenset[str], t.words) for t in singles))
            common = words & _COMMON
            if common and common != words and not optional:  # keep rare words apart: they can anchor the pattern
                merged.append((_Tok(words - common),))
                merged.append((_Tok(common),))
            else:
                merged.append((_Tok(words),))
        merged.extend(self._compress(others))
        if optional:
            if len(merged) == 1 and len(merged[0]) == 1 and merged[0][0].words is not None:
                t = merged[0][0]
                return [(_Tok(t.words, optional=True),)]
            merged.append(())
        return merged

    @staticmethod
    def _compress(alts: list[tuple[_Tok, ...]]) -> list[tuple[_Tok, ...]]:
        """Merge alternatives that differ in one word position only: (need to|ought to) -> need|ought to.

        Keeps the number of Matcher patterns small (one IN test instead of one pattern per alternative)."""
        def plain(t) -> bool:
            return isinstance(t, _Tok) and t.words is not None and not t.gap and not t.num

        out = list(dict.fromkeys(alts))
        changed = True
        while changed and len(out) > 1:
            changed = False
            maxlen = max(len(a) for a in out)
            for k in range(maxlen):
                buckets: dict[tuple, list[int]] = {}
                for i, a in enumerate(out):
                    if len(a) > k and plain(a[k]):  # noqa: SIM102
                        # never merge a rare word with a common one: the rare one may be the pattern's anchor
                        rare = None if a[k].optional else not (cast(frozenset[str], a[k].words) & _COMMON)
                        buckets.setdefault((len(a), a[:k], a[k + 1:], a[k].optional, rare), []).append(i)
                if all(len(v) == 1 for v in buckets.values()):
                    continue
                merged_out: list[tuple[_Tok, ...]] = []
                used: set[int] = set()
                for (_n, head, tail, opt, _rare), idxs in buckets.items():
                    if len(idxs) == 1:
                        continue
                    words = frozenset().union(*(cast(frozenset[str], out[i][k].words) for i in idxs))
                    merged_out.append(head + (_Tok(words, optional=opt),) + tail)
                    used.update(idxs)
                out = [a for i, a in enumerate(out) if i not in used] + merged_out
                out = list(dict.fromkeys(out))
                changed = True
        return out

    @staticmethod
    def _append(nodes: list, alts: list[tuple]) -> None:
        if len(alts) == 1:
            nodes.extend(alts[0])
        else:
            nodes.append(_Alt(tuple(alts)))

    def _parse_seq(self, tokens: list[str], pos: int, where: str, depth: int):
        """Parse until ')' or end; return (alternatives, pos): each alternative a tuple of nodes."""
        branches: list[list] = [[]]
        while pos < len(tokens):
            tok = tokens[pos]
            if tok == "(":
                alts, pos = self._parse_seq(tokens, pos + 1, where, depth + 1)
                if pos >= len(tokens) or not tokens[pos].startswith(")"):
                    raise PatternError(f"{where}: unclosed '('")
                if tokens[pos] == ")?":
                    alts = alts + [()]
                alts = self._compress(alts)
                pos += 1
                self._append(branches[-1], alts)
            elif tok.startswith(")"):
                if depth == 0:
                    raise PatternError(f"{where}: unmatched ')'")
                break
            elif tok == "|":
                if depth == 0:
                    raise PatternError(f"{where}: '|' between words needs a group: (a b|c)")
                branches.append([])
                pos += 1
            else:
                self._append(branches[-1], self._alt_word(tok, where))
                pos += 1
        return self._compress([tuple(b) for b in branches]), pos

    def tree(self, text: str, where: str = "pattern") -> tuple:
        """Parse a match string into a tuple of nodes (_Tok and _Alt), without expanding groups."""
        tokens = _scan(text.lower())
        alts, pos = self._parse_seq(tokens, 0, where, 0)
        if pos != len(tokens):
            raise PatternError(f"{where}: unmatched ')'")
        nodes = alts[0] if len(alts) == 1 else (_Alt(tuple(alts)),)
        return _trim(tuple(nodes))

    def compile(self, text: str, where: str = "pattern") -> list[list[dict]]:
        """Return spaCy Matcher patterns (one per expansion of the groups)."""
        seqs = expand(self.tree(text, where), MAX_EXPANSIONS, where)
        out = []
        seen = set()
        for seq in seqs:
            seq = _trim(seq)
            if not any(t.words is not None or t.num for t in seq if not t.optional):
                if seq:
                    raise PatternError(f"{where}: a pattern needs at least one required word")
                continue
            spec = [_tok_dict(t) for t in seq]
            key = repr(spec)
            if key not in seen:
                seen.add(key)
                out.append(spec)
        if not out:
            raise PatternError(f"{where}: matches nothing")
        return out

    def terms(self, term: str) -> tuple[str, ...]:
        return self._norms(term.lower())


def _trim(seq: tuple) -> tuple:
    """A gap at either end adds nothing to a match (an optional word next to it was left out)."""
    while seq and isinstance(seq[0], _Tok) and seq[0].gap:
        seq = seq[1:]
    while seq and isinstance(seq[-1], _Tok) and seq[-1].gap:
        seq = seq[:-1]
    return seq


def expand(nodes: tuple, limit: int = MAX_EXPANSIONS, where: str = "pattern") -> list[tuple]:
    """All flat token sequences of a node tuple (groups multiplied out)."""
    seqs: list[tuple] = [()]
    for node in nodes:
        if isinstance(node, _Alt):
            options: list[tuple] = []
            for br in node.branches:
                options.extend(expand(br, limit, where))
            seqs = [s + o for s in seqs for o in options]
        else:
            seqs = [s + (node,) for s in seqs]
        if len(seqs) > limit:
            raise PatternError(f"{where}: expands to more than {limit} patterns; use lists or gaps")
    return seqs


def _tok_dict(t: _Tok) -> dict:
    if t.gap:
        return {"OP": "{%d,%d}" % t.gap}
    if t.num:
        return {"LIKE_NUM": True}
    if t.words is None:
        return {}
    words = sorted(t.words)
    d: dict = {"NORM": words[0]} if len(words) == 1 else {"NORM": {"IN": words}}
    if t.optional:
        d["OP"] = "?"
    return d


def is_rare(t) -> bool:
    return isinstance(t, _Tok) and t.words is not None and not t.optional and not t.gap and not (t.words & _COMMON)


def plan_anchors(nodes: tuple, depth: int = 0, budget: list | None = None) -> list[tuple[tuple, int]] | None:
    """Split a node tuple into patterns that each have a rare required word at the top level (the anchor).

    Returns [(nodes, anchor_index)], expanding only the groups needed to find anchors, or None."""
    if budget is None:
        budget = [256]
    best, best_len = -1, None
    for i, node in enumerate(nodes):
        if is_rare(node) and (best_len is None or len(node.words) < best_len):
            best, best_len = i, len(node.words)
    if best >= 0:
        budget[0] -= 1
        return [(nodes, best)] if budget[0] >= 0 else None
    if depth >= 4:
        return None
    alts = [i for i, node in enumerate(nodes) if isinstance(node, _Alt)]
    # first the groups whose every branch holds a rare word itself (fewest branches first), then the rest
    direct = sorted((i for i in alts if all(any(is_rare(t) for t in br) for br in nodes[i].branches)),
                    key=lambda i: len(nodes[i].branches))
    for i in direct + [i for i in alts if i not in direct]:
        node = nodes[i]
        out: list[tuple[tuple, int]] = []
        for br in node.branches:
            sub = plan_anchors(_trim(nodes[:i] + tuple(br) + nodes[i + 1:]), depth + 1, budget)
            if sub is None:
                break
            out.extend(sub)
        else:
            return out
    return None


def contains_negation(rule: Rule, compiler: Compiler, specs: Iterable[list[dict]] = ()) -> bool:
    """Whether the rule itself spells a negation ("no reason to live"): then a negation inside it is not a cue."""
    for term in rule.terms:
        if any(w in _NEGATION_WORDS for w in compiler.terms(term)):
            return True
    for spec in specs:
        for d in spec:
            norm = d.get("NORM")
            if norm is None or d.get("OP") == "?":
                continue
            words = norm["IN"] if isinstance(norm, dict) else [norm]
            if any(w in _NEGATION_WORDS for w in words):
                return True
    return False
