"""Every change to merchants: disclosure versions, proposals, verification, documents, shops, links.

Completeness of a disclosure (``disclosure_completeness``) counts these required items, each
worth the same share of 100:

1. the legal name as registered;
2. a name in Latin letters, or a legal name that is itself in Latin letters (a consumer abroad
   must be able to read and type it);
3. at least one role (agent, supplier, platform, carrier);
4. the country;
5. the business registration number;
6. the registry that issued it;
7. the registered address;
8. the responsible person;
9. a contact channel: an e-mail address or a phone number.

Trade names, website, date established and declared order volume are welcome but optional.
"""

from __future__ import annotations

import datetime as dt
import re
import unicodedata
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.validators import EmailValidator, URLValidator
from django.db import IntegrityError, transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django_countries import countries

from core import integrity
from core.emails import send_templated_email
from core.text import clean_text
from core.uploads import DOCUMENT_TYPES, check_upload

from .integrity import DISCLOSURE_VERSIONS
from .models import (
    DisclosureProposal,
    DisclosureVersion,
    Merchant,
    MerchantLink,
    MerchantRepresentative,
    MerchantRole,
    MerchantRoleAssignment,
    Shop,
    VerificationDocument,
    VerificationEvent,
    VerificationState,
)
from .normalize import (
    InvalidRegistrationNumber,
    InvalidURL,
    fold_for_search,
    normalize_registration_number,
    normalize_shop_url,
)
from .selectors import merchant_ids_represented_by

# The identity fields a disclosure version covers, in the order pages and forms show them.
# "roles" lives in MerchantRoleAssignment rows; every other name is a Merchant column.
IDENTITY_FIELDS: tuple[str, ...] = (
    "legal_name",
    "legal_name_latin",
    "trade_names",
    "roles",
    "country",
    "registration_number",
    "registry",
    "registered_address",
    "responsible_person",
    "contact_email",
    "contact_phone",
    "website",
    "date_established",
    "annual_order_volume",
)
# What staff check against the documents: changing one of these after verification puts the
# merchant back to pending, so the public badge never vouches for an identity nobody checked.
LEGAL_IDENTITY_FIELDS = frozenset(
    {
        "legal_name",
        "country",
        "registration_number",
        "registry",
        "registered_address",
        "responsible_person",
    }
)

DOCUMENT_MAX_BYTES = 10 * 1_000_000
MAX_TRADE_NAMES = 20
MAX_ADDRESS_LENGTH = 1000
# Enough to finish a day's expiries in a few batches, small enough that one batch's locks and
# transaction stay short while pages read the same rows.
EXPIRY_BATCH_SIZE = 200

_PHONE = re.compile(r"^\+?[0-9 ()./-]+(?:\s*(?:ext\.?|x|#|转)\s*[0-9]{1,6})?$", re.IGNORECASE)


class VerificationNotAllowed(Exception):
    """The merchant's verification cannot move to that state from where it stands."""

    def __init__(self, merchant: Merchant, to_state: str):
        self.merchant = merchant
        self.to_state = to_state
        super().__init__(
            _("%(merchant)s: verification cannot go from “%(from)s” to “%(to)s”.")
            % {
                "merchant": merchant,
                "from": VerificationState(merchant.verification_state).label,
                "to": VerificationState(to_state).label,
            }
        )


class ProposalAlreadyReviewed(Exception):
    """Staff can review a proposal once."""


# --- Completeness ---------------------------------------------------------------------------


def _is_latin(text: str) -> bool:
    letters = [ch for ch in text if ch.isalpha()]
    return bool(letters) and all(unicodedata.name(ch, "").startswith("LATIN") for ch in letters)


REQUIRED_ITEMS: tuple[tuple[str, Any], ...] = (
    ("legal_name", gettext_lazy("legal name as registered")),
    ("latin_name", gettext_lazy("name in Latin letters")),
    ("roles", gettext_lazy("role (agent, supplier, platform or carrier)")),
    ("country", gettext_lazy("country")),
    ("registration_number", gettext_lazy("business registration number")),
    ("registry", gettext_lazy("issuing registry")),
    ("registered_address", gettext_lazy("registered address")),
    ("responsible_person", gettext_lazy("responsible person")),
    ("contact", gettext_lazy("contact e-mail or phone")),
)


