"""Money: ISO 4217 currency codes, Decimal amounts, formatting in the reader's language."""

from __future__ import annotations

import functools
import re
import unicodedata
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation

from babel.core import get_global
from babel.numbers import (
    format_currency,
    get_currency_name,
    get_currency_precision,
    get_territory_currencies,
)
from django.conf import settings
from django.core.exceptions import ValidationError
from django.utils import translation
from django.utils.translation import gettext as _


def _legal_tender_today() -> frozenset[str]:
    # CLDR's territory data (through Babel) says which currency each territory uses as legal
    # tender and since when: what no territory uses today is historic (DEM, HRK, VEF) or not
    # money a shop charges in (the funds BOV and CLF, the metals XAU, the test codes XTS and
    # XXX). Babel's list_currencies() and is_currency() answer yes for all of those.
    return frozenset(
        code
        for territory in get_global("territory_currencies")
        for code in get_territory_currencies(territory, tender=True)
    )


CURRENCY_CODES = _legal_tender_today()
# No purchase a consumer complains about here costs this much in any currency's units (the
# largest are in currencies like IDR or VND); such an amount is a typing mistake.
MAX_AMOUNT = Decimal("1000000000")
# Plain decimal notation only, with optional thousands commas: "1e9" or "129,90" (a decimal
# comma, read as 12,990 by a comma-stripping parser) are refused, not guessed at.
_AMOUNT = re.compile(r"(?:\d{1,3}(?:,\d{3})+|\d+)(?:\.\d+)?", re.ASCII)
# Claims and offers of these kinds give the price back, so they are at most what was paid.
REFUND_KINDS = frozenset({"refund", "partial_refund"})


def _babel_locale() -> str:
    return "zh_Hans_CN" if (translation.get_language() or "en").startswith("zh") else "en"


def currency_choices() -> list[tuple[str, str]]:
    """(code, "CODE - name") pairs in the active language, common currencies first."""
    return list(_currency_choices(_babel_locale()))


@functools.cache
def _currency_choices(locale: str) -> tuple[tuple[str, str], ...]:
    # The currencies most cross-border purchases here are paid in, then the rest by code.
    common = ["EUR", "USD", "CNY", "GBP", "JPY", "HKD", "KRW", "TWD", "SGD", "AUD", "CAD", "CHF"]
    rest = sorted(CURRENCY_CODES - set(common))
    return tuple((c, f"{c} - {get_currency_name(c, locale=locale)}") for c in common + rest)


def validate_currency(code: str) -> str:
    """The code, upper-cased, if it is a current ISO 4217 currency (see CURRENCY_CODES)."""
    normalized = (code or "").strip().upper()
    if normalized not in CURRENCY_CODES:
        raise ValidationError(
            _("%(code)s is not the ISO 4217 code of a currency in use today.") % {"code": code},
            code="currency",
        )
    return normalized


def minor_units(currency: str) -> int:
    """Decimals an amount in ``currency`` may have: the currency's own (0 for JPY or KRW), at
    most the two the amounts are stored with (the Kuwaiti dinar's third is not kept)."""
    if currency not in CURRENCY_CODES:
        return 2
    return min(get_currency_precision(currency), 2)


def parse_amount(value, *, allow_zero: bool = False, currency: str = "") -> Decimal:
    """A positive amount with at most two decimals (or ``currency``'s minor units), or
    ValidationError."""
    # NFKC turns the full-width digits and point of CJK input methods into ASCII ones.
    text = unicodedata.normalize("NFKC", str(value if value is not None else "")).strip()
    if text.startswith("-") and _AMOUNT.fullmatch(text[1:]):
        raise ValidationError(_("The amount must be greater than zero."), code="amount")
    if not _AMOUNT.fullmatch(text):
        raise ValidationError(_("Enter an amount such as 129.90."), code="amount")
    try:
        amount = Decimal(text.replace(",", ""))
    except InvalidOperation:  # pragma: no cover - the pattern admits only decimals
        raise ValidationError(_("Enter an amount such as 129.90."), code="amount") from None
    if amount == 0 and not allow_zero:
        raise ValidationError(_("The amount must be greater than zero."), code="amount")
    if amount >= MAX_AMOUNT:
        raise ValidationError(_("This amount is too large to be right."), code="amount")
    places = minor_units(currency.upper()) if currency else 2
    step = Decimal(1).scaleb(-places)
    if amount != amount.quantize(step):
        if places == 0:
            raise ValidationError(
                _("Amounts in %(currency)s have no decimals.") % {"currency": currency.upper()},
                code="amount",
            )
        raise ValidationError(_("Use at most two decimals."), code="amount")
    return amount.quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)


def share_of(amount: Decimal | None, percent, currency: str) -> Decimal | None:
    """``percent`` per cent of ``amount``, rounded half up to the currency's minor unit."""
    if amount is None:
        return None
    step = Decimal(1).scaleb(-minor_units(currency))
    return (amount * Decimal(percent) / Decimal(100)).quantize(step, rounding=ROUND_HALF_UP)


def amount_bound(kind: str, paid: Decimal | None) -> Decimal | None:
    """The most a claim, an offer or a settlement of ``kind`` may come to on a purchase of
    ``paid`` (None when the amount paid is not known): a refund is at most what was paid, any
    other money (compensation) at most REDRESS_MAX_COMPENSATION_MULTIPLE times it."""
    if paid is None or paid <= 0:
        return None
    if kind in REFUND_KINDS:
        return paid
    return (paid * settings.REDRESS_MAX_COMPENSATION_MULTIPLE).quantize(Decimal("0.01"))


def check_amount_bound(
    amount: Decimal | None, *, kind: str, paid: Decimal | None, currency: str
) -> None:
    """ValidationError (code ``over_bound``) when ``amount`` exceeds amount_bound."""
    bound = amount_bound(kind, paid)
    if amount is None or bound is None or amount <= bound:
        return
    if kind in REFUND_KINDS:
        message = _("A refund is at most the amount paid, %(paid)s.") % {
            "paid": format_money(paid, currency)
        }
    else:
        message = _(
            "Compensation is at most %(multiple)s times the amount paid, that is %(bound)s."
        ) % {
            "multiple": settings.REDRESS_MAX_COMPENSATION_MULTIPLE,
            "bound": format_money(bound, currency),
        }
    raise ValidationError(message, code="over_bound")


def format_money(amount: Decimal | None, currency: str) -> str:
    """``¥1,299.00`` / ``US$12.50`` in the active language; empty for no amount."""
    if amount is None or not currency:
        return ""
    return format_currency(amount, currency, locale=_babel_locale())
