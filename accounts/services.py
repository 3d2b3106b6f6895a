"""Every change to users: registration, verification, roles."""

from __future__ import annotations

import copy
from datetime import timedelta

from django.contrib.auth.models import Group
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode

from core.emails import send_templated_email

from .models import User
from .roles import MEDIATORS_GROUP
from .tokens import email_verification_token

SELF_SERVICE_ROLES = (User.Role.CONSUMER, User.Role.MERCHANT_REP)


def verification_path(user: User) -> str:
    uid = urlsafe_base64_encode(force_bytes(user.pk))
    token = email_verification_token.make_token(user)
    return reverse("verify_email", kwargs={"uidb64": uid, "token": token})


def send_verification_email(user: User) -> None:
    send_templated_email(
        to=user.email,
        template="accounts/email/verify",
        context={"user_name": user.get_short_name(), "path": verification_path(user)},
        language=user.preferred_language,
    )


@transaction.atomic
def user_register(
    *, email: str, password: str, full_name: str, role: str, preferred_language: str
) -> User:
    if role not in SELF_SERVICE_ROLES:
        raise ValueError(f"Role {role!r} cannot be chosen at registration.")
    user = User.objects.create_user(
        email=email,
        password=password,
        full_name=full_name,
        role=role,
        preferred_language=preferred_language,
    )
    send_verification_email(user)
    return user


@transaction.atomic
def user_verify_email(*, user: User, token: str) -> bool:
    user = User.objects.select_for_update().get(pk=user.pk)
    if user.email_verified:
        # The link that confirmed the address, followed again, says so again. Any other token
        # is refused: the answer must not tell who has a confirmed account.
        as_sent = copy.copy(user)
        as_sent.email_verified_at = None
        return email_verification_token.check_token(as_sent, token)
    if not email_verification_token.check_token(user, token):
        return False
    user.email_verified_at = timezone.now()
    user.save(update_fields=["email_verified_at"])
    return True


@transaction.atomic
def user_set_role(*, user: User, role: str) -> User:
    """Set a role and what comes with it: mediators are staff in the mediators group."""
    user = User.objects.select_for_update().get(pk=user.pk)
    group = Group.objects.get(name=MEDIATORS_GROUP)
    user.role = role
    if role == User.Role.MEDIATOR:
        user.is_staff = True
        user.groups.add(group)
    else:
        if not user.is_superuser:
            user.is_staff = False
        user.groups.remove(group)
    user.save(update_fields=["role", "is_staff"])
    return user


# Accounts that never confirmed their address are removed after this long.
UNVERIFIED_ACCOUNT_LIFETIME = timedelta(days=7)


def users_purge_unverified(*, now=None) -> int:
    """Delete self-registered accounts never verified within the lifetime; returns the count."""
    now = now or timezone.now()
    stale = User.objects.filter(
        email_verified_at__isnull=True,
        is_staff=False,
        role__in=SELF_SERVICE_ROLES,
        date_joined__lt=now - UNVERIFIED_ACCOUNT_LIFETIME,
    )
    _, per_model = stale.delete()
    return per_model.get(User._meta.label, 0)