@dataclass(frozen=True)
class Completeness:
    score: int
    present: tuple[str, ...]
    missing: tuple[str, ...]

    @property
    def missing_labels(self) -> list:
        labels = dict(REQUIRED_ITEMS)
        return [labels[key] for key in self.missing]


def disclosure_completeness(values: Mapping[str, Any]) -> Completeness:
    """Which required items (see the module docstring) a disclosure has, and the score 0-100."""
    legal_name = (values.get("legal_name") or "").strip()
    checks = {
        "legal_name": bool(legal_name),
        "latin_name": bool((values.get("legal_name_latin") or "").strip()) or _is_latin(legal_name),
        "roles": bool(values.get("roles")),
        "country": bool(values.get("country")),
        "registration_number": bool((values.get("registration_number") or "").strip()),
        "registry": bool((values.get("registry") or "").strip()),
        "registered_address": bool((values.get("registered_address") or "").strip()),
        "responsible_person": bool((values.get("responsible_person") or "").strip()),
        "contact": bool(
            (values.get("contact_email") or "").strip()
            or (values.get("contact_phone") or "").strip()
        ),
    }
    present = tuple(key for key, _label in REQUIRED_ITEMS if checks[key])
    missing = tuple(key for key, _label in REQUIRED_ITEMS if not checks[key])
    return Completeness(round(100 * len(present) / len(REQUIRED_ITEMS)), present, missing)


# --- Identity values ------------------------------------------------------------------------


def identity_snapshot(merchant: Merchant) -> dict[str, Any]:
    """The current identity of ``merchant`` as JSON values (the shape versions store)."""
    values: dict[str, Any] = {}
    for field in IDENTITY_FIELDS:
        if field == "roles":
            # .all() uses the roles a page prefetched; a locked row in a service has none.
            values[field] = sorted(assignment.role for assignment in merchant.roles.all())
        elif field == "country":
            values[field] = merchant.country.code or ""
        elif field == "date_established":
            value = merchant.date_established
            values[field] = value.isoformat() if value else None
        elif field == "trade_names":
            values[field] = list(merchant.trade_names or [])
        else:
            value = getattr(merchant, field)
            values[field] = "" if value is None and field != "annual_order_volume" else value
    return values


def search_text_for(values: Mapping[str, Any]) -> str:
    names = [
        values.get("legal_name"),
        values.get("legal_name_latin"),
        *values.get("trade_names", []),
    ]
    return "\n".join(fold_for_search(name) for name in names if name)


def _max_length(field: str) -> int | None:
    return Merchant._meta.get_field(field).max_length


def _text(values: Mapping[str, Any], field: str, errors: dict) -> str:
    value = values.get(field)
    multiline = field == "registered_address"
    text = "" if value is None else clean_text(str(value), multiline=multiline).strip()
    limit = _max_length(field) or (MAX_ADDRESS_LENGTH if field == "registered_address" else None)
    if limit and len(text) > limit:
        errors[field] = _("At most %(limit)d characters (this has %(length)d).") % {
            "limit": limit,
            "length": len(text),
        }
    return text


