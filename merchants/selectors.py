"""Reads of merchants that more than one caller needs."""

from __future__ import annotations

import contextlib
import datetime as dt
import re
from urllib.parse import parse_qsl

from django.conf import settings
from django.db.models import (
    BooleanField,
    Count,
    Exists,
    ExpressionWrapper,
    OuterRef,
    Prefetch,
    Q,
    QuerySet,
)
from django.utils import timezone
from django.utils.module_loading import import_string

from .models import (
    DisclosureProposal,
    Merchant,
    MerchantLink,
    MerchantRoleAssignment,
    Shop,
    VerificationState,
)
from .normalize import (
    InvalidRegistrationNumber,
    InvalidURL,
    fold_for_search,
    normalize_registration_number,
    normalize_shop_url,
)


def merchant_ids_represented_by(user) -> set[int]:
    """Ids of the merchants ``user`` speaks for (empty for anyone who is not a representative)."""
    if not getattr(user, "is_authenticated", False):
        return set()
    return set(user.representations.values_list("merchant_id", flat=True))


def url_prefixes(normalized: str) -> list[str]:
    """``host/a/b?q`` -> [``host/a/b``, ``host/a``, ``host``]: the shops a link may sit under."""
    path = normalized.split("?", 1)[0]
    prefixes = []
    while path:
        prefixes.append(path)
        if "/" not in path:
            break
        path = path.rsplit("/", 1)[0]
    return prefixes


def shops_matching_url(raw_url: str) -> QuerySet[Shop]:
    """The shops a shop or product link belongs to; empty for a malformed link.

    Both sides are normalised (normalize_shop_url). The most specific match wins: the same
    address; else a shop whose address has the same path and a subset of the link's query
    parameters (``amazon.com/sp?seller=X`` for ``amazon.com/sp?ie=UTF8&seller=X``); else the
    shop whose address is the longest path prefix of the link (a product page under a shop's
    own site or store path). A bare platform host never answers for a path below it when a
    more specific shop exists.
    """
    try:
        normalized = normalize_shop_url(raw_url)
    except InvalidURL:
        return Shop.objects.none()
    shops = Shop.objects.select_related("merchant", "platform")
    exact = shops.filter(url_normalized=normalized)
    if exact.exists():
        return exact
    path, _sep, query = normalized.partition("?")
    if query:
        params = set(parse_qsl(query))
        subset_ids = [
            pk
            for pk, stored in Shop.objects.filter(
                url_normalized__startswith=path + "?"
            ).values_list("pk", "url_normalized")[:200]
            if set(parse_qsl(stored.partition("?")[2])) <= params
        ]
        if subset_ids:
            return shops.filter(pk__in=subset_ids)
    candidates = url_prefixes(normalized)
    found = set(
        Shop.objects.filter(url_normalized__in=candidates).values_list("url_normalized", flat=True)
    )
    for prefix in candidates:  # longest first
        if prefix in found:
            return shops.filter(url_normalized=prefix)
    return Shop.objects.none()


_URL_LIKE = re.compile(r"^(?:https?://|www\.)|^[^\s/@]+\.[^\s/@.]{2,}(?:[:/?#]|$)", re.IGNORECASE)


def looks_like_url(text: str) -> bool:
    """Whether a search is a pasted link rather than a name (``Example Ltd.`` is a name)."""
    text = (text or "").strip()
    return bool(text) and not any(ch.isspace() for ch in text) and bool(_URL_LIKE.search(text))


def _with_roles(queryset: QuerySet[Merchant]) -> QuerySet[Merchant]:
    return queryset.prefetch_related(
        Prefetch("roles", queryset=MerchantRoleAssignment.objects.order_by("role"))
    )


def directory_miss(query: str):
    """What is known about a name or link the directory has no merchant for, or None.

    The complaints that name such a shop live in apps above this one, so the function comes
    from settings.DIRECTORY_MISS_LOOKUP (transparency.selectors.undisclosed_shop). It returns
    None or an object with ``complaints`` (a count), ``categories`` ((code, count) pairs),
    ``first_at``, ``latest_at`` and ``recent`` ((submitted at, category code) pairs)."""
    lookup = getattr(settings, "DIRECTORY_MISS_LOOKUP", "")
    if not lookup or not (query or "").strip():
        return None
    return import_string(lookup)(query)


