"""seed_demo creates merchants that show every role and every verification state, twice over."""

from __future__ import annotations

import pytest
from django.core.management import call_command

from merchants.models import (
    DisclosureProposal,
    DisclosureVersion,
    Merchant,
    MerchantLink,
    MerchantRoleAssignment,
    Shop,
)

pytestmark = pytest.mark.django_db


def _counts():
    return [
        m.objects.count()
        for m in (Merchant, Shop, MerchantLink, DisclosureVersion, DisclosureProposal)
    ]


def test_demo_merchants_show_every_role_state_and_link_and_seeding_twice_changes_nothing():
    call_command("seed_demo", "--force", verbosity=0)
    first = _counts()
    call_command("seed_demo", "--force", verbosity=0)

    assert _counts() == first
    # Every role, verification state and link kind the product describes, written out here.
    assert set(MerchantRoleAssignment.objects.values_list("role", flat=True)) == {
        "agent_spot",
        "agent_non_spot",
        "supplier",
        "platform",
        "carrier",
    }
    assert set(Merchant.objects.values_list("verification_state", flat=True)) == {
        "unverified",
        "pending",
        "verified",
        "rejected",
        "expired",
    }
    assert set(MerchantLink.objects.values_list("kind", flat=True)) == {
        "agent_supplier",
        "seller_carrier",
        "seller_platform",
    }
    assert Shop.objects.exclude(platform=None).values("platform").distinct().count() == 2
    assert DisclosureProposal.objects.filter(state="pending").count() == 1
    assert Merchant.objects.filter(disclosure_version__gt=1).exists()
    rep_merchant = Merchant.objects.get(representatives__user__email="rep@redress.test")
    assert rep_merchant.proposals.filter(state="pending").exists()
    # fictional names only on reserved example domains
    assert all(".example" in url for url in Shop.objects.values_list("url", flat=True))
    assert Merchant.objects.filter(legal_name__regex=r"[\u4e00-\u9fff]").exists()
    assert Merchant.objects.filter(legal_name__regex=r"^[A-Za-z]").exists()