def clean_identity(values: Mapping[str, Any], *, merchant_pk: int | None) -> dict[str, Any]:
    """Validate and normalise a full set of identity values; JSON values back, or a
    ValidationError naming each bad field (nothing is saved by the caller then)."""
    errors: dict[str, str] = {}
    out: dict[str, Any] = {}

    out["legal_name"] = _text(values, "legal_name", errors)
    if not out["legal_name"] and "legal_name" not in errors:
        errors["legal_name"] = _("Enter the legal name as registered.")
    out["legal_name_latin"] = _text(values, "legal_name_latin", errors)
    if out["legal_name_latin"] and not _is_latin(out["legal_name_latin"]):
        errors["legal_name_latin"] = _("Use Latin letters only (a transliteration such as pinyin).")

    raw_names = values.get("trade_names") or []
    if isinstance(raw_names, str):
        raw_names = raw_names.splitlines()
    trade_names: list[str] = []
    for name in raw_names:
        name = " ".join(clean_text(str(name)).split())
        if name and name not in trade_names:
            trade_names.append(name)
    if any(len(name) > 300 for name in trade_names):
        errors["trade_names"] = _("A trade name has at most 300 characters.")
    elif len(trade_names) > MAX_TRADE_NAMES:
        errors["trade_names"] = _("At most %(n)d trade names.") % {"n": MAX_TRADE_NAMES}
    out["trade_names"] = trade_names

    roles = sorted(set(values.get("roles") or []))
    if any(role not in MerchantRole.values for role in roles):
        errors["roles"] = _("Unknown role.")
    out["roles"] = roles

    country = str(values.get("country") or "").strip().upper()
    if not country:
        errors["country"] = _("Choose the country.")
    elif country not in countries:
        errors["country"] = _(
            "“%(code)s” is not a country code (ISO 3166-1, such as CN or DE)."
        ) % {"code": country}
    out["country"] = country

    out["registration_number"] = _text(values, "registration_number", errors)
    normalized = ""
    if out["registration_number"] and "registration_number" not in errors:
        try:
            normalized = normalize_registration_number(out["registration_number"])
        except InvalidRegistrationNumber as exc:
            errors["registration_number"] = str(exc)
    for field in ("registry", "registered_address", "responsible_person"):
        out[field] = _text(values, field, errors)

    out["contact_email"] = _text(values, "contact_email", errors)
    if out["contact_email"] and "contact_email" not in errors:
        try:
            EmailValidator()(out["contact_email"])
        except ValidationError:
            errors["contact_email"] = _("Enter a valid e-mail address.")

    phone = unicodedata.normalize("NFKC", str(values.get("contact_phone") or "")).strip()
    out["contact_phone"] = phone
    if phone:
        digits = sum(ch.isdigit() for ch in phone)
        if len(phone) > (_max_length("contact_phone") or 50) or not _PHONE.match(phone):
            errors["contact_phone"] = _(
                "Enter a phone number with digits, spaces, +, dashes or brackets only."
            )
        elif not 5 <= digits <= 20:
            errors["contact_phone"] = _("A phone number has between 5 and 20 digits.")

    website = _text(values, "website", errors)
    if website and "website" not in errors:
        if "://" not in website:
            website = "https://" + website
        try:
            URLValidator(schemes=["http", "https"])(website)
        except ValidationError:
            errors["website"] = _("Enter a web address such as https://www.example.com.")
    out["website"] = website

    established = values.get("date_established")
    if isinstance(established, str) and established:
        try:
            established = dt.date.fromisoformat(established)
        except ValueError:
            errors["date_established"] = _("Enter a date.")
            established = None
    established = established or None
    if established and established > timezone.localdate():
        errors["date_established"] = _("The date established cannot be in the future.")
    out["date_established"] = established.isoformat() if established else None

    volume = values.get("annual_order_volume")
    if volume in ("", None):
        volume = None
    else:
        try:
            volume = int(volume)
            if volume < 0:
                raise ValueError
        except (TypeError, ValueError):
            errors["annual_order_volume"] = _("Enter a whole number of orders, 0 or more.")
            volume = None
    out["annual_order_volume"] = volume

    if normalized and "country" not in errors:
        duplicate = (
            Merchant.objects.filter(country=country, registration_number_normalized=normalized)
            .exclude(pk=merchant_pk)
            .first()
        )
        if duplicate is not None:
            errors["registration_number"] = _(
                "%(name)s is already registered with this number in this country."
            ) % {"name": duplicate.display_name}

    if errors:
        raise ValidationError(errors)
    return out


def _apply_identity(merchant: Merchant, values: Mapping[str, Any]) -> None:
    """Copy clean values onto the row with the columns derived from them, kept in step here."""
    for field in IDENTITY_FIELDS:
        if field == "roles":
            continue
        value = values[field]
        if field == "date_established":
            value = dt.date.fromisoformat(value) if value else None
        setattr(merchant, field, value)
    number = values["registration_number"]
    merchant.registration_number_normalized = (
        normalize_registration_number(number) if number else ""
    )
    merchant.search_text = search_text_for(values)
    merchant.completeness = disclosure_completeness(values).score


