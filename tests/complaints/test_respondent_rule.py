"""The respondent rule, for every purchase mode and every state of the seller's disclosure."""

from __future__ import annotations

import pytest
from django.utils import translation

from complaints.respondents import (
    Party,
    disclosure_state,
    propose_respondents,
)
from merchants.models import Merchant, VerificationState


def _merchant(pk: int, *, completeness=100, verified=True) -> Merchant:
    # Unsaved: the rule is a pure function and never touches the database.
    return Merchant(
        pk=pk,
        legal_name=f"Merchant {pk}",
        completeness=completeness,
        verification_state=VerificationState.VERIFIED if verified else VerificationState.PENDING,
    )


# The party that sold the goods in law, in each disclosure state.
SUBJECT = {
    "missing": Party(name="Tokyo Select 东京精选", url="https://tokyo-select.example/"),
    "incomplete": Party(merchant=_merchant(1, completeness=60)),
    "unverified": Party(merchant=_merchant(2, verified=False)),
    "adequate": Party(merchant=_merchant(3)),
}
AGENT = Party(merchant=_merchant(10))  # the non-spot agent, when the supplier is the subject
PLATFORM = Party(merchant=_merchant(20))

PLATFORM_REASON = {
    "missing": "platform_seller_missing",
    "incomplete": "platform_seller_incomplete",
    "unverified": "platform_seller_unverified",
}

# mode -> (how the subject is passed, the respondents before any platform)
MODES = {
    "direct": ("seller", [("seller", "subject", "direct_seller")]),
    "marketplace": ("seller", [("seller", "subject", "marketplace_seller")]),
    "agent_spot": ("agent", [("seller", "subject", "spot_agent_seller")]),
    "agent_non_spot": (
        "seller",
        [
            ("seller", "subject", "non_spot_supplier_seller"),
            ("purchasing_agent", "agent", "non_spot_agent"),
        ],
    ),
}


def _who(party: Party, subject: Party) -> str:
    return {id(subject): "subject", id(AGENT): "agent", id(PLATFORM): "platform"}[id(party)]


@pytest.mark.parametrize("state", ["missing", "incomplete", "unverified", "adequate"])
@pytest.mark.parametrize("mode", ["direct", "marketplace", "agent_spot", "agent_non_spot"])
def test_rule_for_every_purchase_mode_and_disclosure_state(mode, state):
    subject = SUBJECT[state]
    subject_slot, expected = MODES[mode]
    parties = {subject_slot: subject, "platform": PLATFORM}
    if mode == "agent_non_spot":
        parties["agent"] = AGENT
    if state != "adequate":
        expected = [*expected, ("platform_operator", "platform", PLATFORM_REASON[state])]

    proposed = propose_respondents(purchase_mode=mode, **parties)

    assert [(p.role, _who(p.party, subject), p.reason) for p in proposed] == expected


def test_disclosure_state_of_a_seller():
    assert disclosure_state(None) == "missing"
    assert disclosure_state(_merchant(1, completeness=99)) == "incomplete"
    # Incomplete is named before unverified: completing it is the merchant's first task.
    assert disclosure_state(_merchant(1, completeness=40, verified=False)) == "incomplete"
    assert disclosure_state(_merchant(1, verified=False)) == "unverified"
    assert disclosure_state(_merchant(1)) == "adequate"


def test_named_party_is_kept_exactly_as_given():
    given = Party(name="  HK 代购小店 ", url="http://weird.example/shop?id=7&utm_source=wx")

    [seller, platform] = propose_respondents(
        purchase_mode="marketplace", seller=given, platform=Party(name="Some Mall")
    )

    assert seller.party is given
    assert seller.party.url == "http://weird.example/shop?id=7&utm_source=wx"
    assert platform.party.name == "Some Mall"
    assert platform.reason == "platform_seller_missing"


