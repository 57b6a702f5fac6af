"""The indicator vocabulary (DESIGN.md). These ids are the label vocabulary of exports: keep them stable."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Indicator:
    id: str
    badge: str  # one letter for the queue: state is never shown by colour alone
    title: str
    trap18: str


INDICATOR_LIST: tuple[Indicator, ...] = (
    Indicator("threat", "T", "threatening language", "directly communicated threat, leakage"),
    Indicator("plan", "P", "manifestos and detailed plans", "pathway, leakage"),
    Indicator("radicalization", "R", "alignment with extremist ideology", "framed by ideology, virtual community"),
    Indicator("weapons", "W", "acquiring or seeking weapons", "pathway, identification"),
    Indicator("fixation_past_attacks", "F", "fixation on past attacks or attackers", "identification"),
    Indicator("target", "G", "singling out individuals, groups or places", "fixation"),
    Indicator("violence_history", "V", "past violence, harassment, criminal acts", "history of criminal violence"),
    Indicator("behavior_change", "B", "sudden rise in violent rhetoric (per author)", "energy burst, changes in thinking"),
    Indicator("distress", "D", "emotional turmoil, hopelessness, suicidal ideation", "last resort"),
    Indicator("isolation", "I", "alienation, rejection, grievance", "failure to affiliate, personal grievance"),
)

INDICATORS: tuple[str, ...] = tuple(i.id for i in INDICATOR_LIST)
BY_ID: dict[str, Indicator] = {i.id: i for i in INDICATOR_LIST}

# behavior_change is a property of an author over time (analytics), never of one post's text.
TEXT_INDICATORS: tuple[str, ...] = tuple(i for i in INDICATORS if i != "behavior_change")


def badges(indicator_ids) -> str:
    """Fixed-position badge string, e.g. 'T.R.....D.' so columns line up in the queue."""
    present = set(indicator_ids)
    return "".join(i.badge if i.id in present else "·" for i in INDICATOR_LIST)