def _sync_roles(merchant: Merchant, roles: list[str]) -> None:
    merchant.roles.exclude(role__in=roles).delete()
    existing = set(merchant.roles.values_list("role", flat=True))
    MerchantRoleAssignment.objects.bulk_create(
        [
            MerchantRoleAssignment(merchant=merchant, role=role)
            for role in roles
            if role not in existing
        ]
    )


def _record_version(
    merchant: Merchant,
    *,
    source: str,
    actor,
    values: dict[str, Any],
    changes: dict[str, list],
    proposal: DisclosureProposal | None = None,
) -> DisclosureVersion:
    """Save the merchant's new identity and append its version to the disclosure chain.

    ``merchant`` is new in this transaction or locked by the caller (select_for_update), so
    its ``disclosure_version`` and ``disclosure_head`` are current; ``integrity.append`` numbers
    the version, seals it and moves both on the merchant row.
    """
    merchant.save()
    version = DisclosureVersion(
        merchant=merchant,
        source=source,
        created_by=actor if getattr(actor, "pk", None) else None,
        snapshot=values,
        changes=changes,
        completeness=merchant.completeness,
        proposal=proposal,
    )
    return integrity.append(DISCLOSURE_VERSIONS, version, parent=merchant)


# --- Disclosure -----------------------------------------------------------------------------


@transaction.atomic
def merchant_create(*, actor, data: Mapping[str, Any]) -> Merchant:
    """Create a merchant with disclosure version 1 (source "created")."""
    values = clean_identity({field: data.get(field) for field in IDENTITY_FIELDS}, merchant_pk=None)
    merchant = Merchant()
    _apply_identity(merchant, values)
    merchant.save()
    _sync_roles(merchant, values["roles"])
    _record_version(
        merchant,
        source=DisclosureVersion.Source.CREATED,
        actor=actor,
        values=values,
        changes={
            field: [None, value] for field, value in values.items() if value not in ("", [], None)
        },
    )
    return merchant


def _change_identity(
    merchant: Merchant,
    *,
    actor,
    data: Mapping[str, Any],
    source: str,
    proposal: DisclosureProposal | None = None,
) -> DisclosureVersion | None:
    """Apply ``data`` (some identity fields) to a locked merchant; a version when anything
    changed, None otherwise."""
    unknown = set(data) - set(IDENTITY_FIELDS)
    if unknown:
        raise ValueError(f"Not identity fields: {sorted(unknown)}")
    current = identity_snapshot(merchant)
    values = clean_identity({**current, **data}, merchant_pk=merchant.pk)
    changes = {f: [current[f], values[f]] for f in IDENTITY_FIELDS if values[f] != current[f]}
    if not changes:
        return None
    _apply_identity(merchant, values)
    _sync_roles(merchant, values["roles"])
    version = _record_version(
        merchant, source=source, actor=actor, values=values, changes=changes, proposal=proposal
    )
    if merchant.verification_state == VerificationState.VERIFIED and LEGAL_IDENTITY_FIELDS & set(
        changes
    ):
        _set_verification(
            merchant,
            to_state=VerificationState.PENDING,
            actor=actor,
            note=_("The legal identity changed in version %(n)d: staff check it again.")
            % {"n": version.number},
        )
    return version


@transaction.atomic
def merchant_update(
    *, merchant_id: int, actor, data: Mapping[str, Any]
) -> DisclosureVersion | None:
    """Staff edit: a new version (source "staff") with {field: [old, new]}, only if something
    changed. Fields not in ``data`` keep their value."""
    merchant = Merchant.objects.select_for_update().get(pk=merchant_id)
    return _change_identity(merchant, actor=actor, data=data, source=DisclosureVersion.Source.STAFF)


# --- Proposals ------------------------------------------------------------------------------


