"""Money: currency codes, amount parsing and formatting per language."""

# ruff: noqa: RUF001 - Chinese messages and full-width characters are what these tests check
from __future__ import annotations

from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.utils import translation

from core.money import (
    amount_bound,
    check_amount_bound,
    currency_choices,
    format_money,
    parse_amount,
    validate_currency,
)


def test_currency_codes_are_checked_against_iso_4217():
    assert validate_currency(" cny ") == "CNY"
    for bad in ("RMB", "XAU", "", "US$"):
        with pytest.raises(ValidationError):
            validate_currency(bad)


@pytest.mark.parametrize("code", ["USD", "EUR", "CNY", "HKD", "JPY", "GBP", "KRW", "XOF", "CHF"])
def test_current_currencies_are_accepted(code):
    assert validate_currency(code) == code


@pytest.mark.parametrize(
    ("typed", "stored"), [("usd", "USD"), (" eur ", "EUR"), ("Cny", "CNY"), ("jpy\n", "JPY")]
)
def test_a_code_typed_in_lower_case_is_normalised(typed, stored):
    assert validate_currency(typed) == stored


@pytest.mark.parametrize(
    "code",
    [
        "ABC",  # never a currency
        "DEM",  # Deutsche Mark, replaced by the euro in 2002
        "FRF",  # French franc, likewise
        "HRK",  # Croatian kuna, replaced by the euro in 2023
        "VEF",  # Venezuelan bolívar fuerte, replaced in 2018
        "XTS",  # reserved for testing
        "XXX",  # "no currency"
        "XAU",  # gold
        "BOV",  # a fund code (Bolivian Mvdol)
        "US",
        "USDX",
    ],
)
def test_historic_test_and_non_currency_codes_are_refused(code):
    with pytest.raises(ValidationError) as error:
        validate_currency(code)
    assert error.value.messages == [f"{code} is not the ISO 4217 code of a currency in use today."]


def test_the_currency_refusal_is_translated():
    with translation.override("zh-hans"), pytest.raises(ValidationError) as error:
        validate_currency("DEM")
    assert error.value.messages == ["DEM 不是现行货币的 ISO 4217 代码。"]


@pytest.mark.parametrize(
    "bad",
    [
        "0",
        "-5",
        "abc",
        "NaN",
        "Infinity",
        "1e12",
        "1e9",  # scientific notation is not how a price is typed
        "1E3",
        "12.345",
        "",
        "129,90",  # a decimal comma: refused rather than read as 12,990
        "1,29,900",
        "1.000,50",
        "+5",
        "0x10",
        "1_000",
        "12. 5",
        "1000000000",  # one billion: no consumer purchase
        "99999999999999999999",
    ],
)
def test_bad_amounts_are_refused(bad):
    with pytest.raises(ValidationError):
        parse_amount(bad)


def test_amounts_are_decimals_with_two_places():
    assert parse_amount("1,299.9") == Decimal("1299.90")
    assert parse_amount("0", allow_zero=True) == Decimal("0.00")
    assert parse_amount("999999999.99") == Decimal("999999999.99")


def test_full_width_digits_from_a_chinese_input_method_are_read():
    assert parse_amount("\uff11\uff12\uff19\uff0e\uff19\uff10") == Decimal("129.90")


@pytest.mark.parametrize(
    ("amount", "currency", "stored"),
    [
        ("1299", "JPY", Decimal("1299.00")),
        ("50000", "KRW", Decimal("50000.00")),
        ("129.90", "USD", Decimal("129.90")),
        ("12.5", "EUR", Decimal("12.50")),
        ("3.25", "KWD", Decimal("3.25")),  # three minor units, stored with two
    ],
)
def test_amounts_follow_the_currencys_minor_units(amount, currency, stored):
    assert parse_amount(amount, currency=currency) == stored


@pytest.mark.parametrize(
    ("amount", "currency", "message"),
    [
        ("1299.50", "JPY", "Amounts in JPY have no decimals."),
        ("100.1", "KRW", "Amounts in KRW have no decimals."),
        ("12.345", "USD", "Use at most two decimals."),
        ("3.125", "KWD", "Use at most two decimals."),
    ],
)
def test_decimals_beyond_the_currencys_minor_units_are_refused(amount, currency, message):
    with pytest.raises(ValidationError) as error:
        parse_amount(amount, currency=currency)
    assert error.value.messages == [message]


