"""Money: currency codes, amount parsing and formatting per language."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.utils import translation

from core.money import format_money, parse_amount, validate_currency


def test_currency_codes_are_checked_against_iso_4217():
    assert validate_currency(" cny ") == "CNY"
    for bad in ("RMB", "XAU", "", "US$"):
        with pytest.raises(ValidationError):
            validate_currency(bad)


@pytest.mark.parametrize("bad", ["0", "-5", "abc", "NaN", "Infinity", "1e12", "12.345", ""])
def test_bad_amounts_are_refused(bad):
    with pytest.raises(ValidationError):
        parse_amount(bad)


def test_amounts_are_decimals_with_two_places():
    assert parse_amount("1,299.9") == Decimal("1299.90")
    assert parse_amount("0", allow_zero=True) == Decimal("0.00")


def test_format_follows_the_active_language():
    with translation.override("en"):
        assert format_money(Decimal("1299.90"), "CNY") == "CN¥1,299.90"
    with translation.override("zh-hans"):
        assert format_money(Decimal("1299.90"), "CNY") == "¥1,299.90"
    assert format_money(None, "CNY") == ""
