"""Which referral bodies fit a case, and why (docs/referrals.md).

A body is proposed when it serves consumers of the consumer's country of residence, takes
complaints about traders of the merchant's country, takes the complaint's category, takes a
case between these two countries (some take cross-border cases only) and a claim of this size
(when its limit is in the claim's currency; in another currency the mediator is asked to check).
What is unknown about the case filters nothing and is said. Proposals come with every other
kind of body before the courts; within each, most specific first (a body for these very
countries before one for every country), then by kind, then by name.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from django.utils.translation import gettext_lazy as _
from django_countries import countries

from complaints.models import Category

from .models import BodyKind, ReferralBody

# Between bodies that fit a case as specifically, this order of kinds: help that costs the
# consumer nothing comes before a court. Every kind is listed.
KIND_ORDER = (
    BodyKind.ECC_NETWORK,
    BodyKind.CONSUMER_AUTHORITY,
    BodyKind.CONSUMER_ASSOCIATION,
    BodyKind.ADR_BODY,
    BodyKind.INTERNATIONAL_PORTAL,
    BodyKind.SMALL_CLAIMS,
    BodyKind.INTERNET_COURT,
)


# A court comes after every other kind of body, however specific.
COURTS = frozenset({BodyKind.SMALL_CLAIMS, BodyKind.INTERNET_COURT})


@dataclass(frozen=True)
class CaseFacts:
    consumer_country: str = ""
    trader_country: str = ""
    category: str = ""
    amount: Decimal | None = None
    currency: str = ""


@dataclass(frozen=True)
class Suggestion:
    body: ReferralBody
    reasons: tuple[str, ...]
    caveats: tuple[str, ...]
    score: int


def _country(code: str) -> str:
    return str(countries.name(code) or code)


def fits(body: ReferralBody, facts: CaseFacts) -> bool:
    """Whether ``body`` may take this case, on what is known of it."""
    if facts.consumer_country and not body.serves_consumers_of(facts.consumer_country):
        return False
    if facts.trader_country and not body.serves_traders_of(facts.trader_country):
        return False
    if (
        body.cross_border_only
        and facts.consumer_country
        and facts.consumer_country == facts.trader_country
    ):
        return False
    if facts.category and not body.takes_category(facts.category):
        return False
    return not (
        body.max_amount is not None
        and facts.amount is not None
        and body.max_amount_currency == facts.currency
        and facts.amount > body.max_amount
    )


def explain(body: ReferralBody, facts: CaseFacts) -> Suggestion:
    reasons: list[str] = []
    caveats: list[str] = []
    score = 0
    if not facts.consumer_country:
        caveats.append(str(_("The consumer's country is not known: check that it serves them.")))
    elif body.serves_all_countries:
        reasons.append(str(_("It takes complaints from consumers of any country.")))
    else:
        score += 2
        reasons.append(
            str(_("It serves consumers living in %(country)s."))
            % {"country": _country(facts.consumer_country)}
        )
    if not facts.trader_country:
        caveats.append(str(_("The trader's country is not known: check that it takes them.")))
    elif body.serves_all_trader_countries:
        reasons.append(str(_("It takes complaints about traders of any country.")))
    else:
        score += 2
        reasons.append(
            str(_("It takes complaints about traders in %(country)s."))
            % {"country": _country(facts.trader_country)}
        )
    if body.cross_border_only and facts.consumer_country and facts.trader_country:
        reasons.append(str(_("It handles cross-border cases such as this one.")))
    if body.categories and facts.category:
        score += 1
        reasons.append(
            str(_("It takes complaints of this kind: %(category)s."))
            % {"category": Category(facts.category).label}
        )
    if body.max_amount is not None:
        limit = {"limit": f"{body.max_amount:,.0f}", "limit_currency": body.max_amount_currency}
        if facts.amount is None:
            caveats.append(str(_("It takes claims up to %(limit)s %(limit_currency)s.")) % limit)
        elif body.max_amount_currency == facts.currency:
            reasons.append(
                str(_("The claim is within its limit of %(limit)s %(limit_currency)s.")) % limit
            )
        else:
            caveats.append(
                str(
                    _(
                        "It takes claims up to %(limit)s %(limit_currency)s; the claim is in "
                        "%(currency)s: check the amount."
                    )
                )
                % {**limit, "currency": facts.currency}
            )
    return Suggestion(body=body, reasons=tuple(reasons), caveats=tuple(caveats), score=score)


def suggest(bodies, facts: CaseFacts) -> list[Suggestion]:
    """The bodies that fit, each with why, most specific first."""
    found = [explain(body, facts) for body in bodies if body.active and fits(body, facts)]
    return sorted(
        found,
        key=lambda s: (
            s.body.kind in COURTS,
            -s.score,
            KIND_ORDER.index(s.body.kind),
            s.body.name,
            s.body.pk,
        ),
    )
