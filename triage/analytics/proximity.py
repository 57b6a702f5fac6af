"""Proximity in the words: does a post name *when*? A date, a weekday or a clock time next to
a plan, a weapon or a target is what turns talk into a pathway ("the 24th", "friday is the
day", "7am", "Oct 3"). Plain patterns over the text, English only, run only on the posts that
already carry a proximity indicator."""

from __future__ import annotations

import re

_MONTHS = (r"jan(?:uary)?|feb(?:ruary)?|mar(?:ch)?|apr(?:il)?|may|june?|july?|aug(?:ust)?|sep(?:t(?:ember)?)?|"
           r"oct(?:ober)?|nov(?:ember)?|dec(?:ember)?")
_WEEKDAY = re.compile(r"\b(?:mon|tues|wednes|thurs|fri|satur|sun)day\b", re.IGNORECASE)
_DIGITS = re.compile(r"\d+")
# Every numeric form holds a digit: searched only around the text's digits ("september 24" is
# the longest lead-in), so a long post with one number costs one short search.
_NUMERIC = re.compile(
    r"\b(?=[0-9tjfmasond])(?:"  # only a digit, "the" or a month can start one: other words fail at once
    r"(?:the\s+)?\d{1,2}(?:st|nd|rd|th)\b"                          # the 24th, 3rd
    rf"|(?:{_MONTHS})\.?\s+\d{{1,2}}\b|\d{{1,2}}\s+(?:{_MONTHS})\b"   # Oct 3, 24 October
    r"|\d{1,2}(?::[0-5]\d)?\s?(?:am|pm)\b|(?:[01]?\d|2[0-3]):[0-5]\d\b"  # 7am, 8:30 pm, 19:00
    r"|\d{4}-\d{2}-\d{2}|\d{1,2}/\d{1,2}(?:/\d{2,4})?"              # 2026-10-24, 10/24
    r")", re.IGNORECASE)


def names_a_time(text: str) -> str | None:
    """A date or time expression in ``text`` (a weekday first), or None."""
    day = _WEEKDAY.search(text)
    if day:
        return day.group(0)
    end = -1
    for run in _DIGITS.finditer(text):
        if run.start() < end:
            continue  # inside the stretch just searched
        start, end = max(0, run.start() - 12), run.end() + 10
        found = _NUMERIC.search(text, start, end)
        if found:
            return found.group(0)
    return None