def merchants_search(
    *,
    base: QuerySet[Merchant] | None = None,
    q: str = "",
    country: str = "",
    role: str = "",
    verification_state: str = "",
    registration_number: str = "",
    shop_url: str = "",
) -> QuerySet[Merchant]:
    """The public directory: ``q`` matches a name in any script (partial), a registration
    number (spaces, dashes and case ignored) or a shop/product link; the other arguments are
    exact filters that callers have validated. ``base`` narrows (or prefetches on) the start."""
    merchants = Merchant.objects.all() if base is None else base
    q = (q or "").strip()
    if q:
        match = Q(search_text__contains=fold_for_search(q))
        with contextlib.suppress(InvalidRegistrationNumber):
            match |= Q(registration_number_normalized=normalize_registration_number(q))
        if looks_like_url(q):
            match |= Q(pk__in=shops_matching_url(q).values("merchant_id"))
        merchants = merchants.filter(match)
    if registration_number:
        try:
            normalized = normalize_registration_number(registration_number)
        except InvalidRegistrationNumber:
            return Merchant.objects.none()
        merchants = merchants.filter(registration_number_normalized=normalized)
    if shop_url:
        merchants = merchants.filter(pk__in=shops_matching_url(shop_url).values("merchant_id"))
    if country:
        merchants = merchants.filter(country=country.upper())
    if role:
        merchants = merchants.filter(
            Exists(MerchantRoleAssignment.objects.filter(merchant=OuterRef("pk"), role=role))
        )
    if verification_state:
        merchants = merchants.filter(verification_state=verification_state)
    return _with_roles(merchants.order_by("legal_name", "pk"))


def merchant_for_public_page(public_id) -> Merchant:
    """One merchant with its roles; its shops, links and history are paged separately."""
    return _with_roles(Merchant.objects.all()).get(public_id=public_id)


def merchant_shops(merchant: Merchant) -> QuerySet[Shop]:
    return merchant.shops.select_related("platform").order_by("name", "pk")


def merchant_links(merchant: Merchant) -> QuerySet[MerchantLink]:
    """Links in both directions (agent -> supplier, seller -> carrier, seller -> platform)."""
    return (
        MerchantLink.objects.filter(Q(source=merchant) | Q(target=merchant))
        .select_related("source", "target")
        .order_by("kind", "source__legal_name", "target__legal_name", "pk")
    )


def disclosure_history(merchant: Merchant) -> QuerySet:
    """The merchant's versions, newest first (the public history)."""
    return merchant.versions.order_by("-number")


def pending_proposal(merchant: Merchant) -> DisclosureProposal | None:
    return merchant.proposals.filter(state=DisclosureProposal.State.PENDING).first()


def merchants_for_representative(user) -> QuerySet[Merchant]:
    """The merchants ``user`` represents, each with its pending proposal count."""
    return _with_roles(
        Merchant.objects.filter(pk__in=merchant_ids_represented_by(user)).annotate(
            pending_proposals=Count(
                "proposals", filter=Q(proposals__state=DisclosureProposal.State.PENDING)
            )
        )
    ).order_by("legal_name", "pk")


def merchants_expiring_within(
    queryset: QuerySet[Merchant], *, days: int = 30, now: dt.datetime | None = None
) -> QuerySet[Merchant]:
    """Verified merchants whose verification ends within ``days``."""
    now = now or timezone.now()
    return queryset.filter(
        verification_state=VerificationState.VERIFIED,
        verification_expires_at__gt=now,
        verification_expires_at__lte=now + dt.timedelta(days=days),
    )


def likely_duplicate_condition() -> Q:
    """Another merchant has the same normalised registration number in the same country, or a
    shop with the same normalised URL."""
    same_number = Q(
        Exists(
            Merchant.objects.filter(
                country=OuterRef("country"),
                registration_number_normalized=OuterRef("registration_number_normalized"),
            ).exclude(pk=OuterRef("pk"))
        )
    ) & ~Q(registration_number_normalized="")
    shared_urls = (
        Shop.objects.values("url_normalized")
        .annotate(merchants=Count("merchant", distinct=True))
        .filter(merchants__gt=1)
        .values("url_normalized")
    )
    same_shop = Exists(Shop.objects.filter(merchant=OuterRef("pk"), url_normalized__in=shared_urls))
    return same_number | Q(same_shop)


def merchants_with_duplicate_flag(queryset: QuerySet[Merchant]) -> QuerySet[Merchant]:
    return queryset.annotate(
        likely_duplicate=ExpressionWrapper(
            likely_duplicate_condition(), output_field=BooleanField()
        )
    )
