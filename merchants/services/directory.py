"""Who speaks for a merchant (representatives), its shops and its links to other merchants."""

from __future__ import annotations

import datetime as dt

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from ..models import Merchant, MerchantLink, MerchantRepresentative, MerchantRole, Shop
from ..normalize import InvalidURL, normalize_shop_url
from ._common import _require_staff

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
