"""Fixtures of the ODR tests: a mediator colleague and a platform for compensation."""

from __future__ import annotations

import pytest
from django.conf import settings
from django.utils import translation

from ..factories import MerchantFactory, UserFactory


@pytest.fixture(autouse=True)
def _default_language():
    """A request to a /zh-hans/ page leaves Chinese active in the test thread (LocaleMiddleware
    activates, nothing deactivates), and reverse() then gives /zh-hans/ URLs: every test here
    starts and ends in the default language."""
    translation.activate(settings.LANGUAGE_CODE)
    yield
    translation.deactivate()


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


@pytest.fixture
def mediators_group(db):
    """The mediators group as the data migrations make it. Transactional tests need this: the
    flush after another transactional test empties every table, and only content types and
    permissions come back on their own."""
    from importlib import import_module

    from django.contrib.auth.models import Group, Permission

    group, _ = Group.objects.get_or_create(name="mediators")
    for module in (
        "accounts.migrations.0002_mediators_group",
        "odr.migrations.0003_mediators_case_permissions",
    ):
        for perm in import_module(module).PERMISSIONS:
            app_label, codename = perm.split(".", 1)
            group.permissions.add(
                Permission.objects.get(content_type__app_label=app_label, codename=codename)
            )
    return group
