"""Purchase dates that can be right: an order date neither in the future (in the viewer's time
zone) nor before 2000-01-01; a delivery date neither before the order nor in the future."""

# ruff: noqa: RUF001 - Chinese messages and full-width characters are what these tests check
from __future__ import annotations

from datetime import date

import pytest
from django.core.exceptions import ValidationError
from django.utils import translation

from core.dates import validate_delivery_date, validate_order_date

TODAY = date(2026, 12, 4)


@pytest.mark.parametrize("value", [date(2000, 1, 1), date(2026, 12, 3), TODAY])
def test_order_dates_that_can_be_right(value):
    assert validate_order_date(value, today=TODAY) == value


@pytest.mark.parametrize(
    ("value", "message"),
    [
        (date(2026, 12, 5), "The order date cannot be in the future."),
        (date(9999, 12, 31), "The order date cannot be in the future."),
        (
            date(1999, 12, 31),
            "An order date before Jan 1, 2000 cannot be right: please check the year.",
        ),
        (
            date(1, 1, 1),
            "An order date before Jan 1, 2000 cannot be right: please check the year.",
        ),
        (
            date(1025, 6, 1),
            "An order date before Jan 1, 2000 cannot be right: please check the year.",
        ),
    ],
)
def test_order_dates_that_cannot_be_right(value, message):
    with translation.override("en"), pytest.raises(ValidationError) as error:
        validate_order_date(value, today=TODAY)
    assert error.value.messages == [message]


def test_the_refusal_is_in_chinese_too():
    with translation.override("zh-hans"), pytest.raises(ValidationError) as error:
        validate_order_date(date(1, 1, 1), today=TODAY)
    assert error.value.messages == ["下单日期不可能早于 2000年1月1日：请检查年份。"]


@pytest.mark.parametrize(
    ("delivered", "ordered", "message"),
    [
        (date(2026, 10, 5), date(2026, 10, 1), None),
        (date(2026, 10, 1), date(2026, 10, 1), None),
        (TODAY, date(2026, 10, 1), None),
        (date(2026, 10, 5), None, None),
        (
            date(2026, 9, 30),
            date(2026, 10, 1),
            "The delivery date cannot be before the order date.",
        ),
        (date(2026, 12, 5), date(2026, 10, 1), "The delivery date cannot be in the future."),
        (
            date(1999, 1, 1),
            None,
            "A delivery date before Jan 1, 2000 cannot be right: please check the year.",
        ),
    ],
)
def test_delivery_dates(delivered, ordered, message):
    with translation.override("en"):
        if message is None:
            assert validate_delivery_date(delivered, order_date=ordered, today=TODAY) == delivered
            return
        with pytest.raises(ValidationError) as error:
            validate_delivery_date(delivered, order_date=ordered, today=TODAY)
    assert error.value.messages == [message]
