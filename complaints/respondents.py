"""The respondent rule: who answers for a complaint, and why, from how the consumer bought.

A pure function of its inputs (no database, no request), so every purchase mode and disclosure
state can be tested on its own and the wizard, the demo data and later the mediators' tools get
the same answer. The rule is "Who is responsible" in docs/design.md:

- spot purchasing (现货代购): the agent sold the goods, so the agent is the seller;
- non-spot purchasing (非现货代购): the overseas supplier is the seller, and the agent answers
  for its own faults as agent;
- direct purchase or marketplace: the shop's merchant is the seller;
- when the seller's disclosure is missing, incomplete or unverified, the platform operator is
  added (a platform that cannot give the seller's real name, address and contact answers itself);
- a party not in the directory is recorded as named, with the name and link as given.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

from merchants.models import Merchant, VerificationState

from .models import PurchaseMode, Respondent

Role = Respondent.Role
Reason = Respondent.Reason


class Disclosure(StrEnum):
    """How much of the seller's identity the directory discloses."""

    MISSING = "missing"  # not in the directory (named only, or not known at all)
    INCOMPLETE = "incomplete"  # in the directory, completeness below 100
    UNVERIFIED = "unverified"  # complete, but staff have not verified it
    ADEQUATE = "adequate"  # complete and verified


@dataclass(frozen=True)
class Party:
    """A business as the consumer gave it: chosen from the directory, or named (name and link)."""

    merchant: Merchant | None = None
    name: str = ""
    url: str = ""

    @property
    def given(self) -> bool:
        return self.merchant is not None or bool(self.name.strip())

    def same_merchant_as(self, other: Party) -> bool:
        if self.merchant is None or other.merchant is None:
            return False
        if self.merchant is other.merchant:
            return True
        return self.merchant.pk is not None and self.merchant.pk == other.merchant.pk


NOBODY = Party()

# The parties each purchase mode asks the consumer for, in the order shown, and the one that
# must be given (the others may be unknown to the consumer).
SLOTS_BY_MODE: dict[str, tuple[str, ...]] = {
    PurchaseMode.DIRECT: ("seller", "platform"),
    PurchaseMode.MARKETPLACE: ("seller", "platform"),
    PurchaseMode.AGENT_SPOT: ("agent", "platform"),
    PurchaseMode.AGENT_NON_SPOT: ("agent", "seller", "platform"),
}
REQUIRED_SLOT = {
    PurchaseMode.DIRECT: "seller",
    PurchaseMode.MARKETPLACE: "seller",
    PurchaseMode.AGENT_SPOT: "agent",
    PurchaseMode.AGENT_NON_SPOT: "agent",
}


@dataclass(frozen=True)
class ProposedRespondent:
    role: str
    party: Party
    reason: str  # a Respondent.Reason value

    @property
    def reason_text(self) -> str:
        return str(Reason(self.reason).label)

    @property
    def role_text(self) -> str:
        return str(Role(self.role).label)


def disclosure_state(merchant: Merchant | None) -> Disclosure:
    """The seller's disclosure state; incompleteness is named before a missing verification
    because it is what the merchant has to fix first."""
    if merchant is None:
        return Disclosure.MISSING
    if merchant.completeness < 100:
        return Disclosure.INCOMPLETE
    if merchant.verification_state != VerificationState.VERIFIED:
        return Disclosure.UNVERIFIED
    return Disclosure.ADEQUATE


_PLATFORM_REASON = {
    Disclosure.MISSING: Reason.PLATFORM_SELLER_MISSING,
    Disclosure.INCOMPLETE: Reason.PLATFORM_SELLER_INCOMPLETE,
    Disclosure.UNVERIFIED: Reason.PLATFORM_SELLER_UNVERIFIED,
}


def seller_party(*, purchase_mode: str, seller: Party, agent: Party) -> Party:
    """Who sold the goods in law: the agent in spot purchasing, otherwise the seller/supplier."""
    return agent if purchase_mode == PurchaseMode.AGENT_SPOT else seller


def propose_respondents(
    *,
    purchase_mode: str,
    seller: Party = NOBODY,
    agent: Party = NOBODY,
    platform: Party = NOBODY,
) -> list[ProposedRespondent]:
    """The respondents for a complaint, each with its role and the reason it answers.

    ``seller`` is the shop (direct, marketplace) or the overseas supplier (non-spot);
    ``agent`` the purchasing agent (both agent modes); ``platform`` the marketplace or platform
    the purchase went through, if any. Parties not given are left out; the platform is proposed
    only when the seller's disclosure is not adequate.
    """
    proposed: list[ProposedRespondent] = []
    if purchase_mode == PurchaseMode.AGENT_SPOT:
        if agent.given:
            proposed.append(ProposedRespondent(Role.SELLER, agent, Reason.SPOT_AGENT_SELLER))
    elif purchase_mode == PurchaseMode.AGENT_NON_SPOT:
        if seller.given:
            proposed.append(
                ProposedRespondent(Role.SELLER, seller, Reason.NON_SPOT_SUPPLIER_SELLER)
            )
        if agent.given:
            proposed.append(ProposedRespondent(Role.PURCHASING_AGENT, agent, Reason.NON_SPOT_AGENT))
    elif purchase_mode == PurchaseMode.MARKETPLACE:
        if seller.given:
            proposed.append(ProposedRespondent(Role.SELLER, seller, Reason.MARKETPLACE_SELLER))
    elif purchase_mode == PurchaseMode.DIRECT:
        if seller.given:
            proposed.append(ProposedRespondent(Role.SELLER, seller, Reason.DIRECT_SELLER))
    else:
        raise ValueError(f"Unknown purchase mode {purchase_mode!r}")

    the_seller = seller_party(purchase_mode=purchase_mode, seller=seller, agent=agent)
    state = disclosure_state(the_seller.merchant)
    # A platform that sells itself (self-operated stores) is already the seller: naming it twice
    # would count one business twice.
    if (
        state != Disclosure.ADEQUATE
        and platform.given
        and not platform.same_merchant_as(the_seller)
    ):
        proposed.append(
            ProposedRespondent(Role.PLATFORM_OPERATOR, platform, _PLATFORM_REASON[state])
        )
    return proposed