# The bounds of claims, offers and settlements on a purchase of 129.90, with the default
# multiple of 3: a refund gives back at most the price, compensation at most three times it.
@pytest.mark.parametrize(
    ("kind", "paid", "bound"),
    [
        ("refund", Decimal("129.90"), Decimal("129.90")),
        ("partial_refund", Decimal("129.90"), Decimal("129.90")),
        ("compensation", Decimal("129.90"), Decimal("389.70")),
        ("replacement", Decimal("129.90"), Decimal("389.70")),
        ("compensation", Decimal("0.01"), Decimal("0.03")),
        ("refund", None, None),
        ("compensation", None, None),
    ],
)
def test_amount_bounds_by_kind(kind, paid, bound):
    assert amount_bound(kind, paid) == bound


def test_the_compensation_multiple_is_a_setting(settings):
    settings.REDRESS_MAX_COMPENSATION_MULTIPLE = 5
    assert amount_bound("compensation", Decimal("129.90")) == Decimal("649.50")
    assert amount_bound("refund", Decimal("129.90")) == Decimal("129.90")


@pytest.mark.parametrize(
    ("kind", "amount", "message"),
    [
        ("partial_refund", "129.91", "A refund is at most the amount paid, $129.90."),
        ("partial_refund", "99999999", "A refund is at most the amount paid, $129.90."),
        (
            "compensation",
            "389.71",
            "Compensation is at most 3 times the amount paid, that is $389.70.",
        ),
    ],
)
def test_amounts_beyond_the_bound_are_refused(kind, amount, message):
    with translation.override("en"), pytest.raises(ValidationError) as error:
        check_amount_bound(Decimal(amount), kind=kind, paid=Decimal("129.90"), currency="USD")
    assert error.value.messages == [message]
    assert error.value.code == "over_bound"


@pytest.mark.parametrize(
    ("kind", "amount"),
    [("partial_refund", "129.90"), ("refund", "0.01"), ("compensation", "389.70")],
)
def test_amounts_within_the_bound_pass(kind, amount):
    check_amount_bound(Decimal(amount), kind=kind, paid=Decimal("129.90"), currency="USD")


def test_the_bound_message_is_translated():
    with translation.override("zh-hans"), pytest.raises(ValidationError) as error:
        check_amount_bound(
            Decimal("500"), kind="compensation", paid=Decimal("129.90"), currency="CNY"
        )
    assert error.value.messages == ["赔偿最多为实付金额的 3 倍，即 ¥389.70。"]


def test_format_follows_the_active_language():
    with translation.override("en"):
        assert format_money(Decimal("1299.90"), "CNY") == "CN¥1,299.90"
    with translation.override("zh-hans"):
        assert format_money(Decimal("1299.90"), "CNY") == "¥1,299.90"
    assert format_money(None, "CNY") == ""


# Withdrawn from ISO 4217 or not money a shop charges in: none may be offered.
NOT_OFFERED = [
    "ADP",  # Andorran peseta
    "DEM",  # Deutsche Mark
    "FRF",  # French franc
    "ESP",  # Spanish peseta
    "ITL",  # Italian lira
    "HRK",  # Croatian kuna, replaced by the euro in 2023
    "VEF",  # Venezuelan bolívar fuerte, replaced by VES
    "SLL",  # old Sierra Leonean leone, replaced by SLE
    "XAU",  # gold
    "XTS",  # the code reserved for testing
    "XXX",  # no currency
]


def test_only_current_currencies_are_offered_the_common_ones_first():
    with translation.override("en"):
        choices = currency_choices()
    codes = [code for code, _label in choices]

    assert codes[:7] == ["EUR", "USD", "CNY", "GBP", "JPY", "HKD", "KRW"]
    assert choices[0] == ("EUR", "EUR - Euro")
    assert not set(NOT_OFFERED) & set(codes)
    assert not [label for _code, label in choices if "Peseta" in label]
    assert {"CHF", "INR", "BRL", "VES", "SLE"} <= set(codes)
    assert len(codes) == len(set(codes))
    common = codes.index("CHF") + 1
    assert codes[common:] == sorted(codes[common:])


@pytest.mark.parametrize(
    ("amount", "percent", "currency", "expected"),
    [
        (Decimal("129.90"), 80, "EUR", Decimal("103.92")),
        (Decimal("10.05"), 50, "EUR", Decimal("5.03")),  # half up, to the cent
        (Decimal("2399"), Decimal("33.3"), "JPY", Decimal("799")),  # no minor unit
        (Decimal("1.236"), 100, "KWD", Decimal("1.24")),  # amounts keep two decimals at most
        (None, 50, "EUR", None),
    ],
)
def test_a_share_of_an_amount_is_rounded_to_the_currency(amount, percent, currency, expected):
    from core.money import share_of

    assert share_of(amount, percent, currency) == expected
