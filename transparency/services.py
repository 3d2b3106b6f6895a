"""Every write of the open complaint data: an entry published, refreshed or removed, and a
narrative reviewed. The entry follows the complaint: one function recomputes it from the
complaint, its case and the consumer's consents, so a withdrawal, an erasure, a case that moved
and a deadline that passed all go through the same code."""

from __future__ import annotations

from datetime import datetime, timedelta
from decimal import Decimal

from django.conf import settings
from django.db import transaction
from django.db.models import BooleanField, ExpressionWrapper, F, Q, QuerySet
from django.utils import timezone

from complaints.models import Complaint, PseudonymisedReason, Respondent
from complaints.selectors import not_held
from credit import counting
from odr.models import Case
from odr.selectors import seller_of

from .models import AmountBand, NarrativeReview, OpenComplaint

_BANDS = (
    (Decimal("100"), AmountBand.UNDER_100),
    (Decimal("1000"), AmountBand.FROM_100),
    (Decimal("10000"), AmountBand.FROM_1000),
)


class NarrativeNotPending(Exception):
    """The narrative was already decided (another mediator, a stale page): nothing changed."""


def amount_band(amount: Decimal | None) -> str:
    if amount is None:
        return ""
    for limit, band in _BANDS:
        if amount < limit:
            return band
    return AmountBand.FROM_10000


def publish_after() -> timedelta:
    return timedelta(days=settings.TRANSPARENCY_PUBLISH_AFTER_DAYS)


def publishable(*, now: datetime) -> Q:
    """Complaints the open data publish (on Complaint): the consumer agreed; accepted at
    screening and not held; and the merchant answered, or TRANSPARENCY_PUBLISH_AFTER_DAYS
    passed since the case was accepted (the US CFPB publishes after the company answered or 15
    days). Never after the consumer's erasure."""
    return (
        Q(status=Complaint.Status.SUBMITTED, publish_consent_at__isnull=False)
        & not_held()
        & ~Q(pseudonymised_reason=PseudonymisedReason.ERASURE)
        & Q(case__accepted_at__isnull=False)
        & (
            Q(case__merchant_responded_at__isnull=False)
            | Q(case__accepted_at__lte=now - publish_after())
        )
    )


def _answer(case, now: datetime) -> tuple[bool | None, bool | None]:
    """(answered, answered in time) by credit.counting's definitions, the ones the statistics
    and the merchant's figures use; None while the answer is not due and known."""
    flags = (
        Case.objects.filter(pk=case.pk)
        .annotate(
            _known=ExpressionWrapper(counting.answer_known(now=now), BooleanField()),
            _answered=ExpressionWrapper(counting.answered(now=now), BooleanField()),
            _in_time=ExpressionWrapper(counting.answered_in_time(now=now), BooleanField()),
        )
        .values("_known", "_answered", "_in_time")
        .get()
    )
    if not flags["_known"]:
        return None, None
    return bool(flags["_answered"]), bool(flags["_in_time"])


def _merchant(complaint: Complaint):
    seller = seller_of(complaint.respondents.all())
    return seller.merchant if seller else None


def _platform(complaint: Complaint):
    if complaint.platform_merchant_id:
        return complaint.platform_merchant
    for respondent in complaint.respondents.all():
        if respondent.role == Respondent.Role.PLATFORM_OPERATOR and respondent.merchant_id:
            return respondent.merchant
    return None


def _known_personal_data(complaint: Complaint) -> list[tuple[str, str]]:
    """What the scrubber must remove wherever it appears: the consumer's name and e-mail, the
    order number, and the names of people the case knows."""
    consumer = complaint.consumer
    known = [
        ("name", consumer.get_full_name()),
        *(("name", part) for part in consumer.get_full_name().split() if len(part) > 2),
        ("email", consumer.email),
        ("order", complaint.order_number),
    ]
    return [(kind, value) for kind, value in known if value and value.strip()]


