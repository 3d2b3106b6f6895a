"""The score-over-time chart of the merchant page, as SVG geometry (no charting library).

A snapshot is only written when the result changes, so a score holds until the next snapshot:
the chart draws steps, not slopes, and a stretch without a grade (NR) is a gap in the line.
Coordinates are returned as preformatted strings so the template never localizes a number
(a decimal comma would break the SVG).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from .method import GRADE_TABLE

WIDTH, HEIGHT = 640, 220
LEFT, RIGHT, TOP, BOTTOM = 40, 16, 12, 28
# The snapshots the chart shows, newest: enough for years of weekly changes, small enough
# that the page reads them in one short query.
CHART_SNAPSHOTS = 100


@dataclass(frozen=True)
class Point:
    x: str
    y: str
    score: int
    grade: str
    computed_at: datetime


def _fmt(value: float) -> str:
    return f"{value:.1f}"


def score_chart(snapshots: list, *, now: datetime) -> dict | None:
    """Geometry for ``snapshots`` (oldest first; each has computed_at, score, grade), or None
    when none of them has a score. The time axis runs from the first snapshot to ``now``."""
    if not any(s.score is not None for s in snapshots):
        return None
    start = snapshots[0].computed_at
    end = max(now, snapshots[-1].computed_at)
    span = (end - start).total_seconds() or 1.0
    plot_width = WIDTH - LEFT - RIGHT
    plot_height = HEIGHT - TOP - BOTTOM

    def x(moment: datetime) -> float:
        return LEFT + (moment - start).total_seconds() / span * plot_width

    def y(score: float) -> float:
        return TOP + (1 - score / 1000) * plot_height

    lines: list[list[str]] = []
    segment: list[str] = []
    points: list[Point] = []
    for snapshot, following in zip(snapshots, [*snapshots[1:], None], strict=True):
        until = following.computed_at if following is not None else end
        if snapshot.score is None:
            if segment:
                lines.append(segment)
                segment = []
            continue
        level = _fmt(y(snapshot.score))
        segment += [f"{_fmt(x(snapshot.computed_at))},{level}", f"{_fmt(x(until))},{level}"]
        points.append(
            Point(
                x=_fmt(x(snapshot.computed_at)),
                y=level,
                score=snapshot.score,
                grade=snapshot.grade,
                computed_at=snapshot.computed_at,
            )
        )
    if segment:
        lines.append(segment)
    return {
        "width": WIDTH,
        "height": HEIGHT,
        "left": LEFT,
        "label_x": LEFT - 6,
        "right": WIDTH - RIGHT,
        "top": TOP,
        "bottom": HEIGHT - BOTTOM,
        "label_y": HEIGHT - 8,
        "lines": [" ".join(segment) for segment in lines],
        "points": points,
        # Where each grade begins (A+ at 900 ... D at 450); F is everything below D.
        "grade_lines": [
            {"y": _fmt(y(minimum)), "label_y": _fmt(y(minimum) + 4), "grade": grade}
            for minimum, grade in GRADE_TABLE
            if minimum > 0
        ],
        "start": start,
        "end": end,
    }
