"""Reads of the public side: the open complaint data as published, and what complaints say
about shops nobody disclosed."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from django.db.models import Case, Count, F, Max, Min, Q, QuerySet, TextField, Value, When
from django.db.models.functions import Coalesce, NullIf

from complaints.models import Category, Complaint, PseudonymisedReason, Respondent
from merchants.normalize import InvalidURL, fold_for_search, normalize_shop_url
from merchants.selectors import looks_like_url, url_prefixes
from odr.models import CaseState

from .models import OpenComplaint


def open_complaints() -> QuerySet:
    """The published entries, newest first, as anyone may read them.

    The consumer's consents are checked here too, not only when the entry is refreshed: a
    withdrawal or an erasure hides the entry (or its narrative) at once, before the task that
    deletes it has run. ``narrative_shown`` is the narrative while its consent lasts."""
    return (
        OpenComplaint.objects.filter(complaint__publish_consent_at__isnull=False)
        .exclude(complaint__pseudonymised_reason=PseudonymisedReason.ERASURE)
        .select_related("merchant", "platform")
        .annotate(
            narrative_shown=Case(
                When(complaint__publish_narrative_consent_at__isnull=False, then=F("narrative")),
                default=Value(""),
                output_field=TextField(),
            )
        )
        .defer("narrative")
        .order_by("-submitted_on", "-id")
    )


# The complaints a warning lists by date, newest first; the count covers them all.
RECENT_SHOWN = 10

# A complaint names a shop in public only once a mediator accepted it at screening: a complaint
# still being screened (held ones among them) or rejected as out of scope names nobody.
_NOT_SCREENED_IN = (CaseState.SUBMITTED, CaseState.REJECTED)


def _category_label(code: str) -> str:
    return Category(code).label if code in Category.values else code


@dataclass(frozen=True)
class UndisclosedShop:
    """What the complaints naming a shop say, when no merchant of the directory has it."""

    complaints: int
    # (category code, number of complaints), the most frequent first.
    categories: list[tuple[str, int]]
    first_at: datetime
    latest_at: datetime
    # (submitted at, category code) of the latest complaints, at most RECENT_SHOWN.
    recent: list[tuple[datetime, str]]

    @property
    def labelled_categories(self) -> list[tuple[str, int]]:
        """The categories by their names, in the language being shown."""
        return [(_category_label(code), count) for code, count in self.categories]

    @property
    def labelled_recent(self) -> list[tuple[datetime, str]]:
        return [(submitted_at, _category_label(code)) for submitted_at, code in self.recent]


def _naming(query: str) -> Q | None:
    """Unlinked respondents named by ``query``: the same name (as the directory folds names),
    or for a link, the same shop, a shop the link lies under, or (for a link with a path, not
    a bare site, which may be a whole marketplace) a link below it."""
    query = (query or "").strip()
    if not query:
        return None
    if looks_like_url(query):
        try:
            normalized = normalize_shop_url(query)
        except InvalidURL:
            return None
        path = normalized.split("?", 1)[0]
        condition = Q(named_url_key__in=[normalized, *url_prefixes(normalized)])
        if "/" in path:
            condition |= Q(named_url_key__startswith=path + "/")
            condition |= Q(named_url_key__startswith=path + "?")
        return condition
    name = fold_for_search(query)
    return Q(named_name_key=name) if name else None


# The parties a warning is about: the shop and whoever sold through it. A marketplace named by
# the consumer is a platform, not the shop, and its bare address must not count for its sellers.
_SHOP_ROLES = (
    Respondent.Role.SELLER,
    Respondent.Role.PURCHASING_AGENT,
    Respondent.Role.ACTUAL_SUPPLIER,
)


def _naming_respondents(condition: Q) -> QuerySet[Respondent]:
    return Respondent.objects.filter(
        condition,
        merchant__isnull=True,
        role__in=_SHOP_ROLES,
        complaint__status=Complaint.Status.SUBMITTED,
        complaint__case__isnull=False,
    ).exclude(complaint__case__state__in=_NOT_SCREENED_IN)


def undisclosed_shop(query: str) -> UndisclosedShop | None:
    """The warning for a name or link the directory has no merchant for: how many screened
    complaints name it, their categories and dates; None when no complaint names it.

    Two queries, whatever the number of complaints (both from the partial indexes on the
    unlinked respondents' keys). The caller has already found no merchant for ``query``."""
    condition = _naming(query)
    if condition is None:
        return None
    respondents = _naming_respondents(condition)
    by_category = list(
        respondents.values("complaint__category")
        .annotate(
            n=Count("complaint", distinct=True),
            first=Min("complaint__submitted_at"),
            latest=Max("complaint__submitted_at"),
        )
        .order_by("-n", "complaint__category")
    )
    if not by_category:
        return None
    recent = (
        respondents.values_list("complaint__submitted_at", "complaint__category")
        .order_by("-complaint__submitted_at", "-complaint_id")
        .distinct()[:RECENT_SHOWN]
    )
    return UndisclosedShop(
        complaints=sum(row["n"] for row in by_category),
        categories=[(row["complaint__category"], row["n"]) for row in by_category],
        first_at=min(row["first"] for row in by_category),
        latest_at=max(row["latest"] for row in by_category),
        recent=list(recent),
    )


def undisclosed_shops_ranked() -> QuerySet:
    """The shops nobody disclosed, for mediators: each link (else name) that screened
    complaints give for a party still unlinked, with how many complaints and the latest,
    the most named first. Rows are dicts: key, name, link, complaints, latest_at."""
    key = Coalesce(NullIf("named_url_key", Value("")), "named_name_key")
    return (
        _naming_respondents(Q())
        .annotate(key=key)
        .values("key")
        .annotate(
            name=Max("named_name"),
            link=Max("named_url"),
            complaints=Count("complaint", distinct=True),
            latest_at=Max("complaint__submitted_at"),
        )
        .order_by("-complaints", "-latest_at", "key")
    )
