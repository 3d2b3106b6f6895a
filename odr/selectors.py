"""Reads of cases that more than one caller needs."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from decimal import Decimal

from django.conf import settings
from django.contrib.auth import get_user_model
from django.db.models import Case as CaseWhen
from django.db.models import Count, Exists, F, OuterRef, Q, QuerySet, Value, When
from django.db.models.functions import TruncDate
from django.utils import timezone
from django.utils.translation import gettext as _

from complaints.models import Complaint, Remedy, Respondent
from complaints.selectors import complaints_for_representative, forwarded_to_merchants, not_held
from core.cache import kept
from core.money import format_money
from merchants.models import Merchant

from .models import OPEN_STATES, Case, CaseRating, CaseState, CollectiveCase, Notification, Party


@dataclass(frozen=True)
class FullClaim:
    """What the complaint asks for, as a merchant accepting the claim settles it."""

    terms: str
    amount: Decimal | None
    currency: str

    @property
    def text(self) -> str:
        """The claim in a few words: its amount, or its kind where it asks for no money."""
        return format_money(self.amount, self.currency) or self.terms


def full_claim(complaint: Complaint) -> FullClaim:
    """The consumer's full claim: the amount claimed (the price paid for a refund that names
    no amount), or none for a replacement or a repair."""
    amount = complaint.remedy_amount
    if amount is None and complaint.remedy == Remedy.REFUND:
        amount = complaint.amount
    if amount is not None and amount <= 0:
        amount = None
    claim = complaint.get_remedy_display() if complaint.remedy else _("The consumer's claim")
    terms = f"{claim}: {complaint.remedy_details}" if complaint.remedy_details else claim
    return FullClaim(
        terms=terms, amount=amount, currency=complaint.currency if amount is not None else ""
    )


def credit_case_rows() -> QuerySet:
    """What the credit engine reads: one row per (linked merchant, case) as plain values.

    Columns: merchant_id, case_id, state, outcome, accepted_at, merchant_response_due_at,
    merchant_responded_at, closed_at, settlement_due_at, settlement_paid_at, amount, currency,
    category. Unlinked respondents (only named by the consumer) never appear: no credit is
    computed for a name. A merchant named twice on one complaint (say, as agent and as seller)
    appears once per role; callers that count cases use ``case_id`` distinctly.

    This is the only way credit reads ODR data, so the ODR services must keep these columns true:
    accepted_at when screening accepts, merchant_response_due_at/merchant_responded_at for the
    first answer, outcome and closed_at when a case closes, and the settlement's due and paid
    times.
    """
    return (
        Respondent.objects.filter(merchant__isnull=False, complaint__case__isnull=False)
        # A complaint held for screening (flooding) moves no credit until a mediator accepts it.
        .filter(not_held("complaint__"))
        .annotate(
            case_id=F("complaint__case__id"),
            state=F("complaint__case__state"),
            outcome=F("complaint__case__outcome"),
            accepted_at=F("complaint__case__accepted_at"),
            merchant_response_due_at=F("complaint__case__merchant_response_due_at"),
            merchant_responded_at=F("complaint__case__merchant_responded_at"),
            closed_at=F("complaint__case__closed_at"),
            settlement_due_at=F("complaint__case__settlement__due_at"),
            settlement_paid_at=F("complaint__case__settlement__paid_confirmed_at"),
            amount=F("complaint__amount"),
            currency=F("complaint__currency"),
            category=F("complaint__category"),
        )
        .values(
            "merchant_id",
            "case_id",
            "state",
            "outcome",
            "accepted_at",
            "merchant_response_due_at",
            "merchant_responded_at",
            "closed_at",
            "settlement_due_at",
            "settlement_paid_at",
            "amount",
            "currency",
            "category",
        )
    )


def merchant_case_ratings(merchant_ids) -> dict[int, dict]:
    """Consumers' ratings of how their cases were handled, per linked merchant:
    ``{merchant_id: {"average": 4.2, "count": 5}}`` (merchants without ratings are absent).

    One row per (merchant, case): a merchant named twice on one complaint (as agent and as
    seller) must not weigh that consumer's rating twice in its average. Only complaints
    forwarded to the merchant count: one rejected at screening, withdrawn before it was
    accepted or held never reached the merchant, so its rating says nothing about it."""
    rows = (
        CaseRating.objects.filter(case__complaint__respondents__merchant_id__in=merchant_ids)
        .filter(forwarded_to_merchants("case__complaint__"))
        .values_list("case__complaint__respondents__merchant_id", "case_id", "score")
        .distinct()
        .order_by()
    )
    scores: dict[int, list[int]] = {}
    for merchant_id, _case_id, score in rows:
        scores.setdefault(merchant_id, []).append(score)
    return {
        merchant_id: {"average": round(sum(values) / len(values), 1), "count": len(values)}
        for merchant_id, values in scores.items()
    }


# --- who sees what ------------------------------------------------------------------------


def linked_merchant_ids(case: Case) -> set[int]:
    """Merchants linked as respondents of the case (named-only respondents have none)."""
    return set(
        Respondent.objects.filter(
            complaint_id=case.complaint_id, merchant__isnull=False
        ).values_list("merchant_id", flat=True)
    )


def linked_merchant_ids_of(cases) -> dict[int, set[int]]:
    """``linked_merchant_ids`` of many cases in one query: {case id: merchant ids}."""
    case_of = {case.complaint_id: case.pk for case in cases}
    linked: dict[int, set[int]] = {pk: set() for pk in case_of.values()}
    rows = Respondent.objects.filter(
        complaint_id__in=list(case_of), merchant__isnull=False
    ).values_list("complaint_id", "merchant_id")
    for complaint_id, merchant_id in rows:
        linked[case_of[complaint_id]].add(merchant_id)
    return linked


def cases_visible_to(user) -> QuerySet[Case]:
    """Cases the user is a party to: their own complaints, or the complaints forwarded to a
    merchant they represent (complaints.selectors.complaints_for_representative: accepted at
    screening and not held; never one still being screened, rejected or held)."""
    if not getattr(user, "is_authenticated", False):
        return Case.objects.none()
    return Case.objects.filter(
        Q(complaint__consumer=user) | Q(complaint__in=complaints_for_representative(user))
    )


def party_of(case: Case, user) -> str | None:
    """The side ``user`` is on: consumer, merchant, or None for anyone else."""
    if not getattr(user, "is_authenticated", False):
        return None
    if case.complaint.consumer_id == user.pk:
        return Party.CONSUMER
    if complaints_for_representative(user).filter(pk=case.complaint_id).exists():
        return Party.MERCHANT
    return None


def case_for_party(reference: str, user) -> tuple[Case, str] | None:
    """The case with this reference and the viewer's side, or None when the viewer is not a
    party (the page then answers 404, so a case's existence does not leak)."""
    case = (
        Case.objects.select_related("complaint", "complaint__consumer", "mediator")
        .filter(complaint__reference=reference)
        .first()
    )
    if case is None:
        return None
    party = party_of(case, user)
    return (case, party) if party else None


def dossier_case(reference: str, user) -> Case | None:
    """The case of ``reference`` if ``user`` may read its dossier (its consumer, staff who may
    view cases), with its complaint and consumer; None otherwise."""
    case = (
        Case.objects.select_related("complaint", "complaint__consumer", "mediator")
        .filter(complaint__reference=reference)
        .first()
    )
    if case is None or not can_read_dossier(case, user):
        return None
    return case


def can_read_dossier(case: Case, user) -> bool:
    if not getattr(user, "is_authenticated", False):
        return False
    if case.complaint.consumer_id == user.pk:
        return True
    return user.is_staff and user.has_perm("odr.view_case")


# --- mediators ----------------------------------------------------------------------------


def mediators_by_load(language: str = "") -> QuerySet:
    """Active mediators, those who read ``language`` first, then the fewest open cases."""
    from accounts.roles import MEDIATORS_GROUP

    User = get_user_model()
    return (
        User.objects.filter(
            is_active=True, is_staff=True, role=User.Role.MEDIATOR, groups__name=MEDIATORS_GROUP
        )
        .annotate(
            load=Count("mediated_cases", filter=Q(mediated_cases__state__in=OPEN_STATES)),
            language_rank=CaseWhen(When(preferred_language=language, then=Value(0)), default=1),
        )
        .order_by("language_rank", "load", "pk")
    )


# --- deadlines ----------------------------------------------------------------------------

# A passing deadline of these kinds moves the case; screening has no automatic move (only a
# mediator can accept or reject), so an overdue screening stays in the admin queue as overdue.
EXPIRING_KINDS = (
    Case.DeadlineKind.CONSUMER_INFO,
    Case.DeadlineKind.MERCHANT_RESPONSE,
    Case.DeadlineKind.NEGOTIATION,
    Case.DeadlineKind.MEDIATION,
    Case.DeadlineKind.FULFILMENT,
)
# Screening is short and is the mediators' own queue: no reminder for it.
REMINDED_KINDS = EXPIRING_KINDS


def cases_overdue(now: datetime) -> QuerySet[Case]:
    # Oldest deadline first: after an outage the sweep works through a backlog in batches, and
    # whoever waited longest is served first (and a run cut short leaves the newest behind).
    return Case.objects.filter(
        state__in=OPEN_STATES, deadline_at__lte=now, deadline_kind__in=EXPIRING_KINDS
    ).order_by("deadline_at", "pk")


def cases_due_for_reminder(now: datetime) -> QuerySet[Case]:
    return (
        Case.objects.filter(
            state__in=OPEN_STATES,
            deadline_kind__in=REMINDED_KINDS,
            deadline_at__gt=now,
            deadline_at__lte=now + settings.REDRESS_REMINDER_BEFORE,
        )
        .filter(Q(reminder_sent_for__isnull=True) | ~Q(reminder_sent_for=F("deadline_at")))
        .order_by("deadline_at", "pk")
    )


# A withdrawal right lasts at most fourteen days and twelve months from delivery
# (complaints.rights): older deliveries have none left to remind of.
RIGHTS_LOOKBACK = timedelta(days=14 + 366 + 1)


def cases_with_rights_to_remind(today) -> QuerySet[Case]:
    """Open cases whose consumer said where they live and when the goods arrived, recently
    enough that a withdrawal right may still run; complaints.rights says which do."""
    return (
        Case.objects.filter(
            state__in=OPEN_STATES,
            complaint__delivery="delivered",
            complaint__delivery_date__gte=today - RIGHTS_LOOKBACK,
        )
        .exclude(complaint__consumer_country="")
        .order_by("pk")
    )


# How far back the sweep looks for submitted complaints without a case. A case is opened
# within seconds of submission, or by the next sweep after an outage; looking at every complaint
# ever submitted, every minute, cost over a second per sweep once there were a million of them
# (a week of complaints is read through the submission index in a few milliseconds).
CASE_OPENING_LOOKBACK = timedelta(days=7)


def complaints_without_case(now: datetime | None = None) -> QuerySet[Complaint]:
    """Submitted complaints whose case was never opened (the broker was down, say), among
    those submitted in the last CASE_OPENING_LOOKBACK."""
    since = (now or timezone.now()) - CASE_OPENING_LOOKBACK
    # NOT EXISTS rather than a LEFT JOIN: the sweep locks these rows (FOR UPDATE), which
    # PostgreSQL refuses on the nullable side of an outer join.
    return (
        Complaint.objects.filter(status=Complaint.Status.SUBMITTED, submitted_at__gte=since)
        .filter(~Exists(Case.objects.filter(complaint=OuterRef("pk"))))
        # The submission index's order (sorting by the newest first, the model's ordering,
        # made PostgreSQL read every row it looked at).
        .order_by("submitted_at", "pk")
    )


# --- notifications ------------------------------------------------------------------------


# The page header counts unread notifications up to this many ("99+" beyond): a count that
# reads every unread row would grow with them on every page.
UNREAD_COUNT_LIMIT = 100


def unread_notification_count(user) -> int:
    """The user's unread notifications, counted up to UNREAD_COUNT_LIMIT."""
    unread = Notification.objects.filter(user=user, read_at__isnull=True).order_by()
    return unread.values("pk")[:UNREAD_COUNT_LIMIT].count()


# --- the mediators' desk ------------------------------------------------------------------

DUE_SOON = timedelta(hours=48)


def desk_counts(user, *, now: datetime | None = None) -> dict:
    """What the desk's quick filters and the dashboard count, for ``user`` (a mediator): open
    cases assigned to them, unassigned, overdue, due within 48 hours, held for screening,
    waiting on the consumer's answer, open cases by stage, and cases opened on each of the last
    seven days (oldest first).

    The mediator's own count is one query on ``odr_case_desk_counts_idx``. The others count
    every open case (four queries, each answered from an index whatever the number of closed
    cases) and are the same for every mediator: they are kept in the cache for
    ODR_DESK_CACHE_SECONDS, so a desk page counts them at most that often."""
    now = now or timezone.now()
    mine = Case.objects.filter(state__in=OPEN_STATES, mediator=user).count()
    shared = desk_cached(DESK_COUNTS_KEY, lambda: _shared_desk_counts(now))
    return {**shared, "mine": mine, "kept_seconds": settings.ODR_DESK_CACHE_SECONDS}


DESK_COUNTS_KEY = "odr:desk:counts"


def desk_cached(key: str, compute):
    """``compute()``, kept in the cache under ``key`` for ODR_DESK_CACHE_SECONDS (0: not kept;
    the cache unreachable: computed each time)."""
    return kept(key, compute, seconds=settings.ODR_DESK_CACHE_SECONDS)


def _shared_desk_counts(now: datetime) -> dict:
    open_cases = Case.objects.filter(state__in=OPEN_STATES)
    counts = open_cases.aggregate(
        open=Count("pk"),
        unassigned=Count("pk", filter=Q(mediator__isnull=True)),
        overdue=Count("pk", filter=Q(deadline_at__lte=now)),
        due_soon=Count("pk", filter=Q(deadline_at__gt=now, deadline_at__lte=now + DUE_SOON)),
        awaiting_consumer=Count("pk", filter=Q(awaiting_consumer_info=True)),
    )
    # Joined from the few held complaints, not from every open case.
    counts["held"] = Complaint.objects.filter(
        held_at__isnull=False, hold_decision="", case__state__in=OPEN_STATES
    ).count()
    counts["by_state"] = dict(
        open_cases.order_by().values_list("state").annotate(n=Count("pk")).values_list("state", "n")
    )
    today = timezone.localdate(now)
    first = today - timedelta(days=6)
    start = timezone.make_aware(datetime.combine(first, datetime.min.time()))
    opened = dict(
        Case.objects.filter(created_at__gte=start)
        .order_by()
        .annotate(day=TruncDate("created_at"))
        .values_list("day")
        .annotate(n=Count("pk"))
        .values_list("day", "n")
    )
    counts["opened_per_day"] = [
        (first + timedelta(days=i), opened.get(first + timedelta(days=i), 0)) for i in range(7)
    ]
    return counts


# --- collective cases ---------------------------------------------------------------------

# The states in which a case may join a collective case or get the group's offer: screened in
# and not yet settled or closed.
JOINABLE_STATES = frozenset(
    {CaseState.AWAITING_MERCHANT, CaseState.NEGOTIATION, CaseState.MEDIATION}
)
# The roles whose merchant a collective case is against: the seller, else the agent who answers
# for the order as one.
_SELLER_ROLES = (Respondent.Role.SELLER, Respondent.Role.PURCHASING_AGENT)
# Cases grouped together were filed within this many days of each other's window, and a group
# is suggested from this many open cases against one merchant for one problem.
COLLECTIVE_WINDOW_DAYS = 90
COLLECTIVE_MIN_CASES = 3


def seller_of(respondents) -> Respondent | None:
    """Of a complaint's respondents, the one linked to the directory merchant the case is
    against: its seller, else its purchasing agent (the first of that role)."""
    linked = sorted((r for r in respondents if r.merchant_id), key=lambda r: r.pk)
    for role in _SELLER_ROLES:
        for respondent in linked:
            if respondent.role == role:
                return respondent
    return None


def seller_merchant_id(case: Case) -> int | None:
    """The id of the directory merchant the case is against (``seller_of``)."""
    seller = seller_of(
        Respondent.objects.filter(
            complaint_id=case.complaint_id, role__in=_SELLER_ROLES, merchant__isnull=False
        ).only("pk", "role", "merchant_id")
    )
    return seller.merchant_id if seller else None


def merchant_by_id(merchant_id: int) -> Merchant:
    return Merchant.objects.get(pk=merchant_id)


def joinable_collective(case: Case):
    """The open collective case this case could join (same seller, same problem), with the
    number of its members as ``members_count``; None when there is none or it already is in
    one. Two queries."""
    if case.collective_id or case.state not in JOINABLE_STATES:
        return None
    merchant_id = seller_merchant_id(case)
    if merchant_id is None:
        return None
    return (
        CollectiveCase.objects.filter(
            merchant_id=merchant_id,
            category=case.complaint.category,
            lead__state__in=JOINABLE_STATES,
        )
        .annotate(members_count=Count("members"))
        .order_by("-members_count", "pk")
        .first()
    )


def collective_suggestions(*, now: datetime, limit: int = 50) -> list[dict]:
    """Groups a mediator could make: COLLECTIVE_MIN_CASES or more open cases, not yet grouped,
    against one seller for one problem, submitted within COLLECTIVE_WINDOW_DAYS. Rows:
    merchant_id, category, cases (their ids, oldest first), the most cases first."""
    rows = (
        Respondent.objects.filter(
            role=Respondent.Role.SELLER,
            merchant__isnull=False,
            complaint__case__state__in=JOINABLE_STATES,
            complaint__case__collective__isnull=True,
            complaint__submitted_at__gte=now - timedelta(days=COLLECTIVE_WINDOW_DAYS),
        )
        .values("merchant_id", "complaint__category")
        .annotate(n=Count("complaint", distinct=True))
        .filter(n__gte=COLLECTIVE_MIN_CASES)
        .order_by("-n", "merchant_id", "complaint__category")[:limit]
    )
    rows = list(rows)
    if not rows:
        return []
    # The cases of every suggested group in one more query (two in all, whatever the number of
    # groups): the groups' (seller, category) pairs, or-ed.
    pairs = Q()
    for row in rows:
        pairs |= Q(merchant_id=row["merchant_id"], complaint__category=row["complaint__category"])
    cases: dict[tuple[int, str], list[int]] = {
        (row["merchant_id"], row["complaint__category"]): [] for row in rows
    }
    members = (
        Respondent.objects.filter(
            pairs,
            role=Respondent.Role.SELLER,
            complaint__case__state__in=JOINABLE_STATES,
            complaint__case__collective__isnull=True,
            complaint__submitted_at__gte=now - timedelta(days=COLLECTIVE_WINDOW_DAYS),
        )
        .order_by("complaint__submitted_at", "complaint__case__pk")
        .values_list("merchant_id", "complaint__category", "complaint__case__pk")
    )
    for merchant_id, category, case_id in members:
        ids = cases[(merchant_id, category)]
        if case_id not in ids:
            ids.append(case_id)
    groups = [
        {"merchant_id": row["merchant_id"], "category": row["complaint__category"], "cases": ids}
        for row in rows
        if (ids := cases[(row["merchant_id"], row["complaint__category"])])
    ]
    return groups
