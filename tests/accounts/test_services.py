"""Roles and account housekeeping."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.contrib.auth.models import Group
from django.utils import timezone

from accounts import services
from accounts.models import User
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


def test_mediators_group_is_created_by_migration_with_only_view_user():
    group = Group.objects.get(name="mediators")
    perms = set(group.permissions.values_list("content_type__app_label", "codename"))
    assert ("accounts", "view_user") in perms
    # Mediators never manage accounts: no add, change or delete of users.
    assert not {p for p in perms if p[0] == "accounts" and p[1] != "view_user"}


def test_making_a_mediator_makes_them_staff_in_the_group_and_back():
    user = UserFactory()

    services.user_set_role(user=user, role=User.Role.MEDIATOR)
    user.refresh_from_db()
    assert user.is_staff and not user.is_superuser
    assert user.groups.filter(name="mediators").exists()
    assert user.has_perm("accounts.view_user")
    assert not user.has_perm("accounts.change_user")

    services.user_set_role(user=user, role=User.Role.CONSUMER)
    user = User.objects.get(pk=user.pk)
    assert not user.is_staff
    assert not user.groups.exists()


def test_purge_removes_only_stale_unverified_self_registered_accounts():
    now = timezone.now()
    stale = UserFactory(email_verified_at=None)
    fresh = UserFactory(email_verified_at=None)
    verified = UserFactory()
    staff = UserFactory(email_verified_at=None, is_staff=True)
    User.objects.filter(pk__in=[stale.pk, verified.pk, staff.pk]).update(
        date_joined=now - timedelta(days=8)
    )

    assert services.users_purge_unverified(now=now) == 1
    assert set(User.objects.values_list("pk", flat=True)) == {fresh.pk, verified.pk, staff.pk}


def test_user_manager_requires_email_and_lowercases_it():
    with pytest.raises(ValueError):
        User.objects.create_user(email="", password="x", full_name="x")
    assert User.objects.create_user(email="Mixed@Case.TEST", full_name="m").email == (
        "mixed@case.test"
    )
