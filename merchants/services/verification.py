"""A merchant's verification by staff (the states it moves between, ``ALLOWED_FROM``) and the
documents a representative uploads for it."""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from core.emails import send_templated_email
from core.uploads import DOCUMENT_TYPES, check_upload

from ..models import Merchant, VerificationDocument, VerificationEvent, VerificationState
from ..selectors import merchant_ids_represented_by
from ._common import VerificationNotAllowed, _require_staff

DOCUMENT_MAX_BYTES = 10 * 1_000_000
# Enough to finish a day's expiries in a few batches, small enough that one batch's locks and
# transaction stay short while pages read the same rows.
EXPIRY_BATCH_SIZE = 200


# --- Verification ---------------------------------------------------------------------------

_S = VerificationState
ALLOWED_FROM: dict[str, frozenset[str]] = {
    _S.PENDING: frozenset({_S.UNVERIFIED, _S.REJECTED, _S.EXPIRED, _S.VERIFIED}),
    # Verifying a verified merchant renews it (a new licence, a new period).
    _S.VERIFIED: frozenset({_S.UNVERIFIED, _S.PENDING, _S.REJECTED, _S.EXPIRED, _S.VERIFIED}),
    _S.REJECTED: frozenset({_S.UNVERIFIED, _S.PENDING, _S.VERIFIED, _S.EXPIRED}),
    _S.EXPIRED: frozenset({_S.VERIFIED}),
}


def _set_verification(
    merchant: Merchant,
    *,
    to_state: str,
    actor,
    note: str = "",
    now: dt.datetime | None = None,
    expires_at: dt.datetime | None = None,
) -> VerificationEvent:
    """Move a locked merchant's verification, write the event, tell the representatives
    (by e-mail, after commit)."""
    if merchant.verification_state not in ALLOWED_FROM[to_state]:
        raise VerificationNotAllowed(merchant, to_state)
    now = now or timezone.now()
    from_state = merchant.verification_state
    merchant.verification_state = to_state
    if to_state == _S.VERIFIED:
        merchant.verified_at = now
        merchant.verified_by = actor
        merchant.verification_expires_at = expires_at
        merchant.verified_version = merchant.disclosure_version
    elif to_state == _S.EXPIRED:
        # Keep when it was verified and when that ran out: the public page says so.
        if merchant.verification_expires_at is None or merchant.verification_expires_at > now:
            merchant.verification_expires_at = now
    else:
        merchant.verified_at = None
        merchant.verified_by = None
        merchant.verification_expires_at = None
        merchant.verified_version = None
    merchant.verification_note = note
    merchant.save(
        update_fields=[
            "verification_state",
            "verified_at",
            "verified_by",
            "verification_expires_at",
            "verified_version",
            "verification_note",
            "updated_at",
        ]
    )
    event = VerificationEvent.objects.create(
        merchant=merchant,
        from_state=from_state,
        to_state=to_state,
        actor=actor if getattr(actor, "pk", None) else None,
        note=note,
        expires_at=merchant.verification_expires_at,
        disclosure_version=merchant.disclosure_version,
        created_at=now,
    )
    if to_state in (_S.VERIFIED, _S.REJECTED, _S.EXPIRED):
        _notify_representatives(merchant, event)
    return event


def _notify_representatives(merchant: Merchant, event: VerificationEvent) -> None:
    for link in merchant.representatives.select_related("user"):
        send_templated_email(
            to=link.user.email,
            template="merchants/email/verification",
            context={
                "merchant_name": merchant.display_name,
                "state": event.to_state,
                "note": event.note,
                "expires_at": event.expires_at,
                "public_id": str(merchant.public_id),
            },
            language=link.user.preferred_language,
        )


@transaction.atomic
def verification_mark_pending(*, merchant_id: int, actor, note: str = "") -> VerificationEvent:
    merchant = Merchant.objects.select_for_update().get(pk=merchant_id)
    return _set_verification(merchant, to_state=_S.PENDING, actor=actor, note=note)


@transaction.atomic
def verification_verify(
    *,
    merchant_id: int,
    reviewer,
    note: str = "",
    valid_days: int | None = None,
    now: dt.datetime | None = None,
) -> VerificationEvent:
    """Staff verified the current disclosure against the documents; valid for
    ``valid_days`` (default REDRESS_VERIFICATION_VALID_DAYS)."""
    _require_staff(reviewer)
    now = now or timezone.now()
    days = settings.REDRESS_VERIFICATION_VALID_DAYS if valid_days is None else valid_days
    if days < 1:
        raise ValidationError({"valid_days": _("A verification is valid for at least one day.")})
    merchant = Merchant.objects.select_for_update().get(pk=merchant_id)
    return _set_verification(
        merchant,
        to_state=_S.VERIFIED,
        actor=reviewer,
        note=note.strip(),
        now=now,
        expires_at=now + dt.timedelta(days=days),
    )


