"""A merchant's identity: completeness, clean values, creation, staff edits and the disclosure
versions they write.

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

from django.core.exceptions import ValidationError
from django.core.validators import EmailValidator, URLValidator
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django_countries import countries

from core import integrity
from core.text import clean_text

from ..integrity import DISCLOSURE_VERSIONS
from ..models import (
    DisclosureProposal,
    DisclosureVersion,
    Merchant,
    MerchantRole,
    MerchantRoleAssignment,
    VerificationState,
)
from ..normalize import InvalidRegistrationNumber, fold_for_search, normalize_registration_number
from .verification import _set_verification

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

MAX_TRADE_NAMES = 20
MAX_ADDRESS_LENGTH = 1000

_PHONE = re.compile(r"^\+?[0-9 ()./-]+(?:\s*(?:ext\.?|x|#|转)\s*[0-9]{1,6})?$", re.IGNORECASE)


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
