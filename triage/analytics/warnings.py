"""Warning behaviours (TRAP-18's proximal ones: pathway, fixation, identification, novel
aggression, energy burst, leakage, last resort, directly communicated threat), found in an
author's posts and analytics by the rules in ``data/warning_behaviours.toml``.

The rules are data so an assessor can read and adjust them without reading code; this module
checks them once at load (a mistake is one line naming the file and the key) and applies them.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import lru_cache
from importlib.resources import files
from pathlib import Path
from typing import Iterable, Sequence

from ..errors import SetupError
from ..indicators import INDICATORS
from ..toml_file import read_toml

CHANGE_KINDS = ("share", "volume", "target")
MAX_EVIDENCE = 10  # post ids kept per behaviour, strongest first


class WarningRulesError(SetupError, ValueError):
    """The rules file is wrong; the message names the file and the key."""


@dataclass(frozen=True)
class WarningRule:
    name: str
    letter: str
    summary: str = ""
    indicators: tuple[str, ...] = ()
    min_score: float = 0.3
    min_posts: int = 1
    min_weeks: int = 1
    with_any: tuple[str, ...] = ()
    direct: bool = False
    changes: tuple[str, ...] = ()

    @property
    def title(self) -> str:
        return self.name.replace("_", " ")


@dataclass(frozen=True)
class PostEvidence:
    """One post as the rules see it: its indicators (hit scores) and whether it was said to someone."""

    post_id: int
    created_at: int
    scores: dict[str, float]
    direct: bool = False


@dataclass
class WarningBehaviour:
    name: str
    letter: str
    evidence: list[int] = field(default_factory=list)  # post ids, strongest first

    @property
    def title(self) -> str:
        return self.name.replace("_", " ")


def rules_path() -> Path:
    return Path(str(files("triage.data") / "warning_behaviours.toml"))


def _strings(value, where: str, allowed: Sequence[str] | None = None) -> tuple[str, ...]:
    if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
        raise WarningRulesError(f"{where}: must be a list of strings")
    if allowed is not None:
        bad = [v for v in value if v not in allowed]
        if bad:
            raise WarningRulesError(f"{where}: unknown {', '.join(bad)} (known: {', '.join(allowed)})")
    return tuple(value)


def parse_rules(data: dict, path: str) -> tuple[WarningRule, ...]:
    rules = []
    letters: set[str] = set()
    known = {"letter", "summary", "indicators", "min_score", "min_posts", "min_weeks", "with_any", "direct", "changes"}
    for name, spec in data.items():
        where = f"{path}: [{name}]"
        if not isinstance(spec, dict):
            raise WarningRulesError(f"{where}: must be a table")
        unknown = set(spec) - known
        if unknown:
            raise WarningRulesError(f"{where}: unknown key(s) {', '.join(sorted(unknown))}")
        letter = spec.get("letter")
        if not (isinstance(letter, str) and len(letter) == 1 and letter.isalpha()) or letter in letters:
            raise WarningRulesError(f"{where}: letter must be one letter, not used by another behaviour")
        letters.add(letter)
        for key in ("min_posts", "min_weeks"):
            if not isinstance(spec.get(key, 1), int) or spec.get(key, 1) < 1:
                raise WarningRulesError(f"{where}: {key} must be a whole number >= 1")
        min_score = spec.get("min_score", 0.3)
        if not isinstance(min_score, (int, float)) or not 0 <= min_score <= 1:
            raise WarningRulesError(f"{where}: min_score must be a number in 0..1")
        rule = WarningRule(
            name, letter, str(spec.get("summary", "")),
            _strings(spec.get("indicators", []), f"{where}: indicators", INDICATORS), float(min_score),
            spec.get("min_posts", 1), spec.get("min_weeks", 1),
            _strings(spec.get("with_any", []), f"{where}: with_any", INDICATORS), bool(spec.get("direct", False)),
            _strings(spec.get("changes", []), f"{where}: changes", CHANGE_KINDS))
        if not rule.indicators and not rule.changes:
            raise WarningRulesError(f"{where}: needs indicators or changes")
        rules.append(rule)
    return tuple(rules)


@lru_cache(maxsize=4)
def load_rules(path: str | None = None) -> tuple[WarningRule, ...]:
    target = Path(path) if path else rules_path()
    return parse_rules(read_toml(target, WarningRulesError), str(target))


def _week(epoch: int) -> int:
    return (epoch // 86400 + 3) // 7


def find_behaviours(rules: Iterable[WarningRule], posts: Sequence[PostEvidence],
                    changes: dict[str, list[int]] | None = None) -> list[WarningBehaviour]:
    """The behaviours an author shows. ``posts`` are their posts with hits (benign-labeled ones
    left out by the caller); ``changes`` maps a behaviour-change kind to the posts it marked."""
    changes = changes or {}
    shown: set[str] = set()
    for p in posts:
        shown.update(p.scores)
    found = []
    for rule in rules:
        if rule.with_any and not shown.intersection(rule.with_any):
            continue
        if not shown.intersection(rule.indicators) and not any(changes.get(k) for k in rule.changes):
            continue  # most authors show one or two indicators: most rules end here
        scored: list[tuple[float, int, int]] = []
        floor = max(rule.min_score, 1e-9)
        for p in posts:  # a plain loop: this runs for every post of every author at each refresh
            if rule.direct and not p.direct:
                continue
            best = 0.0
            for ind in rule.indicators:
                score = p.scores.get(ind)
                if score is not None and score > best:
                    best = score
            if best >= floor:
                scored.append((best, p.post_id, p.created_at))
        enough = len(scored) >= rule.min_posts and (
            rule.min_weeks <= 1 or len({_week(t) for _, _, t in scored}) >= rule.min_weeks)
        evidence = [pid for _, pid, _ in sorted(scored, key=lambda x: (-x[0], -x[2]))] if enough else []
        for kind in rule.changes:
            evidence += [pid for pid in changes.get(kind, []) if pid not in evidence]
        if evidence:
            found.append(WarningBehaviour(rule.name, rule.letter, evidence[:MAX_EVIDENCE]))
    return found