@transaction.atomic
def proposal_submit(*, merchant_id: int, user, data: Mapping[str, Any]) -> DisclosureProposal:
    """A representative of this merchant (and no one else) proposes new identity values.

    The proposal keeps only the fields that differ from the current disclosure. One proposal per
    merchant waits for review at a time.
    """
    if merchant_id not in merchant_ids_represented_by(user):
        raise PermissionDenied(_("Only a representative of this merchant can propose changes."))
    merchant = Merchant.objects.select_for_update().get(pk=merchant_id)
    unknown = set(data) - set(IDENTITY_FIELDS)
    if unknown:
        raise ValueError(f"Not identity fields: {sorted(unknown)}")
    current = identity_snapshot(merchant)
    values = clean_identity({**current, **data}, merchant_pk=merchant.pk)
    proposed = {f: values[f] for f in IDENTITY_FIELDS if values[f] != current[f]}
    if not proposed:
        raise ValidationError(
            _("This proposal changes nothing: every value is the same as the current disclosure."),
            code="unchanged",
        )
    pending = merchant.proposals.filter(state=DisclosureProposal.State.PENDING).first()
    if pending is not None:
        raise ValidationError(
            _(
                "A proposal sent on %(date)s is waiting for review. Staff review it before you "
                "can propose another change."
            )
            % {"date": timezone.localtime(pending.created_at).date().isoformat()},
            code="pending",
        )
    try:
        with transaction.atomic():
            return DisclosureProposal.objects.create(
                merchant=merchant, proposed_by=user, data=proposed
            )
    except IntegrityError:
        # A second submission racing the first (double click): the constraint caught it.
        raise ValidationError(
            _("A proposal is already waiting for review."), code="pending"
        ) from None


def _require_staff(user) -> None:
    if not (getattr(user, "is_authenticated", False) and user.is_staff):
        raise PermissionDenied(_("Only staff can do this."))


def _lock_proposal(proposal_id: int) -> tuple[Merchant, DisclosureProposal]:
    # Lock the merchant before the proposal, in the same order as every other writer.
    merchant_id = DisclosureProposal.objects.values_list("merchant_id", flat=True).get(
        pk=proposal_id
    )
    merchant = Merchant.objects.select_for_update().get(pk=merchant_id)
    proposal = DisclosureProposal.objects.select_for_update().get(pk=proposal_id)
    if proposal.state != DisclosureProposal.State.PENDING:
        raise ProposalAlreadyReviewed(
            _("Proposal %(id)d was already reviewed.") % {"id": proposal.pk}
        )
    return merchant, proposal


def _notify_proposal_reviewed(proposal: DisclosureProposal) -> None:
    user = proposal.proposed_by
    send_templated_email(
        to=user.email,
        template="merchants/email/proposal_reviewed",
        context={
            "merchant_name": proposal.merchant.display_name,
            "approved": proposal.state == DisclosureProposal.State.APPROVED,
            "note": proposal.review_note,
            "public_id": str(proposal.merchant.public_id),
        },
        language=user.preferred_language,
    )


@transaction.atomic
def proposal_approve(*, proposal_id: int, reviewer, note: str = "") -> DisclosureVersion | None:
    """Staff approve: the proposed values become a new version (source "proposal").

    Values are validated again against the disclosure as it stands now. When staff already made
    the same change, the proposal is approved without a new version (None is returned).
    """
    _require_staff(reviewer)
    merchant, proposal = _lock_proposal(proposal_id)
    version = _change_identity(
        merchant,
        actor=reviewer,
        data=proposal.data,
        source=DisclosureVersion.Source.PROPOSAL,
        proposal=proposal,
    )
    proposal.state = DisclosureProposal.State.APPROVED
    proposal.reviewed_by = reviewer
    proposal.reviewed_at = timezone.now()
    proposal.review_note = note.strip()
    proposal.save(update_fields=["state", "reviewed_by", "reviewed_at", "review_note"])
    _notify_proposal_reviewed(proposal)
    return version


@transaction.atomic
def proposal_reject(*, proposal_id: int, reviewer, note: str) -> DisclosureProposal:
    """Staff reject with a note the representative reads; the disclosure does not change."""
    _require_staff(reviewer)
    if not note.strip():
        raise ValidationError({"note": _("Say why the proposal is rejected.")})
    _merchant, proposal = _lock_proposal(proposal_id)
    proposal.state = DisclosureProposal.State.REJECTED
    proposal.reviewed_by = reviewer
    proposal.reviewed_at = timezone.now()
    proposal.review_note = note.strip()
    proposal.save(update_fields=["state", "reviewed_by", "reviewed_at", "review_note"])
    _notify_proposal_reviewed(proposal)
    return proposal


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


