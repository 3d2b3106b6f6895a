"""Fixtures of the ODR tests: a mediator colleague and a platform for compensation."""

from __future__ import annotations

import pytest

from ..factories import MerchantFactory, UserFactory


@pytest.fixture
def second_mediator(db):
    from accounts.services import user_set_role

    return user_set_role(user=UserFactory(role="consumer"), role="mediator")


@pytest.fixture
def platform(db):
    from merchants.models import MerchantRoleAssignment

    merchant = MerchantFactory(legal_name="Big Marketplace Inc")
    MerchantRoleAssignment.objects.create(merchant=merchant, role="platform")
    return merchant
