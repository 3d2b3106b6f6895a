"""Platforms get a key without e-mailing anyone: an account asks for API access, staff approve
or refuse it, and an approved platform creates, rotates and revokes its own keys (each secret
shown once, only as a hash afterwards)."""

from __future__ import annotations

from datetime import datetime

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import User
from accounts.services import user_set_role
from complaints.models import Complaint
from core.emails import send_templated_email

from . import services
from .models import ApiKey, PlatformAccessRequest

State = PlatformAccessRequest.State


def may_request_access(user) -> str:
    """Why ``user`` may not ask for API access ("" when they may)."""
    if not getattr(user, "is_authenticated", False):
        return _("Sign in (or create an account for your organisation) to ask for access.")
    if user.role == User.Role.PLATFORM_CLIENT:
        return _("This account already has API access: manage its keys below.")
    if user.is_staff or user.role != User.Role.CONSUMER:
        return _("Ask for access from an account of its own for your organisation.")
    if Complaint.objects.filter(consumer=user).exists():
        return _(
            "This account has filed complaints. Ask for access from an account of its own for "
            "your organisation."
        )
    if PlatformAccessRequest.objects.filter(user=user, state=State.PENDING).exists():
        return _("Your request is waiting for review; we will e-mail you the answer.")
    return ""


@transaction.atomic
def access_request_create(
    *,
    user,
    organisation: str,
    website: str,
    contact_name: str,
    contact_email: str,
    intended_use: str,
) -> PlatformAccessRequest:
    reason = may_request_access(user)
    if reason:
        raise ValidationError(reason)
    try:
        with transaction.atomic():
            return _create_request(
                user, organisation, website, contact_name, contact_email, intended_use
            )
    except IntegrityError:
        # Another request of this account was saved meanwhile (one pending at a time).
        raise ValidationError(
            may_request_access(user) or _("Your request is already saved.")
        ) from None


def _create_request(user, organisation, website, contact_name, contact_email, intended_use):
    return PlatformAccessRequest.objects.create(
        user=user,
        organisation=organisation.strip(),
        website=website.strip(),
        contact_name=contact_name.strip(),
        contact_email=contact_email.strip(),
        intended_use=intended_use.strip(),
    )


def _decide(request_id: int, staff, state: str, note: str, now: datetime | None):
    if not (staff and staff.is_active and staff.is_superuser):
        raise PermissionDenied(_("Only an administrator decides on API access."))
    access = (
        PlatformAccessRequest.objects.select_for_update().select_related("user").get(pk=request_id)
    )
    if access.state != State.PENDING:
        raise ValidationError(_("This request was already decided."))
    access.state = state
    access.decided_at = now or timezone.now()
    access.decided_by = staff
    access.decision_note = note.strip()
    access.save(update_fields=["state", "decided_at", "decided_by", "decision_note"])
    return access


@transaction.atomic
def access_request_approve(
    *, request_id: int, staff, note: str = "", now: datetime | None = None
) -> PlatformAccessRequest:
    """The account becomes a platform client and is told by e-mail (after commit)."""
    access = _decide(request_id, staff, State.APPROVED, note, now)
    user_set_role(user=access.user, role=User.Role.PLATFORM_CLIENT)
    send_templated_email(
        to=access.user.email,
        template="credit/email/access_approved",
        context={"access": access},
        language=access.user.preferred_language,
    )
    return access


@transaction.atomic
def access_request_refuse(
    *, request_id: int, staff, note: str, now: datetime | None = None
) -> PlatformAccessRequest:
    if not note.strip():
        raise ValidationError(_("Say why the request is refused: the platform is told."))
    access = _decide(request_id, staff, State.REFUSED, note, now)
    send_templated_email(
        to=access.user.email,
        template="credit/email/access_refused",
        context={"access": access},
        language=access.user.preferred_language,
    )
    return access


def _require_platform(user) -> None:
    if not (getattr(user, "is_authenticated", False) and user.role == User.Role.PLATFORM_CLIENT):
        raise PermissionDenied(_("Only a platform account with API access manages keys."))


def own_keys(user):
    return ApiKey.objects.filter(client=user).order_by("revoked_at", "-created_at", "-pk")


def platform_key_create(*, user, name: str) -> tuple[ApiKey, str]:
    """A new key of the platform's own; the secret is returned once."""
    _require_platform(user)
    name = name.strip()
    if not name:
        raise ValidationError({"name": _("Name the key, e.g. “checkout, production”.")})
    return services.api_key_create(client=user, name=name, created_by=user)


def _own_key(user, key_id: int) -> ApiKey:
    _require_platform(user)
    key = ApiKey.objects.filter(pk=key_id, client=user).first()
    if key is None:
        raise ApiKey.DoesNotExist
    return key


def platform_key_revoke(*, user, key_id: int) -> ApiKey:
    key = _own_key(user, key_id)
    return services.api_key_revoke(api_key_id=key.pk)


@transaction.atomic
def platform_key_rotate(*, user, key_id: int) -> tuple[ApiKey, str]:
    """A new key with the old one's name; the old one stops working now."""
    old = _own_key(user, key_id)
    if old.revoked_at:
        raise ValidationError(_("This key is revoked already: create a new one."))
    new, secret = services.api_key_create(client=user, name=old.name, created_by=user)
    services.api_key_revoke(api_key_id=old.pk)
    return new, secret
