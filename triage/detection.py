"""What the detector finds, as plain data: a post's hits and its analysis.

These live in the kernel, not in ``triage.detector``, because both sides use them: the detector
makes them and the store keeps and returns them (``triage.store.rows.HitRow`` is a stored
``Hit``). The store must never import the detector (an import-linter contract checks it), and
importing these loads no spaCy.
"""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass
class Hit:
    """One piece of evidence for an indicator.

    ``start``/``end`` are character offsets into the raw input text and ``text`` is
    ``input[start:end]``. ``origin`` says where it came from: ``"rule"`` (a pattern file rule;
    ``rule`` is its id, with ``/negation``, ``/idiom``, ... appended when a context damped it),
    ``"model"`` (the text classifier; no span: start = end = 0, text = "") or ``"ner"`` (an
    entity from an installed spaCy pipeline such as en_core_web_sm).
    """

    indicator: str
    score: float
    start: int
    end: int
    text: str
    rule: str
    origin: str


@dataclass
class Analysis:
    scores: dict[str, float]  # every text indicator, 0..1
    risk: float  # 0..1
    flagged: bool  # risk >= threshold
    hits: list[Hit] = field(default_factory=list)