def _narrative(complaint: Complaint) -> str:
    """The approved narrative while the consumer agrees to publish it; a first request puts the
    scrubbed text in the mediators' review queue."""
    if complaint.publish_narrative_consent_at is None or complaint.pseudonymised_at is not None:
        return ""
    review = NarrativeReview.objects.filter(complaint=complaint).first()
    if review is None:
        from .scrub import scrub

        scrubbed = scrub(complaint.description, known=_known_personal_data(complaint))
        NarrativeReview.objects.create(
            complaint=complaint, scrubbed_text=scrubbed.text, found=list(scrubbed.found)
        )
        return ""
    return review.scrubbed_text if review.state == NarrativeReview.State.APPROVED else ""


@transaction.atomic
def open_complaint_refresh(
    *, complaint_id: int, now: datetime | None = None
) -> OpenComplaint | None:
    """Publish, update or remove the open data entry of one complaint, as it stands now.

    Idempotent. Removed when the complaint is not publishable: consent withdrawn, erased at the
    consumer's request, or not yet due. A pseudonymised complaint (erasure or the retention
    period) loses its narrative and the narrative's review."""
    now = now or timezone.now()
    complaint = (
        Complaint.objects.select_for_update(of=("self",))
        .select_related("case", "consumer", "platform_merchant")
        .prefetch_related("respondents__merchant")
        .filter(pk=complaint_id)
        .first()
    )
    if complaint is None:
        return None
    if complaint.pseudonymised_at is not None:
        # The scrubbed text still comes from the consumer's own words: it goes with them.
        NarrativeReview.objects.filter(complaint=complaint).delete()
    if not Complaint.objects.filter(publishable(now=now), pk=complaint_id).exists():
        OpenComplaint.objects.filter(complaint=complaint).delete()
        return None
    case = complaint.case
    merchant, platform = _merchant(complaint), _platform(complaint)
    answered, in_time = _answer(case, now)
    values = {
        "refreshed_at": now,
        "submitted_on": timezone.localdate(complaint.submitted_at),
        "category": complaint.category,
        "consumer_country": complaint.consumer_country,
        "merchant_country": merchant.country if merchant else "",
        "merchant": merchant,
        "merchant_name": merchant.display_name if merchant else "",
        "platform": platform,
        "platform_name": platform.display_name if platform else complaint.platform_name,
        "purchase_mode": complaint.purchase_mode,
        "amount_band": amount_band(complaint.amount),
        "currency": complaint.currency if complaint.amount is not None else "",
        "outcome": case.outcome,
        "closed_on": timezone.localdate(case.closed_at) if case.closed_at else None,
        "answered": answered,
        "answered_in_time": in_time,
        "narrative": _narrative(complaint),
    }
    entry, _created = OpenComplaint.objects.update_or_create(
        complaint=complaint, defaults=values, create_defaults={**values, "published_at": now}
    )
    return entry


def open_complaints_due(*, now: datetime) -> QuerySet[Complaint]:
    """Complaints whose entry is missing or older than their last activity, or that are
    published but no longer publishable: what the periodic refresh works through."""
    stale = Q(open_entry__isnull=True) | Q(last_activity_at__gt=F("open_entry__refreshed_at"))
    to_publish = Complaint.objects.filter(publishable(now=now)).filter(stale)
    withdrawn = Complaint.objects.filter(open_entry__isnull=False).exclude(publishable(now=now))
    return (to_publish | withdrawn).order_by("pk")


@transaction.atomic
def narrative_decide(
    *, review_id: int, mediator, approve: bool, text: str | None = None
) -> NarrativeReview:
    """A mediator's decision on a scrubbed narrative: approved (with corrections, if any) it is
    published with the entry; rejected it never is."""
    review = NarrativeReview.objects.select_for_update().get(pk=review_id)
    if review.state != NarrativeReview.State.PENDING:
        raise NarrativeNotPending
    if approve and text is not None:
        review.scrubbed_text = text.strip()
    review.state = NarrativeReview.State.APPROVED if approve else NarrativeReview.State.REJECTED
    review.reviewed_by = mediator
    review.reviewed_at = timezone.now()
    review.save(update_fields=["scrubbed_text", "state", "reviewed_by", "reviewed_at"])
    open_complaint_refresh(complaint_id=review.complaint_id)
    return review
