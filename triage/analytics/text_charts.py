"""The author charts (the console's author screen and ``triage author``), drawn as text by
hand: posts per hour of day as 24 columns with the inferred local midnight marked, and
indicators per week as stacked bars of indicator letters.

Why not plotext, the stack's chart library (still behind the case report and the ``--tz``
local-hour chart): plotext draws its legend inside the plot area, on top of the bars, and picks
bar widths and ticks by its own rule at draw time, so neither "one column per hour" nor "the
legend never covers data" can be guaranteed with it. Here the layout is ours: the legend, the
labels and the marks are rows of their own, above or below the plot, and every bar cell is its
series' letter, so a chart reads in monochrome and with ``NO_COLOR``; a screen may colour cells
by letter, and colour only helps.

Plain strings out (no Textual, no styles): the screen and the tests read the same rows.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Sequence

from ..indicators import BY_ID
from .timeline import Timeline
from .tzinfer import format_offset

HOURS = 24
HOUR_GUTTER = 4  # "UTC " / "loc " in front of the two rows of hour labels
HOUR_BAR = "█"
MIDNIGHT = ":"  # the column line at the inferred local midnight (between 23:00 and 00:00 local)
CHANGE = "^"  # under a week with a behaviour change
BASELINE = "─"


@dataclass
class TextChart:
    title: str
    legend: list[str]  # rows above the plot: what each letter or mark means
    plot: list[str]  # the data rows, top to bottom; data cells start at column ``gutter``
    axis: list[str]  # rows under the plot: baseline, labels, marks
    gutter: int

    @property
    def lines(self) -> list[str]:
        return [self.title, *self.legend, *self.plot, *self.axis]

    @property
    def plot_start(self) -> int:
        """Index in ``lines`` of the first plot row."""
        return 1 + len(self.legend)


def _clip(text: str, width: int) -> str:
    return text if len(text) <= width else text[:max(0, width - 1)] + "…"


def _wrap_items(items: Sequence[str], width: int) -> list[str]:
    """Legend entries on as few rows as fit ``width``, two spaces apart, none cut in two."""
    rows: list[str] = []
    row = ""
    for item in items:
        item = _clip(item, width)
        if row and len(row) + 2 + len(item) > width:
            rows.append(row)
            row = ""
        row = f"{row}  {item}" if row else item
    if row:
        rows.append(row)
    return rows


def _put(row: list[str], col: int, text: str) -> bool:
    """Write ``text`` into ``row`` at ``col`` if those cells (and one either side) are free."""
    lo, hi = max(0, col - 1), min(len(row), col + len(text) + 1)
    if col < 0 or col + len(text) > len(row) or any(c != " " for c in row[lo:hi]):
        return False
    row[col:col + len(text)] = text
    return True


def _mark_row(width: int, cols: Sequence[int], mark: str, note: str) -> str:
    """``mark`` under each of ``cols``, and ``note`` beside the first one (right of it if it fits,
    else left of it)."""
    row = [" "] * width
    for col in cols:
        if 0 <= col < width:
            row[col] = mark
    if cols:
        first = cols[0]
        if not _put(row, first + 2, note):
            _put(row, first - 1 - len(note), note)
    return "".join(row).rstrip()


# ---- posts per hour ---------------------------------------------------------------------------

def hour_slot(width: int) -> int:
    """Columns per hour: a spacer then the bar. Three at 80 columns (a 2-cell bar under a
    two-digit label), up to six on a wide terminal; two when even three do not fit."""
    return max(2, min(6, (width - HOUR_GUTTER) // HOURS))


def midnight_hour(utc_offset: float | None) -> int | None:
    """The UTC hour whose column is labelled local 00 at this offset (UTC+1: 23; UTC-5: 5). A
    half-hour offset follows ``HourHistogram.at_offset``: a UTC hour belongs to the local hour
    its first half falls in, so at UTC+05:30 local 00 is the 19 UTC column (00:30-01:30) and
    the line stands half an hour after the true midnight (columns are whole UTC hours)."""
    if utc_offset is None:
        return None
    return -math.floor(utc_offset) % HOURS


def hour_chart(counts: Sequence[int], width: int, utc_offset: float | None = None, height: int = 6) -> TextChart:
    """Posts per UTC hour as 24 bars, one column group an hour, 00..23 under them; with an
    offset, a second label row with the local hour and a ``:`` line at local midnight.

    A bar is ``height`` cells for the busiest hour and at least one cell for any hour with a
    post: the sleep gap (hours with none) must not be confused with quiet hours.
    """
    counts = [int(n) for n in counts][:HOURS] + [0] * max(0, HOURS - len(counts))
    slot = hour_slot(width)
    bar = slot - 1
    peak = max(counts)
    label_every = 1 if slot >= 3 else 2  # a two-digit label needs the slot's three columns
    cells = [0 if n == 0 else max(1, round(n * height / peak)) for n in counts]
    midnight = midnight_hour(utc_offset)
    plot_width = HOUR_GUTTER + HOURS * slot

    def col(hour: int) -> int:
        return HOUR_GUTTER + hour * slot  # the spacer; the bar starts one column right

    plot = []
    for level in range(height, 0, -1):
        row = [" "] * plot_width
        for h in range(HOURS):
            if cells[h] >= level:
                row[col(h) + 1:col(h) + 1 + bar] = HOUR_BAR * bar
        if midnight is not None:
            row[col(midnight)] = MIDNIGHT
        plot.append("".join(row).rstrip())
    base = [" "] * HOUR_GUTTER + [BASELINE] * (HOURS * slot)
    if midnight is not None:
        base[col(midnight)] = MIDNIGHT
    axis = ["".join(base)]

    def labels(name: str, hour_of) -> str:
        row = list(name.ljust(HOUR_GUTTER)) + [" "] * (HOURS * slot)
        for h in range(0, HOURS, 1):
            shown = hour_of(h)
            if shown % label_every == 0:
                row[col(h) + 1:col(h) + 3] = f"{shown:02d}"
        return "".join(row).rstrip()

    axis.append(labels("UTC", lambda h: h))
    if midnight is not None:
        axis.append(labels("loc", lambda h: (h - midnight) % HOURS))
        axis.append(_mark_row(width, [col(midnight)], "^",
                              f"local midnight at {format_offset(utc_offset)} (inferred)"))
    title = f"posts per hour of day · tallest bar {peak:,} posts"
    legend = [f"{HOUR_BAR} posts in that UTC hour" + (f" · {MIDNIGHT} local midnight" if midnight is not None
                                                      else " · local midnight: offset unknown")]
    return TextChart(_clip(title, width), [_clip(x, width) for x in legend], [_clip(r, width) for r in plot],
                     [_clip(r, width) for r in axis], HOUR_GUTTER)


# ---- indicators per week ----------------------------------------------------------------------

def badge(indicator: str) -> str:
    return BY_ID[indicator].badge if indicator in BY_ID else "?"


def _stack(counts: Sequence[int], scale: float, height: int) -> list[int]:
    """Cells per series in one bar: proportional, at least one for any non-zero count (every
    series that is there can be seen), the biggest shortened if that overflows ``height``."""
    cells = [0 if n == 0 else max(1, round(n * scale)) for n in counts]
    while sum(cells) > height:
        biggest = max(range(len(cells)), key=lambda i: cells[i])
        if cells[biggest] <= 1:
            break
        cells[biggest] -= 1
    return cells


def week_chart(timeline: Timeline, width: int, height: int = 8, changes: Sequence[str] = ()) -> TextChart:
    """Indicator counts per bucket (week) as stacked bars, each cell its indicator's letter; the
    most frequent indicator at the bottom. The legend is a row above the plot; week labels and
    ``^`` under behaviour-change weeks are rows below it. The latest weeks that fit are shown."""
    series = sorted(timeline.present, key=lambda i: (-timeline.totals.get(i, 0), i))
    buckets = timeline.buckets
    totals = [sum(b.indicators.get(i, 0) for i in series) for b in buckets]
    peak = max(totals, default=0)
    gutter = len(str(peak)) + 1
    room = max(2, width - gutter)
    slot = max(2, min(4, room // max(1, len(buckets))))
    shown = buckets[-(room // slot):] if buckets else []
    cut = len(buckets) - len(shown)
    unit = timeline.granularity
    title = f"indicators per {unit}" + (f" · last {len(shown)} of {len(buckets)}" if cut else "") + \
        " · a post with two indicators counts in both"
    legend = _wrap_items([f"{badge(i)} {i} {timeline.totals.get(i, 0)}" for i in series], width)
    if not shown or not series:
        note = "(no posts)" if not shown else f"(no indicator in {len(shown)} {unit}s of posts)"
        return TextChart(_clip(title, width), legend, [note], [], 0)
    height = max(height, max(sum(1 for i in series if b.indicators.get(i)) for b in shown))
    scale = height / peak
    plot_width = gutter + len(shown) * slot
    grid = [[" "] * plot_width for _ in range(height)]
    for n, b in enumerate(shown):
        x = gutter + n * slot
        level = 0
        for ind, cells in zip(series, _stack([b.indicators.get(i, 0) for i in series], scale, height)):
            for _ in range(cells):
                grid[height - 1 - level][x:x + slot - 1] = badge(ind) * (slot - 1)
                level += 1
    top, bottom = str(peak).rjust(gutter - 1), "0".rjust(gutter - 1)
    plot = []
    for r, row in enumerate(grid):
        row[:gutter] = (top if r == 0 else bottom if r == height - 1 else " " * (gutter - 1)) + "│"
        plot.append("".join(row).rstrip())
    axis = [" " * (gutter - 1) + "└" + BASELINE * (len(shown) * slot)]
    labels = [" "] * plot_width
    for n, b in enumerate(shown):
        short = b.label[-3:] if unit == "week" else b.label[-5:]
        # The first label whole (the year), then the short ones wherever they fit.
        if not (n == 0 and _put(labels, gutter, b.label)):
            _put(labels, gutter + n * slot, short)
    axis.append("".join(labels).rstrip())
    weeks = [b.label for b in shown]
    marked = [gutter + weeks.index(w) * slot for w in changes if w in weeks]
    if marked:
        axis.append(_mark_row(width, marked, CHANGE, "behaviour change " + ", ".join(
            w for w in changes if w in weeks)))
    return TextChart(_clip(title, width), legend, [_clip(r, width) for r in plot],
                     [_clip(r, width) for r in axis], gutter)