# --- Representatives ------------------------------------------------------------------------


@transaction.atomic
def representative_link(*, merchant_id: int, user, actor) -> MerchantRepresentative:
    """Staff make ``user`` (a merchant representative account) speak for a merchant."""
    _require_staff(actor)
    if user.role != user.Role.MERCHANT_REP:
        raise ValidationError(
            {"user": _("Only a merchant representative account can represent a merchant.")}
        )
    merchant = Merchant.objects.select_for_update().get(pk=merchant_id)
    link, _created = MerchantRepresentative.objects.get_or_create(user=user, merchant=merchant)
    return link


@transaction.atomic
def representative_unlink(*, representative_id: int, actor) -> None:
    _require_staff(actor)
    MerchantRepresentative.objects.filter(pk=representative_id).delete()


# --- Shops ----------------------------------------------------------------------------------


def _clean_shop(
    *, merchant: Merchant, name: str, url: str, platform: Merchant | None, shop_pk: int | None
) -> tuple[str, str, str]:
    errors: dict[str, str] = {}
    name = " ".join((name or "").split())
    if not name:
        errors["name"] = _("Enter the shop name.")
    elif len(name) > 300:
        errors["name"] = _("At most %(limit)d characters (this has %(length)d).") % {
            "limit": 300,
            "length": len(name),
        }
    url = (url or "").strip()
    normalized = ""
    try:
        normalized = normalize_shop_url(url)
    except InvalidURL as exc:
        errors["url"] = str(exc)
    if len(url) > 1000:
        errors["url"] = _("A shop URL has at most 1000 characters.")
    if "url" not in errors and "://" not in url:
        url = "https://" + url.lstrip("/")
    if platform is not None:
        if platform.pk == merchant.pk:
            errors["platform"] = _("A merchant's own website needs no platform.")
        elif not platform.roles.filter(role=MerchantRole.PLATFORM).exists():
            errors["platform"] = _("%(name)s does not have the platform operator role.") % {
                "name": platform.display_name
            }
    if normalized and "url" not in errors:
        duplicate = (
            Shop.objects.filter(merchant=merchant, url_normalized=normalized)
            .exclude(pk=shop_pk)
            .first()
        )
        if duplicate is not None:
            errors["url"] = _("This merchant already has this shop (%(name)s).") % {
                "name": duplicate.name
            }
    if errors:
        raise ValidationError(errors)
    return name, url, normalized


@transaction.atomic
def shop_create(
    *,
    merchant_id: int,
    name: str,
    url: str,
    platform_id: int | None = None,
    platform_shop_id: str = "",
    actor=None,
) -> Shop:
    merchant = Merchant.objects.select_for_update().get(pk=merchant_id)
    platform = Merchant.objects.get(pk=platform_id) if platform_id else None
    name, url, normalized = _clean_shop(
        merchant=merchant, name=name, url=url, platform=platform, shop_pk=None
    )
    return Shop.objects.create(
        merchant=merchant,
        platform=platform,
        name=name,
        url=url,
        url_normalized=normalized,
        platform_shop_id=(platform_shop_id or "").strip(),
    )


@transaction.atomic
def shop_update(
    *,
    shop_id: int,
    name: str,
    url: str,
    platform_id: int | None = None,
    platform_shop_id: str = "",
    actor=None,
) -> Shop:
    shop = Shop.objects.select_for_update().select_related("merchant").get(pk=shop_id)
    platform = Merchant.objects.get(pk=platform_id) if platform_id else None
    shop.name, shop.url, shop.url_normalized = _clean_shop(
        merchant=shop.merchant, name=name, url=url, platform=platform, shop_pk=shop.pk
    )
    shop.platform = platform
    shop.platform_shop_id = (platform_shop_id or "").strip()
    shop.save()
    return shop


@transaction.atomic
def shop_delete(*, shop_id: int, actor=None) -> None:
    Shop.objects.filter(pk=shop_id).delete()


# --- Links ----------------------------------------------------------------------------------

