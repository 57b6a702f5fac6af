"""plotext charts of an author profile as text: the case report's indicators per week and
``triage author --tz``'s posts by local hour (the author charts of the console and of
``triage author`` are drawn by hand in ``text_charts``, which says why).

They must read over SSH in 16 colours and 80 columns, and without colour at all: every series
is drawn with its own letter (the indicator's queue badge), so colour only helps. plotext writes
256-colour escapes even for the 16 basic colours, which some terminals (the Linux console,
``TERM=xterm`` over old SSH clients) do not understand; they are rewritten to basic SGR codes.
"""

from __future__ import annotations

import re
from typing import Sequence

from ..indicators import BY_ID
from .timeline import Timeline

WIDTH = 78
HEIGHT = 14
MAX_BARS = 26  # about half a year of weeks fits 78 columns with readable bars
MAX_SERIES = 6
# The 16-colour palette in plotext's names (its "orange" is ANSI yellow); distinct at a glance,
# none too dark on black.
COLOURS = ("red+", "orange+", "magenta+", "cyan+", "green+", "blue+", "white")
_ESC256 = re.compile(r"\x1b\[(38|48);5;(\d+)m")


def _basic_sgr(match: re.Match) -> str:
    layer, n = match.group(1), int(match.group(2))
    if n >= 16:
        return match.group(0)
    base = (30 if layer == "38" else 40) if n < 8 else (90 if layer == "38" else 100)
    return f"\x1b[{base + n % 8}m"


def _plt(width: int, height: int, colour: bool):
    import plotext as plt  # here, not at import: `triage --help` stays fast

    plt.clf()
    plt.theme("pro" if colour else "clear")
    plt.plotsize(width, height)
    return plt


def _finish(plt, colour: bool) -> str:
    text = plt.build()
    text = _ESC256.sub(_basic_sgr, text) if colour else plt.uncolorize(text)
    return "\n".join(line.rstrip() for line in text.splitlines())


def _ticks(labels: Sequence[str], every: int) -> tuple[list[int], list[str]]:
    idx = list(range(0, len(labels), every))
    return idx, [labels[i] for i in idx]


def timeline_chart(timeline: Timeline, width: int = WIDTH, height: int = HEIGHT, colour: bool = True,
                   max_bars: int = MAX_BARS) -> str:
    """Stacked bars of indicator counts per bucket (the last ``max_bars``), each indicator drawn
    with its badge letter; the post count per bucket is the line (right axis) for scale."""
    buckets = timeline.buckets[-max_bars:]
    if not buckets:
        return "(no posts)"
    plt = _plt(width, height, colour)
    xs = list(range(len(buckets)))
    present = sorted(timeline.present, key=lambda i: -timeline.totals.get(i, 0))[:MAX_SERIES]
    stacks = []
    running = [0] * len(buckets)
    for ind in present:
        running = [r + b.indicators.get(ind, 0) for r, b in zip(running, buckets)]
        stacks.append((ind, running))
    # Tallest first: each shorter stack is drawn over the one before, which reads as stacking.
    for n, (ind, heights) in reversed(list(enumerate(stacks))):
        badge = BY_ID[ind].badge if ind in BY_ID else ind[:1].upper()
        plt.bar(xs, heights, marker=badge, color=COLOURS[n % len(COLOURS)], label=f"{badge} {ind}", width=0.8)
    posts = [b.posts for b in buckets]
    plt.plot(xs, posts, yside="right", marker="•", color="white", label="posts")
    plt.ylim(0, max(max(posts), 1), yside="right")  # from zero: the scale, not the wiggle
    every = max(1, len(buckets) // 6)
    plt.xticks(*_ticks([b.label[-3:] if timeline.granularity == "week" else b.label for b in buckets], every))
    plt.title(f"indicators per {timeline.granularity} ({buckets[0].label} .. {buckets[-1].label})")
    return _finish(plt, colour)


def hours_chart(counts: Sequence[int], title: str, marker: str = "U", width: int = WIDTH, height: int = 10,
                colour: bool = True) -> str:
    """Posts per hour of day (0-23) as bars drawn with ``marker``."""
    plt = _plt(width, height, colour)
    hours = list(range(24))
    plt.bar(hours, list(counts), marker=marker, color="cyan+" if marker == "U" else "orange+", width=0.8)
    plt.xticks(*_ticks([f"{h:02d}" for h in hours], 3))
    plt.title(title)
    return _finish(plt, colour)


def weekday_grid(grid: Sequence[Sequence[int]], names: Sequence[str]) -> str:
    """A 7 x 24 text heat map, one character an hour, darker = busier (relative to the busiest
    cell); shapes, not colour, carry it."""
    peak = max((max(row) for row in grid), default=0) or 1
    shades = " .:-=+*#%@"
    header = [" "] * 24
    for h in range(0, 24, 6):
        header[h:h + 2] = f"{h:02d}"
    lines = ["     " + "".join(header)]
    for name, row in zip(names, grid):
        lines.append(f"{name:<4} " + "".join(shades[min(9, round(9 * n / peak))] for n in row))
    return "\n".join(lines)
