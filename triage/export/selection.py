"""Which posts an export takes: the console's filters as one plain dataclass."""

from __future__ import annotations

import re
from dataclasses import asdict, dataclass
from datetime import datetime, timedelta, timezone
from typing import overload

from ..indicators import INDICATORS
from ..store import Store
from ..store import export_queries as q
from ..timeparse import TimestampError, epoch_datetime, parse_timestamp
from .errors import ExportError

_DATE_ONLY = re.compile(r"^\d{4}-\d{2}-\d{2}$")


class SelectionError(ExportError, ValueError):
    pass


def parse_time_bound(value, end_of_day: bool = False) -> int:
    """A filter bound as UTC epoch seconds: epoch seconds or any ISO 8601 date/time.

    A bare date as an *until* bound means the end of that day, so ``--since 2026-05-01
    --until 2026-05-01`` is that whole day (until is exclusive).
    """
    if isinstance(value, str) and _DATE_ONLY.match(value.strip()):
        day = datetime.fromisoformat(value.strip()).replace(tzinfo=timezone.utc)
        if end_of_day:
            day += timedelta(days=1)
        return int(day.timestamp())
    try:
        return parse_timestamp(value)[0]
    except TimestampError as exc:
        raise SelectionError(f"{value!r}: {exc} (give epoch seconds or an ISO date such as 2026-05-01)") from None


@dataclass
class ExportFilter:
    """The console's filters. Empty fields do not filter.

    ``label_state`` None means: "labeled" (a labeled-set export with no filter takes every
    labeled post), or "any" when ``post_ids`` are given (marked posts are taken as they are).
    """

    label_state: str | None = None  # "labeled" | "unlabeled" | "any"
    dispositions: tuple[str, ...] = ()
    indicators: tuple[str, ...] = ()
    sources: tuple[str, ...] = ()
    authors: tuple[str, ...] = ()  # handles
    since: int | None = None  # UTC epoch, inclusive
    until: int | None = None  # UTC epoch, exclusive
    min_score: float | None = None
    post_ids: tuple[int, ...] | None = None  # marked posts

    @property
    def effective_label_state(self) -> str:
        if self.label_state is not None:
            return self.label_state
        return "any" if self.post_ids is not None else "labeled"

    def validate(self) -> None:
        if self.label_state is not None and self.label_state not in q.LABEL_STATES:
            raise SelectionError(f"label state {self.label_state!r}: one of {', '.join(q.LABEL_STATES)}")
        unknown = [i for i in self.indicators if i not in INDICATORS]
        if unknown:
            raise SelectionError(f"unknown indicator(s) {', '.join(unknown)} (known: {', '.join(INDICATORS)})")
        if self.since is not None and self.until is not None and self.until <= self.since:
            raise SelectionError("the time range is empty (until is not after since)")

    def as_dict(self) -> dict:
        """For the manifest: what was asked, with times in ISO UTC as well."""
        data = asdict(self)
        data["label_state"] = self.effective_label_state
        for key in ("dispositions", "indicators", "sources", "authors"):
            data[key] = list(data[key])
        if self.post_ids is not None:
            data["post_ids"] = list(self.post_ids)
        for key in ("since", "until"):
            if data[key] is not None:
                data[key + "_iso"] = iso_utc(data[key])
        return data


@overload
def iso_utc(epoch: float) -> str: ...
@overload
def iso_utc(epoch: None) -> None: ...


def iso_utc(epoch: float | None) -> str | None:
    if epoch is None:
        return None
    dt = epoch_datetime(epoch)
    return dt.isoformat().replace("+00:00", "Z") if dt is not None else f"(out of range: {epoch})"


def select_ids(store: Store, flt: ExportFilter) -> list[int]:
    """Store ids of the posts the filter selects, in id order."""
    flt.validate()
    return q.select_post_ids(
        store.conn, label_state=flt.effective_label_state, dispositions=flt.dispositions,
        indicators=flt.indicators, sources=flt.sources, authors=flt.authors, since=flt.since, until=flt.until,
        min_score=flt.min_score, post_ids=flt.post_ids,
    )


def select(store: Store, flt: ExportFilter) -> list[q.ExportPost]:
    """The posts the filter selects, in store id order."""
    return q.load_posts(store.conn, select_ids(store, flt))
