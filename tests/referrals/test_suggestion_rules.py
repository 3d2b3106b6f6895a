"""The proposal rules of referrals.suggestions on bodies built in memory (no database): each
filter of docs/referrals.md ("Proposals: which bodies fit a case") alone, the reasons and
caveats each body is shown with, and the order. tests/referrals/test_suggestions.py runs the
same rules over the starter set of bodies."""

from __future__ import annotations

from decimal import Decimal

import pytest

from referrals.models import ReferralBody
from referrals.suggestions import CaseFacts, explain, fits, suggest


def _body(**fields) -> ReferralBody:
    defaults = {
        "name": "A body",
        "kind": "consumer_authority",
        "serves_all_countries": True,
        "serves_all_trader_countries": True,
    }
    return ReferralBody(**{**defaults, **fields})


DE_FR = CaseFacts(consumer_country="DE", trader_country="FR", category="defective")

# (body, facts, fits): each filter on its own.
FITS = [
    # the consumer's country
    ({"serves_all_countries": False, "countries": ["DE"]}, DE_FR, True),
    ({"serves_all_countries": False, "countries": ["AT"]}, DE_FR, False),
    ({"serves_all_countries": False, "countries": ["AT"]}, CaseFacts(trader_country="FR"), True),
    # the trader's country
    ({"serves_all_trader_countries": False, "trader_countries": ["FR"]}, DE_FR, True),
    ({"serves_all_trader_countries": False, "trader_countries": ["CN"]}, DE_FR, False),
    (
        {"serves_all_trader_countries": False, "trader_countries": ["CN"]},
        CaseFacts(consumer_country="DE"),
        True,
    ),
    # cross-border only: not when both are in one country; unknown countries filter nothing
    ({"cross_border_only": True}, DE_FR, True),
    ({"cross_border_only": True}, CaseFacts(consumer_country="DE", trader_country="DE"), False),
    ({"cross_border_only": True}, CaseFacts(consumer_country="DE"), True),
    ({"cross_border_only": True}, CaseFacts(), True),
    ({"cross_border_only": False}, CaseFacts(consumer_country="DE", trader_country="DE"), True),
    # categories listed: those only
    ({"categories": "defective,fraud"}, DE_FR, True),
    ({"categories": "fraud"}, DE_FR, False),
    ({"categories": "fraud"}, CaseFacts(consumer_country="DE"), True),
    ({"categories": ""}, DE_FR, True),
    # a limit in the claim's currency: up to it, included
    (
        {"max_amount": Decimal("5000"), "max_amount_currency": "EUR"},
        CaseFacts(amount=Decimal("5000.00"), currency="EUR"),
        True,
    ),
    (
        {"max_amount": Decimal("5000"), "max_amount_currency": "EUR"},
        CaseFacts(amount=Decimal("5000.01"), currency="EUR"),
        False,
    ),
    # in another currency, or with no amount, it cannot be compared: proposed
    (
        {"max_amount": Decimal("5000"), "max_amount_currency": "EUR"},
        CaseFacts(amount=Decimal("9000"), currency="USD"),
        True,
    ),
    ({"max_amount": Decimal("5000"), "max_amount_currency": "EUR"}, CaseFacts(), True),
    ({"max_amount": None}, CaseFacts(amount=Decimal("1000000"), currency="EUR"), True),
]


@pytest.mark.parametrize(("fields", "facts", "expected"), FITS)
def test_each_filter(fields, facts, expected):
    assert fits(_body(**fields), facts) is expected


def test_what_a_body_for_every_country_is_proposed_with():
    s = explain(_body(), DE_FR)
    assert s.reasons == (
        "It takes complaints from consumers of any country.",
        "It takes complaints about traders of any country.",
    )
    assert (s.caveats, s.score) == ((), 0)


def test_a_body_for_these_very_countries_and_category_is_more_specific():
    body = _body(
        serves_all_countries=False,
        countries=["DE"],
        serves_all_trader_countries=False,
        trader_countries=["FR"],
        cross_border_only=True,
        categories="defective",
    )
    s = explain(body, DE_FR)
    assert s.reasons == (
        "It serves consumers living in Germany.",
        "It takes complaints about traders in France.",
        "It handles cross-border cases such as this one.",
        "It takes complaints of this kind: Defective or unsafe.",
    )
    # two for each country named, one for the category
    assert (s.caveats, s.score) == ((), 5)


