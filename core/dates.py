"""Dates of a purchase that can be right: not in the future, not before a sane floor."""

from __future__ import annotations

from datetime import date

from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _

# The floor only catches typing mistakes (0001-01-01, 1900-01-01, 1025 for 2025): it lies well
# before any order a complaint here is about. It is a fixed date, not "N years back", so that an
# old but real order (a durable good still under guarantee) can be filed, and the message never
# moves.
ORDER_DATE_FLOOR = date(2000, 1, 1)


def _today(today: date | None) -> date:
    # The active time zone is the viewer's (core.middleware): just after midnight in Shanghai,
    # "today" there is already tomorrow in UTC terms, and an order placed then is not future.
    return today or timezone.localdate()


def validate_order_date(value: date, *, today: date | None = None) -> date:
    if value > _today(today):
        raise ValidationError(_("The order date cannot be in the future."), code="future")
    if value < ORDER_DATE_FLOOR:
        raise ValidationError(
            _("An order date before %(floor)s cannot be right: please check the year.")
            % {"floor": date_format(ORDER_DATE_FLOOR)},
            code="too_old",
        )
    return value


def validate_delivery_date(
    value: date, *, order_date: date | None, today: date | None = None
) -> date:
    if value > _today(today):
        raise ValidationError(_("The delivery date cannot be in the future."), code="future")
    if order_date is not None and value < order_date:
        raise ValidationError(
            _("The delivery date cannot be before the order date."), code="before_order"
        )
    if value < ORDER_DATE_FLOOR:
        raise ValidationError(
            _("A delivery date before %(floor)s cannot be right: please check the year.")
            % {"floor": date_format(ORDER_DATE_FLOOR)},
            code="too_old",
        )
    return value