def test_unknown_non_spot_supplier_leaves_the_agent_and_the_platform():
    proposed = propose_respondents(purchase_mode="agent_non_spot", agent=AGENT, platform=PLATFORM)

    assert [(p.role, p.reason) for p in proposed] == [
        ("purchasing_agent", "non_spot_agent"),
        ("platform_operator", "platform_seller_missing"),
    ]


def test_no_platform_is_invented_when_none_was_named():
    proposed = propose_respondents(purchase_mode="direct", seller=SUBJECT["unverified"])

    assert [p.role for p in proposed] == ["seller"]


def test_a_self_operated_platform_is_not_named_twice():
    platform_as_seller = Party(merchant=_merchant(20, completeness=50))

    proposed = propose_respondents(
        purchase_mode="marketplace", seller=platform_as_seller, platform=PLATFORM
    )

    assert [p.role for p in proposed] == ["seller"]


def test_spot_agent_disclosure_decides_about_the_platform_not_the_supplier():
    adequate_agent = Party(merchant=_merchant(30))
    # A supplier given in spot mode plays no part: the agent sold the goods.
    proposed = propose_respondents(
        purchase_mode="agent_spot",
        agent=adequate_agent,
        seller=SUBJECT["missing"],
        platform=PLATFORM,
    )

    assert [(p.role, p.party) for p in proposed] == [("seller", adequate_agent)]


def test_reasons_are_plain_words_in_the_readers_language():
    [proposed] = propose_respondents(purchase_mode="agent_spot", agent=SUBJECT["adequate"])

    assert "the agent is the seller" in proposed.reason_text
    with translation.override("zh-hans"):
        assert "卖家" in proposed.reason_text
        assert proposed.role_text == "卖家"


def test_unknown_purchase_mode_is_refused():
    with pytest.raises(ValueError, match="purchase mode"):
        propose_respondents(purchase_mode="teleport", seller=SUBJECT["adequate"])


# The respondents step asks for these parties, in this order, per purchase mode (DESIGN.md,
# responsibility rules): the main party in law first; only it must be given.
EXPECTED_SLOTS = {
    "direct": ("seller", "platform"),
    "marketplace": ("seller", "platform"),
    "agent_spot": ("agent", "platform"),
    "agent_non_spot": ("agent", "seller", "platform"),
}
EXPECTED_REQUIRED = {
    "direct": "seller",
    "marketplace": "seller",
    "agent_spot": "agent",
    "agent_non_spot": "agent",
}


def test_the_parties_asked_for_and_the_one_required_in_each_purchase_mode():
    from complaints.respondents import REQUIRED_SLOT, SLOTS_BY_MODE

    assert {str(mode): slots for mode, slots in SLOTS_BY_MODE.items()} == EXPECTED_SLOTS
    assert {str(mode): slot for mode, slot in REQUIRED_SLOT.items()} == EXPECTED_REQUIRED


def test_a_party_is_empty_by_default_and_cannot_be_changed():
    import dataclasses

    party = Party()
    assert (party.merchant, party.name, party.url) == (None, "", "")
    assert not party.given
    with pytest.raises(dataclasses.FrozenInstanceError):
        party.name = "Changed"  # type: ignore[misc]


def test_the_same_unsaved_merchant_is_the_same_party_and_two_unsaved_ones_are_not():
    # The rule runs on merchants not saved yet (a preview): identity, not the missing pk.
    one = Merchant(legal_name="One")
    other = Merchant(legal_name="One")
    assert Party(merchant=one).same_merchant_as(Party(merchant=one))
    assert not Party(merchant=one).same_merchant_as(Party(merchant=other))
    assert Party(merchant=_merchant(5)).same_merchant_as(Party(merchant=_merchant(5)))
    assert not Party(merchant=_merchant(5)).same_merchant_as(Party(name="Merchant 5"))


def test_a_proposed_respondent_cannot_be_changed():
    import dataclasses

    (proposed,) = propose_respondents(
        purchase_mode="direct", seller=SUBJECT["adequate"], agent=Party(), platform=Party()
    )
    with pytest.raises(dataclasses.FrozenInstanceError):
        proposed.role = "platform_operator"  # type: ignore[misc]
