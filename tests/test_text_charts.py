"""The author screen's text charts: 24 hour columns with local midnight marked, and indicators
per week drawn with their letters, the legend never on a data cell."""

from __future__ import annotations

import re

import pytest

from triage.analytics.text_charts import HOUR_BAR, MIDNIGHT, hour_chart, hour_slot, midnight_hour, week_chart
from triage.analytics.timeline import Timeline, TimelineBucket
from triage.indicators import BY_ID

# A night owl at UTC+1: asleep 23:00-06:00 UTC (00-07 local), busiest in the evening.
NIGHT_OWL = [0, 0, 0, 0, 0, 0, 1, 2, 3, 3, 4, 5, 5, 4, 3, 4, 6, 8, 9, 12, 14, 10, 6, 0]


def _cells(chart, rows, char):
    return {(r, c) for r in rows for c, ch in enumerate(chart.lines[r]) if ch == char}


def _hour_label_columns(row: str) -> list[tuple[int, int]]:
    """(column, hour) of each two-digit label in a label row, after the gutter."""
    return [(m.start(), int(m.group())) for m in re.finditer(r"\d\d", row[4:])]


@pytest.mark.parametrize("width", [76, 156])
def test_hour_chart_has_24_columns_labelled_00_to_23_and_a_bar_for_every_hour_with_posts(width):
    chart = hour_chart(NIGHT_OWL, width, utc_offset=1.0)
    assert all(len(line) <= width for line in chart.lines)
    utc_row = next(line for line in chart.axis if line.startswith("UTC"))
    labels = _hour_label_columns(utc_row)
    assert [h for _, h in labels] == list(range(24))  # one column an hour, in order
    steps = {b[0] - a[0] for a, b in zip(labels, labels[1:])}
    assert steps == {hour_slot(width)}  # evenly spaced: it reads as 24 bars
    bottom = chart.plot[-1]
    for col, hour in labels:
        bar_cell = bottom[4 + col] if 4 + col < len(bottom) else " "
        assert (bar_cell == HOUR_BAR) == (NIGHT_OWL[hour] > 0), hour
    # the busiest hour reaches the top row, and only it
    top_bars = {h for col, h in labels if 4 + col < len(chart.plot[0]) and chart.plot[0][4 + col] == HOUR_BAR}
    assert top_bars == {20}


def test_hour_chart_marks_the_inferred_local_midnight():
    chart = hour_chart(NIGHT_OWL, 76, utc_offset=1.0)
    assert midnight_hour(1.0) == 23 and midnight_hour(-5.0) == 5 and midnight_hour(0.0) == 0
    # half-hour offsets as the profile's local-hour histogram counts them (HourHistogram.at_offset)
    from triage.analytics.hours import HourHistogram

    for offset in (5.5, -3.5, 9.5):
        by_utc = [0] * 24
        by_utc[midnight_hour(offset)] = 1
        assert HourHistogram(1, by_utc).at_offset(offset)[0] == 1
    slot = hour_slot(76)
    line_col = 4 + 23 * slot  # the column just left of the 23:00 UTC bar
    assert all(row[line_col] == MIDNIGHT for row in chart.plot)  # a line through the plot
    utc_row, local_row, mark_row = chart.axis[1:4]
    assert local_row.startswith("loc")
    local = dict(_hour_label_columns(local_row))
    utc = dict(_hour_label_columns(utc_row))
    midnight_col = next(c for c, h in local.items() if h == 0)
    assert utc[midnight_col] == 23 and local[next(c for c, h in utc.items() if h == 0)] == 1
    assert mark_row[line_col] == "^" and "local midnight at UTC+01:00 (inferred)" in mark_row
    assert "local midnight" in chart.legend[0]


def test_hour_chart_without_an_offset_says_so_and_marks_nothing():
    chart = hour_chart(NIGHT_OWL, 76, utc_offset=None)
    assert not any(MIDNIGHT in row for row in chart.plot)
    assert not any(row.startswith("loc") for row in chart.axis)
    assert "offset unknown" in chart.legend[0]


def _timeline(weeks: list[dict[str, int]]) -> Timeline:
    buckets = [TimelineBucket(f"2026-W{10 + n:02d}", 0, sum(w.values()), 0, dict(w)) for n, w in enumerate(weeks)]
    totals: dict[str, int] = {}
    for w in weeks:
        for k, v in w.items():
            totals[k] = totals.get(k, 0) + v
    return Timeline("week", buckets, totals)


# Many threats, one lone distress post: the small series must still show its letter.
WEEKS = [{"threat": 9, "target": 3}, {}, {"threat": 12, "weapons": 5, "distress": 1}, {"plan": 2},
         {"threat": 30, "target": 8, "weapons": 4, "plan": 1, "isolation": 1}, {"radicalization": 2}]


@pytest.mark.parametrize("width", [40, 76, 156])
def test_week_chart_draws_every_series_with_its_letter_and_the_legend_covers_no_data(width):
    timeline = _timeline(WEEKS)
    chart = week_chart(timeline, width, changes=["2026-W14"])
    assert all(len(line) <= width for line in chart.lines)
    plot_rows = range(chart.plot_start, chart.plot_start + len(chart.plot))
    legend_rows = range(1, chart.plot_start)
    legend_text = " ".join(chart.lines[r] for r in legend_rows)
    data_cells = set()
    for ind in timeline.present:
        letter = BY_ID[ind].badge
        cells = {(r, c) for r, c in _cells(chart, plot_rows, letter) if c >= chart.gutter}
        assert cells, f"{ind} ({letter}) is not drawn"
        assert f"{letter} {ind}" in legend_text  # the legend names the letter
        data_cells |= cells
    legend_cells = {(r, c) for r in legend_rows for c, ch in enumerate(chart.lines[r]) if ch != " "}
    assert legend_cells and not legend_cells & data_cells
    assert all(r not in plot_rows for r, _ in legend_cells)


def test_week_chart_stacks_in_proportion_and_marks_the_change_week():
    chart = week_chart(_timeline(WEEKS), 76, height=8, changes=["2026-W14"])
    slot = 4 if 76 - chart.gutter >= 4 * len(WEEKS) else 2
    column = [row[chart.gutter + 4 * slot] for row in chart.plot]  # week W14, the tallest
    assert column[0] != " " and column.count("T") > column.count("G") > 0
    assert column[-1] == "T"  # the most frequent indicator at the bottom of every stack
    empty_week = [row[chart.gutter + slot] if len(row) > chart.gutter + slot else " " for row in chart.plot]
    assert set(empty_week) == {" "}
    assert chart.plot[0].startswith("44│")  # the scale: the tallest stack's count
    labels, marks = chart.axis[1], chart.axis[2]
    assert labels.startswith(" " * chart.gutter + "2026-W10") and "W14" in labels
    assert marks[chart.gutter + 4 * slot] == "^" and "behaviour change 2026-W14" in marks


def test_week_chart_keeps_the_latest_weeks_that_fit():
    weeks = [{"threat": n % 3} for n in range(60)]
    timeline = Timeline("week", [TimelineBucket(f"W{n}", 0, 1, 0, w) for n, w in enumerate(weeks)], {"threat": 60})
    chart = week_chart(timeline, 40)
    assert "last 19 of 60" in chart.title
    assert all(len(line) <= 40 for line in chart.lines)