def test_what_is_not_known_is_said():
    s = explain(_body(cross_border_only=True, categories="defective"), CaseFacts())
    assert s.reasons == ()
    assert s.caveats == (
        "The consumer's country is not known: check that it serves them.",
        "The trader's country is not known: check that it takes them.",
    )
    assert s.score == 0


def test_only_the_consumer_country_known():
    s = explain(_body(cross_border_only=True), CaseFacts(consumer_country="DE"))
    assert "It handles cross-border cases such as this one." not in s.reasons
    assert s.caveats == ("The trader's country is not known: check that it takes them.",)


@pytest.mark.parametrize(
    ("facts", "reasons", "caveats"),
    [
        (
            CaseFacts(amount=Decimal("189"), currency="EUR"),
            ("The claim is within its limit of 5,000 EUR.",),
            (),
        ),
        (CaseFacts(), (), ("It takes claims up to 5,000 EUR.",)),
        (
            CaseFacts(amount=Decimal("189"), currency="USD"),
            (),
            ("It takes claims up to 5,000 EUR; the claim is in USD: check the amount.",),
        ),
    ],
)
def test_what_a_limit_is_shown_with(facts, reasons, caveats):
    body = _body(max_amount=Decimal("5000"), max_amount_currency="EUR")
    facts = CaseFacts(consumer_country="DE", trader_country="FR", **_only_amount(facts))
    s = explain(body, facts)
    assert s.reasons[2:] == reasons
    assert s.caveats == caveats
    assert s.score == 0


def _only_amount(facts: CaseFacts) -> dict:
    return {"amount": facts.amount, "currency": facts.currency}


def test_a_category_is_a_reason_only_when_the_body_lists_categories():
    assert len(explain(_body(categories=""), DE_FR).reasons) == 2
    assert explain(_body(categories="defective"), CaseFacts()).score == 0


# --- order ----------------------------------------------------------------------------------


def _named(names_and_fields):
    return [_body(pk=i, name=name, **fields) for i, (name, fields) in enumerate(names_and_fields)]


def test_every_other_kind_comes_before_a_court_however_specific():
    bodies = _named(
        [
            (
                "court",
                {"kind": "small_claims", "serves_all_countries": False, "countries": ["DE"]},
            ),
            ("portal", {"kind": "international_portal"}),
        ]
    )
    assert [s.body.name for s in suggest(bodies, DE_FR)] == ["portal", "court"]


def test_more_specific_first_then_by_kind_then_by_name():
    specific = {"serves_all_countries": False, "countries": ["DE"]}
    bodies = _named(
        [
            ("b association", {"kind": "consumer_association"}),
            ("a association", {"kind": "consumer_association"}),
            ("portal", {"kind": "international_portal"}),
            ("adr", {"kind": "adr_body"}),
            ("authority", {"kind": "consumer_authority"}),
            ("ecc", {"kind": "ecc_network"}),
            ("specific portal", {"kind": "international_portal", **specific}),
            ("internet court", {"kind": "internet_court"}),
            ("small claims", {"kind": "small_claims"}),
        ]
    )
    assert [s.body.name for s in suggest(bodies, DE_FR)] == [
        "specific portal",
        # the kinds that cost the consumer nothing, then the courts
        "ecc",
        "authority",
        "a association",
        "b association",
        "adr",
        "portal",
        "small claims",
        "internet court",
    ]


def test_bodies_of_one_name_keep_their_order_by_id():
    bodies = [_body(pk=2, name="same"), _body(pk=1, name="same")]
    assert [s.body.pk for s in suggest(bodies, DE_FR)] == [1, 2]


def test_inactive_and_unfitting_bodies_are_not_proposed():
    bodies = _named(
        [
            ("inactive", {"active": False}),
            ("elsewhere", {"serves_all_countries": False, "countries": ["JP"]}),
            ("fits", {}),
        ]
    )
    assert [s.body.name for s in suggest(bodies, DE_FR)] == ["fits"]


def test_facts_not_known_are_empty_and_facts_and_proposals_are_values():
    import dataclasses

    facts = CaseFacts()
    assert (facts.consumer_country, facts.trader_country, facts.category) == ("", "", "")
    assert (facts.amount, facts.currency) == (None, "")
    with pytest.raises(dataclasses.FrozenInstanceError):
        facts.consumer_country = "DE"  # type: ignore[misc]
    (proposal,) = suggest([_body()], DE_FR)
    with pytest.raises(dataclasses.FrozenInstanceError):
        proposal.score = 99  # type: ignore[misc]
