"""An author's indicator timeline as a small SVG image, for the case report: stacked bars of
posts carrying each indicator per bucket (week), the posts per bucket as a line for scale.

Built with ``xml.etree`` (never by pasting strings), so the result is well-formed XML whatever a
label holds; every label is ours or passes the sanitizer first. Each indicator is drawn in its
own colour *and* named in the legend with its badge letter, and every bar carries a ``<title>``
(hover text: bucket, indicator, count), so the chart reads in greyscale print too.
"""

from __future__ import annotations

import xml.etree.ElementTree as ET

from ..analytics.timeline import Timeline
from ..indicators import BY_ID
from ..sanitize import sanitize

SVG_NS = "http://www.w3.org/2000/svg"
# Colour-blind-safe palette (Okabe-Ito), in the order indicators are stacked.
PALETTE = ("#d55e00", "#0072b2", "#e69f00", "#009e73", "#cc79a7", "#56b4e9", "#f0e442", "#000000", "#999999")
WIDTH, HEIGHT = 640, 190
PAD_LEFT, PAD_RIGHT, PAD_TOP, PAD_BOTTOM = 34, 34, 22, 40
MAX_BUCKETS = 52  # a year of weeks: older buckets fall off the left


def _badge(indicator: str) -> str:
    return BY_ID[indicator].badge if indicator in BY_ID else indicator[:1].upper()


def _text(parent: ET.Element, x: float, y: float, text: str, **attrs: str) -> ET.Element:
    el = ET.SubElement(parent, "text", {"x": f"{x:.1f}", "y": f"{y:.1f}", **attrs})
    el.text = sanitize(text)
    return el


def timeline_svg(timeline: Timeline, title: str) -> str:
    """The chart as an ``<svg>`` element (no XML declaration: it is inlined into HTML, and a
    standalone file is valid SVG as it is)."""
    buckets = timeline.buckets[-MAX_BUCKETS:]
    present = sorted(timeline.present, key=lambda i: -timeline.totals.get(i, 0))
    legend = _legend_rows(present, timeline.totals)
    height = HEIGHT + 12 * max(len(legend) - 1, 0)
    svg = ET.Element("svg", {"xmlns": SVG_NS, "width": str(WIDTH), "height": str(height),
                             "viewBox": f"0 0 {WIDTH} {height}", "role": "img", "class": "timeline",
                             "font-family": "sans-serif", "font-size": "10"})
    ET.SubElement(svg, "title").text = sanitize(title)
    if not buckets:
        _text(svg, PAD_LEFT, HEIGHT / 2, "no posts")
        return ET.tostring(svg, encoding="unicode")
    plot_w = WIDTH - PAD_LEFT - PAD_RIGHT
    plot_h = HEIGHT - PAD_TOP - PAD_BOTTOM
    top = max(max((sum(b.indicators.get(i, 0) for i in present) for b in buckets), default=0), 1)
    top_posts = max(max(b.posts for b in buckets), 1)
    slot = plot_w / len(buckets)
    base = PAD_TOP + plot_h

    axes = ET.SubElement(svg, "g", {"stroke": "#444", "stroke-width": "1"})
    ET.SubElement(axes, "line", {"x1": str(PAD_LEFT), "y1": str(base), "x2": str(WIDTH - PAD_RIGHT), "y2": str(base)})
    ET.SubElement(axes, "line", {"x1": str(PAD_LEFT), "y1": str(PAD_TOP), "x2": str(PAD_LEFT), "y2": str(base)})
    _text(svg, PAD_LEFT - 4, PAD_TOP + 4, str(top), **{"text-anchor": "end"})
    _text(svg, PAD_LEFT - 4, base, "0", **{"text-anchor": "end"})
    _text(svg, WIDTH - PAD_RIGHT + 4, PAD_TOP + 4, str(top_posts), fill="#666")
    _text(svg, 2, PAD_TOP - 8, "posts with indicator")
    _text(svg, WIDTH - 2, PAD_TOP - 8, "all posts (line)", fill="#666", **{"text-anchor": "end"})

    bars = ET.SubElement(svg, "g", {"class": "bars"})
    for n, b in enumerate(buckets):
        y: float = base
        for k, indicator in enumerate(present):
            count = b.indicators.get(indicator, 0)
            if not count:
                continue
            h = count / top * plot_h
            y -= h
            rect = ET.SubElement(bars, "rect", {
                "x": f"{PAD_LEFT + n * slot + slot * 0.1:.1f}", "y": f"{y:.1f}",
                "width": f"{max(slot * 0.8, 1):.1f}", "height": f"{h:.1f}", "fill": PALETTE[k % len(PALETTE)],
                "data-indicator": indicator, "data-count": str(count)})
            ET.SubElement(rect, "title").text = sanitize(f"{b.label}: {indicator} {count}")
    points = " ".join(f"{PAD_LEFT + (n + 0.5) * slot:.1f},{base - b.posts / top_posts * plot_h:.1f}"
                      for n, b in enumerate(buckets))
    ET.SubElement(svg, "polyline", {"points": points, "fill": "none", "stroke": "#666", "stroke-width": "1.2",
                                    "stroke-dasharray": "3 2", "class": "posts"})

    every = max(1, len(buckets) // 8)
    for n in range(0, len(buckets), every):
        _text(svg, PAD_LEFT + (n + 0.5) * slot, base + 12, buckets[n].label, **{"text-anchor": "middle"})

    colour = {indicator: PALETTE[k % len(PALETTE)] for k, indicator in enumerate(present)}
    for row, entries in enumerate(legend):
        y = HEIGHT - 8 + 12 * row
        for x, indicator, label in entries:
            ET.SubElement(svg, "rect", {"x": f"{x:.1f}", "y": f"{y - 8}", "width": "8", "height": "8",
                                        "fill": colour[indicator]})
            _text(svg, x + 11, y, label)
    return ET.tostring(svg, encoding="unicode")


def _legend_rows(present: list[str], totals: dict[str, int]) -> list[list[tuple[float, str, str]]]:
    """Legend entries (x, indicator, label) in rows that fit the width (about 5.6 px a character)."""
    rows: list[list[tuple[float, str, str]]] = [[]]
    x = float(PAD_LEFT)
    for indicator in present:
        label = f"{_badge(indicator)} {indicator} {totals.get(indicator, 0)}"
        width = 16 + 5.6 * len(label)
        if rows[-1] and x + width > WIDTH - 4:
            rows.append([])
            x = float(PAD_LEFT)
        rows[-1].append((x, indicator, label))
        x += width
    return rows
