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

from .models import PrivacyRequest, User
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
        # An erased account is kept as a pseudonymous row that cases point to, never purged.
        erased_at__isnull=True,
        is_staff=False,
        role__in=SELF_SERVICE_ROLES,
        date_joined__lt=now - UNVERIFIED_ACCOUNT_LIFETIME,
    )
    _, per_model = stale.delete()
    return per_model.get(User._meta.label, 0)


# --- privacy rights: the account's own part (odr.services orchestrates the rest) ----------


def erased_email(user_pk: int) -> str:
    """The placeholder address of an erased account: unique, and undeliverable by definition
    (.invalid is reserved, RFC 2606), so nothing can ever be sent to it."""
    return f"erased-{user_pk}@erased.invalid"


def _privacy_request_settled(*, user: User, kind: str, state: str, detail: dict, now=None):
    """An audit row for a request settled the moment it was made."""
    now = now or timezone.now()
    return PrivacyRequest.objects.create(
        user=user, kind=kind, state=state, requested_at=now, completed_at=now, detail=detail
    )


@transaction.atomic
def privacy_export_record(*, user: User, detail: dict, now=None) -> PrivacyRequest:
    """The audit row of one download of the account's data (done when the download starts)."""
    return _privacy_request_settled(
        user=user,
        kind=PrivacyRequest.Kind.EXPORT,
        state=PrivacyRequest.State.DONE,
        detail=detail,
        now=now,
    )


@transaction.atomic
def user_disable_login(*, user_id: int) -> User:
    """No more sign-in: inactive and without a usable password. Existing sessions end too,
    since Django checks both on every request (the session hash follows the password)."""
    user = User.objects.select_for_update().get(pk=user_id)
    user.is_active = False
    user.set_unusable_password()
    user.save(update_fields=["is_active", "password"])
    return user


@transaction.atomic
def user_anonymise(*, user_id: int, now=None) -> User:
    """Replace the account's personal data by a pseudonym; idempotent.

    The row stays: complaints, evidence, messages and case events point to it (PROTECT), and
    what they record about the merchants must not change. Name and address go, the password
    and permissions go, and so do the sign-in records django-axes kept under the address.
    """
    from axes.models import AccessAttempt, AccessFailureLog, AccessLog

    now = now or timezone.now()
    user = User.objects.select_for_update().get(pk=user_id)
    if user.erased_at is not None:
        return user
    old_email = user.email
    user.email = erased_email(user.pk)
    user.full_name = ""
    user.is_active = False
    user.is_staff = False
    user.set_unusable_password()
    user.last_login = None
    user.erased_at = now
    user.save(
        update_fields=[
            "email",
            "full_name",
            "is_active",
            "is_staff",
            "password",
            "last_login",
            "erased_at",
        ]
    )
    user.groups.clear()
    user.user_permissions.clear()
    for model in (AccessAttempt, AccessFailureLog, AccessLog):
        model.objects.filter(username__iexact=old_email).delete()
    return user


@transaction.atomic
def privacy_erasure_open(*, user: User, now=None) -> tuple[PrivacyRequest, bool]:
    """The account's erasure request: the pending or done one if there is one (asking twice
    is the same request), else a new pending one. Returns (request, created)."""
    existing = (
        PrivacyRequest.objects.select_for_update()
        .filter(
            user=user,
            kind=PrivacyRequest.Kind.ERASURE,
            state__in=[PrivacyRequest.State.PENDING, PrivacyRequest.State.DONE],
        )
        .first()
    )
    if existing is not None:
        return existing, False
    request = PrivacyRequest.objects.create(
        user=user, kind=PrivacyRequest.Kind.ERASURE, requested_at=now or timezone.now()
    )
    return request, True


@transaction.atomic
def privacy_erasure_refuse(*, user: User, detail: dict, now=None) -> PrivacyRequest:
    """A refused erasure is kept too: the person was told why, and the trail shows it."""
    return _privacy_request_settled(
        user=user,
        kind=PrivacyRequest.Kind.ERASURE,
        state=PrivacyRequest.State.REFUSED,
        detail=detail,
        now=now,
    )


@transaction.atomic
def privacy_request_complete(*, request_id: int, detail: dict, now=None) -> PrivacyRequest:
    request = PrivacyRequest.objects.select_for_update().get(pk=request_id)
    if request.state == PrivacyRequest.State.DONE:
        return request
    request.state = PrivacyRequest.State.DONE
    request.completed_at = now or timezone.now()
    request.detail = {**request.detail, **detail}
    request.save(update_fields=["state", "completed_at", "detail"])
    return request
