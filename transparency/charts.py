"""The charts of the statistics page, as SVG geometry (no charting library), drawn in the manner
of credit.charts: coordinates are preformatted strings so the template never localizes a number
(a decimal comma would break the SVG), and every chart comes with a table of its values for
screen readers (the template writes it).
"""

from __future__ import annotations

import datetime as dt
import math
from dataclasses import dataclass

WIDTH = 640
# Complaints per month: vertical bars over the period.
MONTHS_HEIGHT = 220
LEFT, RIGHT, TOP, BOTTOM = 40, 16, 12, 28
# At most this many month names under the bars (one every few months beyond it).
MONTH_LABELS = 12
# Horizontal bars: each row a label on its own line (long category names fit) and its bar.
ROW_HEIGHT = 34
BAR_HEIGHT = 12
# The bars start near the left edge: their labels are above them, not beside.
H_LEFT = 8
# Room right of the longest bar for its count.
COUNT_ROOM = 56


def _fmt(value: float) -> str:
    return f"{value:.1f}"


def nice_ceiling(value: int) -> int:
    """The smallest 1, 2 or 5 times a power of ten at least ``value`` (at least 1): the top of
    the vertical axis, so its middle line falls on a round number."""
    if value <= 1:
        return 1
    power = 10 ** math.floor(math.log10(value))
    for step in (1, 2, 5, 10):
        if step * power >= value:
            return step * power
    return 10 * power  # pragma: no cover - the loop ends at 10


@dataclass(frozen=True)
class MonthBar:
    month: dt.date
    count: int
    x: str
    y: str
    width: str
    height: str
    label_x: str
    labelled: bool


def month_bars(months: list[dict]) -> dict | None:
    """Geometry for ``months`` (each {"month": "YYYY-MM", "count": n}, oldest first), or None
    when there is no month."""
    if not months:
        return None
    top = nice_ceiling(max(m["count"] for m in months))
    plot_width = WIDTH - LEFT - RIGHT
    plot_height = MONTHS_HEIGHT - TOP - BOTTOM
    bottom = MONTHS_HEIGHT - BOTTOM
    slot = plot_width / len(months)
    every = math.ceil(len(months) / MONTH_LABELS)
    bars = []
    for index, row in enumerate(months):
        height = row["count"] / top * plot_height
        year, month = (int(part) for part in row["month"].split("-"))
        bars.append(
            MonthBar(
                month=dt.date(year, month, 1),
                count=row["count"],
                x=_fmt(LEFT + index * slot + slot * 0.15),
                y=_fmt(bottom - height),
                width=_fmt(slot * 0.7),
                height=_fmt(height),
                label_x=_fmt(LEFT + index * slot + slot / 2),
                labelled=index % every == 0,
            )
        )
    ticks = [0, top] if top % 2 else [0, top // 2, top]
    return {
        "width": WIDTH,
        "height": MONTHS_HEIGHT,
        "left": LEFT,
        "label_x": LEFT - 6,
        "right": WIDTH - RIGHT,
        "bottom": bottom,
        "label_y": MONTHS_HEIGHT - 8,
        "bars": bars,
        "ticks": [
            {
                "value": tick,
                "y": _fmt(bottom - tick / top * plot_height),
                "label_y": _fmt(bottom - tick / top * plot_height + 4),
            }
            for tick in ticks
        ],
    }


@dataclass(frozen=True)
class Bar:
    label: str
    count: int
    label_y: str
    y: str
    width: str
    count_x: str
    count_y: str


def horizontal_bars(rows: list[tuple[str, int]]) -> dict | None:
    """Geometry for ``rows`` ((label, count), in the order shown), or None when there is none:
    the longest bar is the largest count."""
    if not rows:
        return None
    largest = max(count for _label, count in rows) or 1
    span = WIDTH - H_LEFT - RIGHT - COUNT_ROOM
    bars = []
    for index, (label, count) in enumerate(rows):
        top = TOP + index * ROW_HEIGHT
        width = count / largest * span
        bars.append(
            Bar(
                label=label,
                count=count,
                label_y=_fmt(top + 12),
                y=_fmt(top + 17),
                width=_fmt(width),
                count_x=_fmt(H_LEFT + width + 6),
                count_y=_fmt(top + 17 + BAR_HEIGHT - 2),
            )
        )
    return {
        "width": WIDTH,
        "height": TOP + len(rows) * ROW_HEIGHT + 4,
        "left": H_LEFT,
        "bar_height": BAR_HEIGHT,
        "bars": bars,
    }
