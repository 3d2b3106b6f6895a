"""The charts' geometry, worked out by hand: 640 x 220 for the months (bars from x=40 to 624,
from y=192 up to y=12), rows of 34 px for the horizontal bars (from x=8, 560 px at most)."""

from __future__ import annotations

import datetime as dt

import pytest

from transparency import charts


@pytest.mark.parametrize(
    ("largest", "top"),
    [(0, 1), (1, 1), (2, 2), (3, 5), (7, 10), (10, 10), (11, 20), (250, 500), (1001, 2000)],
)
def test_the_vertical_axis_ends_on_a_round_number(largest, top):
    assert charts.nice_ceiling(largest) == top


def test_month_bars():
    chart = charts.month_bars([{"month": "2026-05", "count": 2}, {"month": "2026-06", "count": 5}])

    # Two slots of 292 px, bars 70 % of a slot wide; 2 of 5 is 72 of the 180 px.
    assert [(b.month, b.count, b.x, b.y, b.width, b.height, b.label_x) for b in chart["bars"]] == [
        (dt.date(2026, 5, 1), 2, "83.8", "120.0", "204.4", "72.0", "186.0"),
        (dt.date(2026, 6, 1), 5, "375.8", "12.0", "204.4", "180.0", "478.0"),
    ]
    assert [(t["value"], t["y"]) for t in chart["ticks"]] == [(0, "192.0"), (5, "12.0")]
    assert chart["width"] == 640 and chart["height"] == 220


def test_an_even_top_gets_a_middle_line_and_empty_months_a_flat_bar():
    chart = charts.month_bars([{"month": "2026-05", "count": 0}, {"month": "2026-06", "count": 10}])

    assert [(t["value"], t["y"]) for t in chart["ticks"]] == [
        (0, "192.0"),
        (5, "102.0"),
        (10, "12.0"),
    ]
    assert (chart["bars"][0].y, chart["bars"][0].height) == ("192.0", "0.0")


def test_beyond_twelve_months_every_other_month_is_named():
    months = [{"month": f"{2025 + i // 12}-{i % 12 + 1:02d}", "count": 1} for i in range(24)]

    labelled = [b.month for b in charts.month_bars(months)["bars"] if b.labelled]

    assert labelled == [dt.date(2025 + i // 12, i % 12 + 1, 1) for i in range(0, 24, 2)]
    assert charts.month_bars([]) is None


def test_horizontal_bars():
    chart = charts.horizontal_bars([("Not delivered", 4), ("Fraud", 1)])

    assert [
        (b.label, b.count, b.label_y, b.y, b.width, b.count_x, b.count_y) for b in chart["bars"]
    ] == [
        ("Not delivered", 4, "24.0", "29.0", "560.0", "574.0", "39.0"),
        ("Fraud", 1, "58.0", "63.0", "140.0", "154.0", "73.0"),
    ]
    assert chart["height"] == 84
    assert charts.horizontal_bars([]) is None
