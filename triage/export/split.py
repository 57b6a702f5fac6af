"""Deterministic train/dev split: by hash, stratified by indicator, duplicates kept together.

* **Normalized text** (``normalize_text``): Unicode NFKC, casefold, URLs and @mentions
  removed, a leading retweet marker ("RT :") removed, whitespace collapsed. So a repost with
  another tracking link, or the same message sent to another @user, counts as the same text.
* **Groups**: posts with the same normalized text form one group and always land on the same
  side, so dev never holds a text the model saw in train.
* **Strata**: a group's stratum is its rarest positive indicator (rarest over this export),
  or "none" when it has no positive. Rare indicators thus get their share of dev first.
* **Order**: in each stratum the groups with the smallest SHA-256 of their normalized text go
  to dev, ``round(n * dev_fraction)`` of them. A hash is uniform, so this is a hash threshold
  made exact per stratum: a text that was in dev stays there across re-exports, except when
  a new text with a smaller hash takes its place at the quota's edge.
"""

from __future__ import annotations

import hashlib
import math
import re
import unicodedata
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from typing import Callable, Generic, Sequence, TypeVar

T = TypeVar("T")

URL_RE = re.compile(r"(?i)\b(?:https?://|ftp://|www\.)[^\s<>\"']+")
# @user, @user@instance.social (fediverse); not e-mail addresses (a word character before @).
MENTION_RE = re.compile(r"(?<![\w@])@[A-Za-z0-9_](?:[\w.-]*\w)?(?:@[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)+)?")
_RT_RE = re.compile(r"^rt\s*:?\s*")
_SPACE_RE = re.compile(r"\s+")

NORMALIZATION = "nfkc+casefold, urls and @mentions removed, leading 'rt' removed, whitespace collapsed"


def normalize_text(text: str | None) -> str:
    text = unicodedata.normalize("NFKC", text or "").casefold()
    text = URL_RE.sub(" ", text)
    text = MENTION_RE.sub(" ", text)
    text = _SPACE_RE.sub(" ", text).strip()
    return _RT_RE.sub("", text).strip()


def text_key(text: str | None) -> str:
    return hashlib.sha256(normalize_text(text).encode("utf-8")).hexdigest()


@dataclass
class Split(Generic[T]):
    train: list[T] = field(default_factory=list)
    dev: list[T] = field(default_factory=list)
    groups: int = 0  # distinct normalized texts
    duplicates: int = 0  # items that share their normalized text with an earlier one


def split(items: Sequence[T], text: Callable[[T], str], cats: Callable[[T], dict[str, int]],
          dev_fraction: float) -> Split[T]:
    """Split ``items`` (kept in their given order on each side)."""
    if not 0 <= dev_fraction < 1:
        raise ValueError("dev_fraction must be in [0, 1)")
    groups: dict[str, list[int]] = defaultdict(list)
    for n, item in enumerate(items):
        groups[text_key(text(item))].append(n)
    positives = {key: {i for n in members for i, v in cats(items[n]).items() if v == 1}
                 for key, members in groups.items()}
    frequency = Counter(i for pos in positives.values() for i in pos)

    strata: dict[str, list[str]] = defaultdict(list)
    for key, pos in positives.items():
        stratum = min(pos, key=lambda i: (frequency[i], i)) if pos else ""
        strata[stratum].append(key)
    dev_keys: set[str] = set()
    for keys in strata.values():
        keys.sort()  # hex SHA-256: string order is hash order
        dev_keys.update(keys[:math.floor(len(keys) * dev_fraction + 0.5)])
    if dev_fraction > 0 and not dev_keys and len(groups) >= 2:
        dev_keys.add(min(groups))  # a dev set of one beats none: `spacy train` needs one
    if len(dev_keys) == len(groups) >= 2:
        dev_keys.discard(max(dev_keys))  # and it needs a train set too

    result: Split[T] = Split(groups=len(groups), duplicates=len(items) - len(groups))
    dev_index = {n for key in dev_keys for n in groups[key]}
    for n, item in enumerate(items):
        (result.dev if n in dev_index else result.train).append(item)
    return result