# The role the target of each kind of link must hold (and, for agent links, the source).
_LINK_TARGET_ROLE = {
    MerchantLink.Kind.AGENT_SUPPLIER: {MerchantRole.SUPPLIER},
    MerchantLink.Kind.SELLER_CARRIER: {MerchantRole.CARRIER},
    MerchantLink.Kind.SELLER_PLATFORM: {MerchantRole.PLATFORM},
}
_AGENT_ROLES = {MerchantRole.AGENT_SPOT, MerchantRole.AGENT_NON_SPOT}


def clean_link(
    *,
    source_id: int | None,
    source_name: str,
    source_roles: set[str],
    target: Merchant,
    kind: str,
    started_on: dt.date | None,
    ended_on: dt.date | None,
    note: str,
    link_pk: int | None,
) -> str:
    """Check a link before it is saved; the clean note back, or field errors. ``source_roles``
    are the source's roles as they will be (the admin saves roles and links in one go)."""
    errors: dict[str, str] = {}
    if kind not in MerchantLink.Kind.values:
        errors["kind"] = _("Choose the kind of link.")
    if source_id is not None and source_id == target.pk:
        errors["target"] = _("A merchant cannot be linked to itself.")
    elif kind in _LINK_TARGET_ROLE:
        target_roles = set(target.roles.values_list("role", flat=True))
        if not target_roles & _LINK_TARGET_ROLE[kind]:
            errors["target"] = _("%(name)s does not have the role this link needs (%(role)s).") % {
                "name": target.display_name,
                "role": ", ".join(str(MerchantRole(r).label) for r in _LINK_TARGET_ROLE[kind]),
            }
        if kind == MerchantLink.Kind.AGENT_SUPPLIER and not set(source_roles) & _AGENT_ROLES:
            errors["source"] = _("%(name)s is not a purchasing agent.") % {"name": source_name}
    if started_on and ended_on and ended_on < started_on:
        errors["ended_on"] = _("The end date is before the start date.")
    note = (note or "").strip()
    if len(note) > 300:
        errors["note"] = _("At most %(limit)d characters (this has %(length)d).") % {
            "limit": 300,
            "length": len(note),
        }
    if (
        not errors
        and source_id is not None
        and MerchantLink.objects.filter(
            source_id=source_id, target=target, kind=kind, started_on=started_on
        )
        .exclude(pk=link_pk)
        .exists()
    ):
        errors["target"] = _("This link is already recorded.")
    if errors:
        raise ValidationError(errors)
    return note


def _clean_link(*, source: Merchant, link_pk: int | None, **fields) -> str:
    return clean_link(
        source_id=source.pk,
        source_name=source.display_name,
        source_roles=set(source.roles.values_list("role", flat=True)),
        link_pk=link_pk,
        **fields,
    )


@transaction.atomic
def link_create(
    *,
    source_id: int,
    target_id: int,
    kind: str,
    started_on: dt.date | None = None,
    ended_on: dt.date | None = None,
    note: str = "",
    actor=None,
) -> MerchantLink:
    source = Merchant.objects.get(pk=source_id)
    target = Merchant.objects.get(pk=target_id)
    note = _clean_link(
        source=source,
        target=target,
        kind=kind,
        started_on=started_on,
        ended_on=ended_on,
        note=note,
        link_pk=None,
    )
    return MerchantLink.objects.create(
        source=source, target=target, kind=kind, started_on=started_on, ended_on=ended_on, note=note
    )


@transaction.atomic
def link_update(
    *,
    link_id: int,
    target_id: int,
    kind: str,
    started_on: dt.date | None = None,
    ended_on: dt.date | None = None,
    note: str = "",
    actor=None,
) -> MerchantLink:
    link = MerchantLink.objects.select_for_update().select_related("source").get(pk=link_id)
    target = Merchant.objects.get(pk=target_id)
    link.note = _clean_link(
        source=link.source,
        target=target,
        kind=kind,
        started_on=started_on,
        ended_on=ended_on,
        note=note,
        link_pk=link.pk,
    )
    link.target, link.kind, link.started_on, link.ended_on = target, kind, started_on, ended_on
    link.save()
    return link


@transaction.atomic
def link_delete(*, link_id: int, actor=None) -> None:
    MerchantLink.objects.filter(pk=link_id).delete()
