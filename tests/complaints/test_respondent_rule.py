"""The respondent rule, for every purchase mode and every state of the seller's disclosure."""

from __future__ import annotations

import pytest
from django.utils import translation

from complaints.models import PurchaseMode, Respondent
from complaints.respondents import (
    Disclosure,
    Party,
    disclosure_state,
    propose_respondents,
)
from merchants.models import Merchant, VerificationState

Role = Respondent.Role
Reason = Respondent.Reason


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
    Disclosure.MISSING: Party(name="Tokyo Select 东京精选", url="https://tokyo-select.example/"),
    Disclosure.INCOMPLETE: Party(merchant=_merchant(1, completeness=60)),
    Disclosure.UNVERIFIED: Party(merchant=_merchant(2, verified=False)),
    Disclosure.ADEQUATE: Party(merchant=_merchant(3)),
}
AGENT = Party(merchant=_merchant(10))  # the non-spot agent, when the supplier is the subject
PLATFORM = Party(merchant=_merchant(20))

PLATFORM_REASON = {
    Disclosure.MISSING: Reason.PLATFORM_SELLER_MISSING,
    Disclosure.INCOMPLETE: Reason.PLATFORM_SELLER_INCOMPLETE,
    Disclosure.UNVERIFIED: Reason.PLATFORM_SELLER_UNVERIFIED,
}

# mode -> (how the subject is passed, the respondents before any platform)
MODES = {
    PurchaseMode.DIRECT: ("seller", [(Role.SELLER, "subject", Reason.DIRECT_SELLER)]),
    PurchaseMode.MARKETPLACE: ("seller", [(Role.SELLER, "subject", Reason.MARKETPLACE_SELLER)]),
    PurchaseMode.AGENT_SPOT: ("agent", [(Role.SELLER, "subject", Reason.SPOT_AGENT_SELLER)]),
    PurchaseMode.AGENT_NON_SPOT: (
        "seller",
        [
            (Role.SELLER, "subject", Reason.NON_SPOT_SUPPLIER_SELLER),
            (Role.PURCHASING_AGENT, "agent", Reason.NON_SPOT_AGENT),
        ],
    ),
}


def _who(party: Party, subject: Party) -> str:
    return {id(subject): "subject", id(AGENT): "agent", id(PLATFORM): "platform"}[id(party)]


@pytest.mark.parametrize("state", list(Disclosure))
@pytest.mark.parametrize("mode", list(PurchaseMode))
def test_rule_for_every_purchase_mode_and_disclosure_state(mode, state):
    subject = SUBJECT[state]
    subject_slot, expected = MODES[mode]
    parties = {subject_slot: subject, "platform": PLATFORM}
    if mode == PurchaseMode.AGENT_NON_SPOT:
        parties["agent"] = AGENT
    if state != Disclosure.ADEQUATE:
        expected = [*expected, (Role.PLATFORM_OPERATOR, "platform", PLATFORM_REASON[state])]

    proposed = propose_respondents(purchase_mode=mode, **parties)

    assert [(p.role, _who(p.party, subject), p.reason) for p in proposed] == expected


def test_disclosure_state_of_a_seller():
    assert disclosure_state(None) == Disclosure.MISSING
    assert disclosure_state(_merchant(1, completeness=99)) == Disclosure.INCOMPLETE
    # Incomplete is named before unverified: completing it is the merchant's first task.
    assert disclosure_state(_merchant(1, completeness=40, verified=False)) == (
        Disclosure.INCOMPLETE
    )
    assert disclosure_state(_merchant(1, verified=False)) == Disclosure.UNVERIFIED
    assert disclosure_state(_merchant(1)) == Disclosure.ADEQUATE


def test_named_party_is_kept_exactly_as_given():
    given = Party(name="  HK 代购小店 ", url="http://weird.example/shop?id=7&utm_source=wx")

    [seller, platform] = propose_respondents(
        purchase_mode=PurchaseMode.MARKETPLACE, seller=given, platform=Party(name="Some Mall")
    )

    assert seller.party is given
    assert seller.party.url == "http://weird.example/shop?id=7&utm_source=wx"
    assert platform.party.name == "Some Mall"
    assert platform.reason == Reason.PLATFORM_SELLER_MISSING


def test_unknown_non_spot_supplier_leaves_the_agent_and_the_platform():
    proposed = propose_respondents(
        purchase_mode=PurchaseMode.AGENT_NON_SPOT, agent=AGENT, platform=PLATFORM
    )

    assert [(p.role, p.reason) for p in proposed] == [
        (Role.PURCHASING_AGENT, Reason.NON_SPOT_AGENT),
        (Role.PLATFORM_OPERATOR, Reason.PLATFORM_SELLER_MISSING),
    ]


def test_no_platform_is_invented_when_none_was_named():
    proposed = propose_respondents(
        purchase_mode=PurchaseMode.DIRECT, seller=SUBJECT[Disclosure.UNVERIFIED]
    )

    assert [p.role for p in proposed] == [Role.SELLER]


def test_a_self_operated_platform_is_not_named_twice():
    platform_as_seller = Party(merchant=_merchant(20, completeness=50))

    proposed = propose_respondents(
        purchase_mode=PurchaseMode.MARKETPLACE, seller=platform_as_seller, platform=PLATFORM
    )

    assert [p.role for p in proposed] == [Role.SELLER]


def test_spot_agent_disclosure_decides_about_the_platform_not_the_supplier():
    adequate_agent = Party(merchant=_merchant(30))
    # A supplier given in spot mode plays no part: the agent sold the goods.
    proposed = propose_respondents(
        purchase_mode=PurchaseMode.AGENT_SPOT,
        agent=adequate_agent,
        seller=SUBJECT[Disclosure.MISSING],
        platform=PLATFORM,
    )

    assert [(p.role, p.party) for p in proposed] == [(Role.SELLER, adequate_agent)]


def test_reasons_are_plain_words_in_the_readers_language():
    [proposed] = propose_respondents(
        purchase_mode=PurchaseMode.AGENT_SPOT, agent=SUBJECT[Disclosure.ADEQUATE]
    )

    assert "the agent is the seller" in proposed.reason_text
    with translation.override("zh-hans"):
        assert "卖家" in proposed.reason_text
        assert proposed.role_text == "卖家"


def test_unknown_purchase_mode_is_refused():
    with pytest.raises(ValueError, match="purchase mode"):
        propose_respondents(purchase_mode="teleport", seller=SUBJECT[Disclosure.ADEQUATE])
