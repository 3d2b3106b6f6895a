"""Money: ISO 4217 currency codes, Decimal amounts, formatting in the reader's language."""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal, InvalidOperation

from babel.numbers import format_currency, get_currency_name, list_currencies
from django.core.exceptions import ValidationError
from django.utils import translation
from django.utils.translation import gettext as _

# Codes still in circulation that consumers actually pay in; Babel's list also has historic
# and fund codes (XAU, USN ...) no shop charges in.
_NOT_TENDER = {
    "XAG",
    "XAU",
    "XPD",
    "XPT",
    "XDR",
    "XSU",
    "XUA",
    "XTS",
    "XXX",
    "XBA",
    "XBB",
    "XBC",
    "XBD",
    "USN",
    "USS",
    "BOV",
    "CHE",
    "CHW",
    "CLF",
    "COU",
    "MXV",
    "UYI",
    "UYW",
}
CURRENCY_CODES = frozenset(code for code in list_currencies() if code not in _NOT_TENDER)
# No purchase a consumer complains about here costs more than this in any currency's units
# (the largest is in currencies like IDR or VND); larger amounts are typing mistakes.
MAX_AMOUNT = Decimal("1000000000")


def _babel_locale() -> str:
    return "zh_Hans_CN" if (translation.get_language() or "en").startswith("zh") else "en"


def currency_choices() -> list[tuple[str, str]]:
    """(code, "CODE - name") pairs in the active language, common currencies first."""
    locale = _babel_locale()
    common = ["CNY", "USD", "EUR", "JPY", "KRW", "GBP", "HKD", "AUD", "CAD", "SGD", "TWD"]
    rest = sorted(CURRENCY_CODES - set(common))
    return [(c, f"{c} - {get_currency_name(c, locale=locale)}") for c in common + rest]


def validate_currency(code: str) -> str:
    normalized = (code or "").strip().upper()
    if normalized not in CURRENCY_CODES:
        raise ValidationError(
            _("%(code)s is not an ISO 4217 currency code.") % {"code": code}, code="currency"
        )
    return normalized


def parse_amount(value, *, allow_zero: bool = False) -> Decimal:
    """A positive amount with at most two decimals, or ValidationError."""
    try:
        amount = Decimal(str(value).strip().replace(",", ""))
    except (InvalidOperation, ValueError):
        raise ValidationError(_("Enter an amount such as 129.90."), code="amount") from None
    if not amount.is_finite():
        raise ValidationError(_("Enter an amount such as 129.90."), code="amount")
    if amount < 0 or (amount == 0 and not allow_zero):
        raise ValidationError(_("The amount must be greater than zero."), code="amount")
    if amount > MAX_AMOUNT:
        raise ValidationError(_("This amount is too large to be right."), code="amount")
    if amount != amount.quantize(Decimal("0.01")):
        raise ValidationError(_("Use at most two decimals."), code="amount")
    return amount.quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)


def format_money(amount: Decimal | None, currency: str) -> str:
    """``¥1,299.00`` / ``US$12.50`` in the active language; empty for no amount."""
    if amount is None or not currency:
        return ""
    return format_currency(amount, currency, locale=_babel_locale())