@transaction.atomic
def verification_reject(
    *, merchant_id: int, reviewer, reason: str, now: dt.datetime | None = None
) -> VerificationEvent:
    """Staff could not verify (or withdraw a verification); the reason is shown to the
    representatives and on the public page."""
    _require_staff(reviewer)
    if not reason.strip():
        raise ValidationError({"reason": _("Say why the verification is rejected.")})
    merchant = Merchant.objects.select_for_update().get(pk=merchant_id)
    return _set_verification(
        merchant, to_state=_S.REJECTED, actor=reviewer, note=reason.strip(), now=now
    )


@transaction.atomic
def verification_expire(
    *, merchant_id: int, actor, now: dt.datetime | None = None
) -> VerificationEvent:
    """Staff end a verification now (its documents are no longer valid)."""
    _require_staff(actor)
    merchant = Merchant.objects.select_for_update().get(pk=merchant_id)
    return _set_verification(
        merchant,
        to_state=_S.EXPIRED,
        actor=actor,
        note=_("Marked expired by staff."),
        now=now,
    )


def verifications_expire_due(
    *, now: dt.datetime | None = None, batch_size: int = EXPIRY_BATCH_SIZE
) -> int:
    """Expire every verification whose validity ended; returns how many. Safe to run twice or
    in two workers at once: each batch locks its rows (skipping rows another worker holds) and
    re-checks them."""
    now = now or timezone.now()
    total = 0
    while True:
        with transaction.atomic():
            due = list(
                Merchant.objects.select_for_update(skip_locked=True)
                .filter(verification_state=_S.VERIFIED, verification_expires_at__lte=now)
                .order_by("pk")[:batch_size]
            )
            for merchant in due:
                _set_verification(
                    merchant,
                    to_state=_S.EXPIRED,
                    actor=None,
                    note=_("The verification reached its expiry date."),
                    now=now,
                )
        total += len(due)
        if len(due) < batch_size:
            return total


# --- Documents ------------------------------------------------------------------------------


@transaction.atomic
def document_upload(*, merchant_id: int, user, kind: str, uploaded) -> VerificationDocument:
    """A representative (or staff) uploads a licence or the like; stored privately.

    An unverified, rejected or expired merchant becomes pending: the upload asks staff to check.
    """
    if not user.is_staff and merchant_id not in merchant_ids_represented_by(user):
        raise PermissionDenied(_("Only a representative of this merchant can upload documents."))
    if kind not in VerificationDocument.Kind.values:
        raise ValidationError({"kind": _("Choose what kind of document this is.")})
    try:
        checked = check_upload(uploaded, max_bytes=DOCUMENT_MAX_BYTES, allowed_types=DOCUMENT_TYPES)
    except ValidationError as exc:
        raise ValidationError({"file": exc.messages}) from None
    merchant = Merchant.objects.select_for_update().get(pk=merchant_id)
    earlier = merchant.documents.filter(
        Q(sha256=checked.sha256) | Q(received_sha256=checked.received_sha256)
    ).first()
    if earlier is not None:
        raise ValidationError(
            {
                "file": _("This file was already uploaded on %(date)s (%(label)s).")
                % {
                    "date": timezone.localtime(earlier.uploaded_at).date().isoformat(),
                    "label": earlier.label,
                }
            }
        )
    document = VerificationDocument(
        merchant=merchant,
        kind=kind,
        label=checked.label,
        content_type=checked.content_type,
        size=checked.size,
        sha256=checked.sha256,
        received_sha256=checked.received_sha256,
        uploaded_by=user,
    )
    # The file is written before the row commits; a rolled-back upload leaves an unreferenced
    # file in private storage, never a row without its file.
    document.file.save(checked.label, checked.content, save=False)
    document.save()
    if merchant.verification_state in (_S.UNVERIFIED, _S.REJECTED, _S.EXPIRED):
        _set_verification(
            merchant,
            to_state=_S.PENDING,
            actor=user,
            note=_("Documents uploaded for verification."),
        )
    return document
