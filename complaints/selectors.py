"""Reads of complaints: lists for consumers and representatives, who may see what, and the
directory candidates offered on the respondents step."""

from __future__ import annotations

import uuid
from datetime import datetime, timedelta

from django.conf import settings
from django.core.exceptions import ObjectDoesNotExist
from django.db.models import (
    Count,
    Prefetch,
    Q,
    QuerySet,
)

from merchants.models import Merchant, Shop
from merchants.selectors import merchants_search, shops_matching_url

from .models import Complaint, EvidenceItem, HoldDecision, HoldReason, PurchaseMode, Respondent
from .respondents import REQUIRED_SLOT, Party

# The respondents step offers at most this many directory matches: a consumer picks from a
# short list and refines the search rather than scrolling a long one.
CANDIDATE_LIMIT = 10


def missing_steps(complaint: Complaint) -> list[str]:
    """The wizard steps that still lack what submission requires (empty when complete)."""
    missing = []
    if not (
        complaint.purchase_mode
        and complaint.item_description
        and complaint.amount is not None
        and complaint.currency
        and complaint.order_date
    ):
        missing.append("purchase")
    if not (complaint.category and complaint.description):
        missing.append("problem")
    if not complaint.remedy:
        missing.append("remedy")
    if not complaint.respondents.exists():
        missing.append("respondents")
    return missing


def not_held(prefix: str = "") -> Q:
    """Complaints that count: never held, or held and accepted by a mediator. ``prefix`` is the
    path to the complaint from the model queried (``"complaint__"`` from a respondent)."""
    return Q(**{f"{prefix}held_at__isnull": True}) | Q(
        **{f"{prefix}hold_decision": HoldDecision.ACCEPTED}
    )


def flood_hold_reason(complaint: Complaint, *, consumer, now: datetime) -> str:
    """Why this complaint, about to be submitted, is held for screening ("" when it is not).

    Complaint flooding is many complaints from one account against one merchant in a short
    time: the REDRESS_FLOOD_COMPLAINTS-th complaint against a merchant within
    REDRESS_FLOOD_WINDOW_HOURS is held, and so is any complaint beyond the first against a
    merchant from an account younger than REDRESS_FLOOD_NEW_ACCOUNT_HOURS. Only respondents
    linked to a merchant count: the credit of a name the consumer typed is never computed.
    """
    merchant_ids = set(
        complaint.respondents.filter(merchant__isnull=False).values_list("merchant_id", flat=True)
    )
    if not merchant_ids:
        return ""
    earlier = Complaint.objects.filter(
        consumer=consumer,
        status=Complaint.Status.SUBMITTED,
        respondents__merchant_id__in=merchant_ids,
    ).exclude(pk=complaint.pk)
    window = timedelta(hours=settings.REDRESS_FLOOD_WINDOW_HOURS)
    recent = (
        earlier.filter(submitted_at__gt=now - window)
        .values("respondents__merchant_id")
        .annotate(n=Count("pk", distinct=True))
        .order_by()
        .values_list("n", flat=True)
    )
    if max(recent, default=0) + 1 >= settings.REDRESS_FLOOD_COMPLAINTS:
        return HoldReason.REPEATED
    young = timedelta(hours=settings.REDRESS_FLOOD_NEW_ACCOUNT_HOURS)
    if consumer.date_joined > now - young and earlier.exists():
        return HoldReason.NEW_ACCOUNT
    return ""


def case_of(complaint: Complaint):
    """The complaint's ODR case, or None before one is opened."""
    try:
        return complaint.case
    except ObjectDoesNotExist:
        return None


def complaints_of_consumer(user) -> QuerySet[Complaint]:
    """The consumer's complaints, drafts included, most recently active first (the complaint
    written, evidence added, its case changed: ``last_activity_at``), with their case. Read
    from the index on (consumer, last activity): a page costs the same whatever the number of
    complaints it does not show."""
    return (
        Complaint.objects.filter(consumer=user)
        .select_related("case")
        .order_by("-last_activity_at", "-pk")
    )


def forwarded_to_merchants(prefix: str = "") -> Q:
    """Complaints a mediator has forwarded to the merchants they name: submitted, accepted at
    screening (``accepted_at`` is set by the case's accept and never cleared, so a complaint
    withdrawn or closed after that stays forwarded) and not held for screening. Draft, not yet
    screened, rejected and held complaints are never forwarded. ``prefix`` is the path to the
    complaint from the model queried (``"complaint__"`` from a case or an evidence item)."""
    return Q(
        not_held(prefix),
        **{
            f"{prefix}status": Complaint.Status.SUBMITTED,
            f"{prefix}case__accepted_at__isnull": False,
        },
    )


