"""The indicator table: one row per threat-leakage indicator, and everything that lists
indicators derives from it (the detector's risk weights, the queue's letters and header, the
author-concern weights, which indicators count as violent rhetoric, the export vocabulary).

Adding an indicator is one row here plus one pattern file ``data/patterns/<id>.toml``; the ids
are the label vocabulary of exports: keep them stable.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Indicator:
    id: str
    badge: str  # one letter for the queue: state is never shown by colour alone
    title: str
    trap18: str  # the TRAP-18 warning behaviours it maps to
    weight: float | None  # w_i of the post risk (detector.scoring); None: not read from a post's text
    concern: float = 0.0  # W_i of author concern (analytics.concern): what it says about a person
    violent: bool = False  # violent rhetoric: behaviour change counts these posts, proximity wants two
    trend: bool = False  # a rising share of these posts raises author concern (concern.TREND_INDICATORS)
    proximity: bool = False  # a strong hit makes a post proximal when a time or a second violent indicator is near

    @property
    def from_text(self) -> bool:
        """The detector scores it on one post's text (behaviour change is a property of an author)."""
        return self.weight is not None


INDICATOR_LIST: tuple[Indicator, ...] = (
    Indicator("threat", "T", "threatening language", "directly communicated threat, leakage",
              weight=1.0, concern=0.45, violent=True, trend=True),
    Indicator("plan", "P", "manifestos and detailed plans", "pathway, leakage",
              weight=0.9, concern=0.6, violent=True, trend=True, proximity=True),
    Indicator("radicalization", "R", "alignment with extremist ideology", "framed by ideology, virtual community",
              weight=0.6, concern=0.3),
    Indicator("weapons", "W", "acquiring or seeking weapons", "pathway, identification",
              weight=0.75, concern=0.55, violent=True, trend=True, proximity=True),
    Indicator("fixation_past_attacks", "F", "fixation on past attacks or attackers", "identification",
              weight=0.8, concern=0.5, violent=True, trend=True),
    Indicator("target", "G", "singling out individuals, groups or places", "fixation",
              weight=0.55, concern=0.25, violent=True, proximity=True),
    Indicator("violence_history", "V", "past violence, harassment, criminal acts", "history of criminal violence",
              weight=0.6, concern=0.3),
    Indicator("behavior_change", "B", "sudden rise in violent rhetoric (per author)", "energy burst, changes in thinking",
              weight=None),  # computed by analytics over an author's weeks; in concern it is the escalation term
    Indicator("distress", "D", "emotional turmoil, hopelessness, suicidal ideation", "last resort",
              weight=0.55, concern=0.2),
    Indicator("isolation", "I", "alienation, rejection, grievance", "failure to affiliate, personal grievance",
              weight=0.45, concern=0.25),
)

INDICATORS: tuple[str, ...] = tuple(i.id for i in INDICATOR_LIST)
BY_ID: dict[str, Indicator] = {i.id: i for i in INDICATOR_LIST}

# behavior_change is a property of an author over time (analytics), never of one post's text.
TEXT_INDICATORS: tuple[str, ...] = tuple(i.id for i in INDICATOR_LIST if i.from_text)
VIOLENT: tuple[str, ...] = tuple(i.id for i in INDICATOR_LIST if i.violent)
BADGE_LETTERS: str = "".join(i.badge for i in INDICATOR_LIST)  # the queue header's column of letters


def badges(indicator_ids) -> str:
    """Fixed-position badge string, e.g. 'T.R.....D.' so columns line up in the queue.

    ``indicator_ids``: ids, or the store's comma-separated string of them."""
    present = set(indicator_ids.split(",") if isinstance(indicator_ids, str) else indicator_ids)
    return "".join(i.badge if i.id in present else "·" for i in INDICATOR_LIST)


def _check(rows: tuple[Indicator, ...]) -> None:
    # A second row with a taken id or letter would make two indicators look like one in the queue.
    for field in ("id", "badge"):
        seen = [getattr(r, field) for r in rows]
        dupes = sorted({v for v in seen if seen.count(v) > 1})
        if dupes:
            raise ValueError(f"indicator table: {field} used twice: {', '.join(dupes)}")


_check(INDICATOR_LIST)
