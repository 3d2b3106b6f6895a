"""The factors of a snapshot in plain words, in the reader's language (API and pages)."""

from __future__ import annotations

from django.utils.formats import number_format
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext

from merchants.models import VerificationState

from . import method

FACTOR_NAMES = {
    "responsiveness": gettext_lazy("Responsiveness"),
    "resolution": gettext_lazy("Resolution"),
    "fulfilment": gettext_lazy("Settlements honoured"),
    "complaint_rate": gettext_lazy("Complaint rate"),
    "disclosure": gettext_lazy("Disclosure"),
}

FACTOR_QUESTIONS = {
    "responsiveness": gettext_lazy("Does the merchant answer complaints before the deadline?"),
    "resolution": gettext_lazy(
        "Are decided complaints resolved or settled (weighted by amount and severity)?"
    ),
    "fulfilment": gettext_lazy("Are agreed settlements paid on time?"),
    "complaint_rate": gettext_lazy("How many complaints per order the merchant declares?"),
    "disclosure": gettext_lazy("Is the merchant's identity disclosed completely and verified?"),
}


def explanation(key: str, factor: dict) -> str:
    cases = factor.get("cases") or 0
    favourable = factor.get("favourable") or 0
    if key == "responsiveness":
        if not cases:
            return _("No complaint has reached its answer deadline yet.")
        return ngettext(
            "Answered %(favourable)s of %(cases)s complaint before the deadline.",
            "Answered %(favourable)s of %(cases)s complaints before the deadline.",
            cases,
        ) % {"favourable": favourable, "cases": cases}
    if key == "resolution":
        if not cases:
            return _("No complaint has been decided yet.")
        return ngettext(
            "Resolved or settled %(favourable)s of %(cases)s decided complaint.",
            "Resolved or settled %(favourable)s of %(cases)s decided complaints.",
            cases,
        ) % {"favourable": favourable, "cases": cases}
    if key == "fulfilment":
        if not cases:
            return _("No settlement has fallen due yet.")
        return ngettext(
            "Paid %(favourable)s of %(cases)s settlement on time.",
            "Paid %(favourable)s of %(cases)s settlements on time.",
            cases,
        ) % {"favourable": favourable, "cases": cases}
    if key == "complaint_rate":
        if factor.get("value") is None:
            return _("No annual order volume declared, so this factor is not counted.")
        return _(
            "%(rate)s decided complaints a year per 1,000 of the %(volume)s orders declared."
        ) % {
            "rate": number_format(factor["per_1000_orders"], 2),
            "volume": number_format(factor["annual_order_volume"], force_grouping=True),
        }
    if key == "disclosure":
        state = factor.get("verification_state") or VerificationState.UNVERIFIED
        try:
            state_label = VerificationState(state).label
        except ValueError:
            state_label = state
        return _("Identity disclosure %(completeness)s%% complete; verification: %(state)s.") % {
            "completeness": factor.get("completeness", 0),
            "state": str(state_label).lower(),
        }
    return ""


def describe_factors(factors: dict) -> list[dict]:
    """The factors in method order, each with its name, question and explanation added."""
    described = []
    for key in method.FACTORS:
        factor = factors.get(key)
        if factor is None:
            continue
        described.append(
            {
                "key": key,
                "name": str(FACTOR_NAMES[key]),
                "question": str(FACTOR_QUESTIONS[key]),
                "value": factor.get("value"),
                "weight": factor.get("weight", 0.0),
                "observed": factor.get("observed"),
                "cases": factor.get("cases", 0),
                "favourable": factor.get("favourable"),
                "effective_sample": factor.get("effective_sample"),
                "explanation": explanation(key, factor),
            }
        )
    return described