def complaints_for_representative(user) -> QuerySet[Complaint]:
    """Everything a merchant representative may see of complaints, and the only place that
    says so: the forwarded complaints with a respondent linked to a merchant ``user``
    represents. The list and page of complaints about their business, evidence downloads and
    the case pages all read it; each complaint carries ``named_respondents``, the rows naming
    those merchants."""
    if not getattr(user, "is_authenticated", False):
        return Complaint.objects.none()
    represented = user.representations.values("merchant_id")
    naming = Respondent.objects.filter(merchant_id__in=represented)
    return (
        Complaint.objects.filter(forwarded_to_merchants(), pk__in=naming.values("complaint_id"))
        .select_related("case")
        .prefetch_related(
            Prefetch(
                "respondents",
                queryset=naming.select_related("merchant"),
                to_attr="named_respondents",
            )
        )
        .order_by("-submitted_at", "-pk")
    )


def evidence_downloadable_by(user) -> QuerySet[EvidenceItem]:
    """Evidence files ``user`` may download: the complaint's consumer, representatives of a
    merchant it was forwarded to, and staff allowed to view evidence."""
    # An erased item has no file any more (and may still be waiting for its deletion).
    files = EvidenceItem.objects.filter(
        kind=EvidenceItem.Kind.FILE, erased_at__isnull=True
    ).select_related("complaint")
    if not getattr(user, "is_authenticated", False):
        return files.none()
    if user.is_staff and user.has_perm("complaints.view_evidenceitem"):
        return files
    return files.filter(
        Q(complaint__consumer=user) | Q(complaint__in=complaints_for_representative(user))
    )


def shop_for_url(raw_url: str) -> Shop | None:
    """The directory shop a link points into (the merchants app's matching rules)."""
    return shops_matching_url(raw_url).order_by("pk").first()


def merchant_candidates(query: str, *, limit: int = CANDIDATE_LIMIT) -> list[Merchant]:
    """Merchants matching a shop link, a name in any script, a registration number (the public
    directory's search) or the name of one of their shops."""
    text = " ".join((query or "").split())
    if not text:
        return []
    by_directory = merchants_search(q=text).values("pk")
    by_shop_name = Shop.objects.filter(name__icontains=text).values("merchant_id")
    return list(
        Merchant.objects.filter(Q(pk__in=by_directory) | Q(pk__in=by_shop_name))
        .prefetch_related("roles")
        .order_by("legal_name", "pk")[:limit]
    )


def merchants_by_public_id(public_ids) -> dict[str, Merchant]:
    """Directory merchants by public id; values that are not ids are ignored."""
    ids = []
    for value in public_ids:
        try:
            ids.append(str(uuid.UUID(str(value))))
        except ValueError:
            continue
    if not ids:
        return {}
    found = Merchant.objects.filter(public_id__in=ids).prefetch_related("roles")
    return {str(merchant.public_id): merchant for merchant in found}


def _stored_parties(complaint: Complaint, respondents: list[Respondent]) -> dict[str, Party]:
    """The parties as the consumer last saved them, read back from the stored proposal."""
    parties: dict[str, Party] = {}
    for r in respondents:
        party = Party(merchant=r.merchant, name=r.named_name, url=r.named_url)
        if r.role == Respondent.Role.PLATFORM_OPERATOR:
            parties["platform"] = party
        elif r.role == Respondent.Role.PURCHASING_AGENT:
            parties["agent"] = party
        elif r.role == Respondent.Role.SELLER:
            slot = "agent" if complaint.purchase_mode == PurchaseMode.AGENT_SPOT else "seller"
            parties[slot] = party
    return parties


def _guessed_parties(complaint: Complaint) -> dict[str, Party]:
    """First visit: the parties suggested by the purchase step (the shop link found in the
    directory, otherwise the names as typed)."""
    mode = complaint.purchase_mode
    shop = shop_for_url(complaint.shop_url) if complaint.shop_url else None
    main = REQUIRED_SLOT[mode]
    typed_name = (
        complaint.agent_name or complaint.shop_name
        if main == "agent"
        else complaint.shop_name or complaint.agent_name
    )
    parties = {
        main: Party(
            merchant=shop.merchant if shop else None, name=typed_name, url=complaint.shop_url
        )
    }
    if shop and shop.platform:
        parties["platform"] = Party(merchant=shop.platform)
    elif complaint.platform_name:
        parties["platform"] = Party(name=complaint.platform_name)
    return parties


def respondent_parties(complaint: Complaint) -> tuple[dict[str, Party], bool]:
    """The parties for the respondents step, by slot, and whether they come from a saved
    proposal (otherwise they are guessed from the purchase step)."""
    stored = list(complaint.respondents.select_related("merchant"))
    if stored:
        parties = _stored_parties(complaint, stored)
        if "platform" not in parties:
            # The rule added no platform (the seller's identity is adequate): the one the
            # consumer chose from the directory, else the one the purchase step gave, is still
            # shown, not dropped.
            if complaint.platform_merchant_id:
                parties["platform"] = Party(merchant=complaint.platform_merchant)
            elif "platform" in (guessed := _guessed_parties(complaint)):
                parties["platform"] = guessed["platform"]
        return parties, True
    return _guessed_parties(complaint), False
