"""Which bodies Redress proposes for a referred case, and why (issue 15 part 2). The expected
proposals are written out by hand from the starter set's published scope."""

from __future__ import annotations

from decimal import Decimal

import pytest

from referrals.models import ReferralBody
from referrals.suggestions import CaseFacts, suggest

pytestmark = pytest.mark.django_db

ECC = "European Consumer Centres Network (ECC-Net)"
ECONSUMER = "econsumer.gov"
SAMR = "National 12315 Platform (State Administration for Market Regulation)"
CCA = "China Consumers Association"
ESCP = "European Small Claims Procedure"
HANGZHOU = "Hangzhou Internet Court"
BEIJING = "Beijing Internet Court"
GUANGZHOU = "Guangzhou Internet Court"
FTC = "ReportFraud.ftc.gov (US Federal Trade Commission)"


def _names(facts: CaseFacts) -> list[str]:
    return [s.body.name for s in suggest(ReferralBody.objects.all(), facts)]


# (consumer, trader, category, amount, currency) -> the proposals, in order
TABLE = [
    # EU consumer, EU trader, a claim within the small-claims limit: the ECC network first
    # (specific to both countries), the worldwide portal, then the small-claims procedure (a
    # court comes last)
    (("DE", "FR", "non_delivery", "189.00", "EUR"), [ECC, ECONSUMER, ESCP]),
    # over the EUR 5,000 limit: no small-claims procedure
    (("DE", "FR", "defective", "6000.00", "EUR"), [ECC, ECONSUMER]),
    # exactly at the limit: still within it
    (("DE", "FR", "defective", "5000.00", "EUR"), [ECC, ECONSUMER, ESCP]),
    # in another currency the limit cannot be compared: proposed, with a caveat
    (("DE", "FR", "defective", "6000.00", "USD"), [ECC, ECONSUMER, ESCP]),
    # Denmark is outside the small-claims procedure
    (("DK", "FR", "defective", "100.00", "EUR"), [ECC, ECONSUMER]),
    # both in Germany: the cross-border bodies do not take it
    (("DE", "DE", "defective", "100.00", "EUR"), []),
    # a French consumer and a Chinese seller: China's public bodies, then the courts
    (
        ("FR", "CN", "not_as_described", "80.00", "EUR"),
        [SAMR, CCA, ECONSUMER, BEIJING, GUANGZHOU, HANGZHOU],
    ),
    # a US consumer and a Chinese seller: the two authorities (by name), the association,
    # the portal, then the courts
    (
        ("US", "CN", "fraud", "50.00", "USD"),
        [SAMR, FTC, CCA, ECONSUMER, BEIJING, GUANGZHOU, HANGZHOU],
    ),
    # a Japanese consumer and a Korean seller: only the worldwide portal
    (("JP", "KR", "other", None, ""), [ECONSUMER]),
]


@pytest.mark.parametrize(("facts", "expected"), TABLE)
def test_the_proposals_for_a_case(facts, expected):
    consumer, trader, category, amount, currency = facts

    got = _names(
        CaseFacts(
            consumer_country=consumer,
            trader_country=trader,
            category=category,
            amount=Decimal(amount) if amount else None,
            currency=currency,
        )
    )

    assert got == expected


def test_each_proposal_says_why_it_fits():
    proposals = suggest(
        ReferralBody.objects.all(),
        CaseFacts("DE", "FR", "non_delivery", Decimal("189.00"), "EUR"),
    )
    by_name = {s.body.name: s for s in proposals}

    assert by_name[ECC].reasons == (
        "It serves consumers living in Germany.",
        "It takes complaints about traders in France.",
        "It handles cross-border cases such as this one.",
    )
    assert "The claim is within its limit of 5,000 EUR." in by_name[ESCP].reasons
    assert by_name[ECONSUMER].reasons[:2] == (
        "It takes complaints from consumers of any country.",
        "It takes complaints about traders of any country.",
    )


def test_a_limit_in_another_currency_is_a_caveat_to_check():
    proposals = suggest(
        ReferralBody.objects.filter(name=ESCP),
        CaseFacts("DE", "FR", "defective", Decimal("6000"), "USD"),
    )

    assert proposals[0].caveats == (
        "It takes claims up to 5,000 EUR; the claim is in USD: check the amount.",
    )


def test_what_is_not_known_filters_nothing_and_is_said():
    proposals = suggest(ReferralBody.objects.all(), CaseFacts(trader_country="CN"))

    assert {s.body.name for s in proposals} == {
        FTC,
        SAMR,
        CCA,
        HANGZHOU,
        BEIJING,
        GUANGZHOU,
        ECONSUMER,
    }
    assert all(
        "The consumer's country is not known: check that it serves them." in s.caveats
        for s in proposals
    )


def test_a_body_listing_categories_is_proposed_for_those_only_and_says_so():
    ReferralBody.objects.filter(name=CCA).update(categories="not_as_described")

    counterfeit = suggest(ReferralBody.objects.all(), CaseFacts("FR", "CN", "not_as_described"))
    late = suggest(ReferralBody.objects.all(), CaseFacts("FR", "CN", "non_delivery"))

    cca = next(s for s in counterfeit if s.body.name == CCA)
    assert "It takes complaints of this kind: Not as described or counterfeit." in cca.reasons
    assert CCA not in {s.body.name for s in late}


def test_an_inactive_body_is_never_proposed():
    ReferralBody.objects.filter(name=ECC).update(active=False)

    assert ECC not in _names(CaseFacts("DE", "FR"))
