"""Demo cases in every state, some overdue, some with a mediator, moved there by the services."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal

from django.utils import timezone

from accounts.models import User
from complaints.models import Complaint, Respondent
from complaints.services import reference_for
from merchants.models import Merchant, MerchantRepresentative, MerchantRoleAssignment

from . import services
from .models import Case, CaseState, Offer
from .selectors import complaints_without_case

S = CaseState

# (order number, state it ends in, consumer, language, days ago it started, what it is about)
# consumer@redress.test has no case here within the flood window (REDRESS_FLOOD_WINDOW_HOURS):
# with the handbag complaints/demo.py files for it, its next complaint against the demo
# merchant would otherwise be held silently as flooding.
DEMO_CASES = [
    ("ODR-DEMO-01", "screening", "consumer2@redress.test", "en", 0, "Running shoes"),
    ("ODR-DEMO-02", "screening_overdue", "consumer2@redress.test", "en", 3, "Smart watch"),
    ("ODR-DEMO-03", "info_requested", "consumer@redress.test", "zh-hans", 1, "奶粉 6 罐"),
    ("ODR-DEMO-04", "rejected", "consumer2@redress.test", "en", 10, "Concert ticket"),
    ("ODR-DEMO-05", "awaiting_merchant", "consumer@redress.test", "en", 3, "Leather handbag"),
    ("ODR-DEMO-06", "awaiting_merchant_overdue", "consumer2@redress.test", "en", 13, "Camera lens"),
    ("ODR-DEMO-07", "negotiation", "consumer@redress.test", "en", 9, "Wireless headphones"),
    ("ODR-DEMO-08", "negotiation_disputed", "consumer2@redress.test", "zh-hans", 8, "护肤品套装"),
    ("ODR-DEMO-09", "mediation", "consumer@redress.test", "en", 20, "Espresso machine"),
    ("ODR-DEMO-10", "mediation_proposal", "consumer2@redress.test", "zh-hans", 25, "名牌手表"),
    ("ODR-DEMO-11", "settled", "consumer@redress.test", "en", 10, "Winter jacket"),
    ("ODR-DEMO-12", "settled_overdue", "consumer2@redress.test", "en", 30, "Tablet"),
    ("ODR-DEMO-13", "escalated", "consumer@redress.test", "en", 35, "Gaming console"),
    ("ODR-DEMO-14", "resolved", "consumer@redress.test", "en", 40, "Sunglasses"),
    ("ODR-DEMO-15", "referred", "consumer2@redress.test", "en", 70, "Designer sneakers"),
    ("ODR-DEMO-16", "withdrawn", "consumer@redress.test", "en", 5, "Phone case"),
]


def _merchants(rep: User) -> tuple[Merchant, Merchant]:
    """The demo representative's merchant (created if the merchants demo made none) and a
    platform, so that the desk can have a platform pay an escalated settlement in advance."""
    representation = rep.representations.select_related("merchant").first()
    if representation:
        merchant = representation.merchant
    else:
        merchant, _ = Merchant.objects.get_or_create(
            legal_name="Harbour Light Trading Ltd",
            defaults={"country": "HK", "contact_email": "service@harbourlight.example"},
        )
        MerchantRepresentative.objects.get_or_create(user=rep, merchant=merchant)
    platform = Merchant.objects.filter(roles__role="platform").first()
    if platform is None:
        platform, _ = Merchant.objects.get_or_create(
            legal_name="Global Bazaar Marketplace Inc", defaults={"country": "SG"}
        )
        MerchantRoleAssignment.objects.get_or_create(merchant=platform, role="platform")
    return merchant, platform


def _complaint(number: str, consumer: User, language: str, item: str, merchant, submitted_at):
    complaint = Complaint.objects.create(
        consumer=consumer,
        status=Complaint.Status.SUBMITTED,
        draft_step="review",
        language=language,
        purchase_mode="direct",
        shop_name=merchant.legal_name,
        shop_url="https://shop.example.test/",
        order_number=number,
        item_description=item,
        amount=Decimal("189.00"),
        currency="EUR",
        payment_method="card",
        category="not_as_described",
        right_at_stake="information",
        description="What arrived is not what the listing showed.",
        remedy="refund",
        remedy_amount=Decimal("189.00"),
        consent_at=submitted_at,
        submitted_at=submitted_at,
    )
    # The same reference format as a complaint submitted through the form.
    complaint.reference = reference_for(complaint.pk, complaint.submitted_at)
    complaint.save(update_fields=["reference"])
    Respondent.objects.create(
        complaint=complaint,
        role=Respondent.Role.SELLER,
        merchant=merchant,
        reason=Respondent.Reason.DIRECT_SELLER,
    )
    return complaint


def _play(kind: str, case: Case, *, start, consumer, rep, mediator) -> None:
    """Move a freshly opened case to where ``kind`` says, through the services, in the past."""
    c = case.pk
    day = timedelta(days=1)

    if kind == "screening":
        services.case_assign_mediator(case_id=c, mediator=mediator, assigned_by=mediator)
        return
    if kind == "screening_overdue":
        return
    if kind == "info_requested":
        services.case_request_info(
            case_id=c, mediator=mediator, question="请上传订单截图和商品照片。", now=start
        )
        return
    if kind == "withdrawn":
        services.case_withdraw(case_id=c, consumer=consumer, reason="Solved with the shop.")
        return
    if kind == "rejected":
        services.case_reject(
            case_id=c,
            mediator=mediator,
            reason="The ticket was bought from a reseller in your own country: not cross-border.",
            now=start + day,
        )
        return

    services.case_accept(case_id=c, mediator=mediator, now=start + day)
    if kind in ("awaiting_merchant", "awaiting_merchant_overdue"):
        return

    if kind == "negotiation_disputed":
        services.merchant_dispute(
            case_id=c,
            representative=rep,
            reasons="The product was genuine; the photos show a different batch.",
            now=start + 3 * day,
        )
        services.message_post(case_id=c, user=consumer, body="批次号与官网不符，请核实。")  # noqa: RUF001
        return

    offer = services.merchant_make_offer(
        case_id=c,
        representative=rep,
        kind=Offer.Kind.PARTIAL_REFUND,
        amount="60.00",
        currency="EUR",
        terms="60 EUR back; keep the item.",
        now=start + 2 * day,
    )
    if kind == "negotiation":
        services.message_post(case_id=c, user=consumer, body="60 EUR is not enough: it is fake.")
        return

    if kind in ("mediation", "mediation_proposal", "referred"):
        services.case_request_mediation(
            case_id=c, user=consumer, reason="We cannot agree.", now=start + 4 * day
        )
        if kind == "mediation_proposal":
            services.mediator_propose_settlement(
                case_id=c,
                mediator=Case.objects.get(pk=c).mediator or mediator,
                kind=Offer.Kind.REFUND,
                amount="189.00",
                currency="EUR",
                terms="Full refund against return of the item, return shipping paid by the seller.",
                now=start + 6 * day,
            )
        if kind == "referred":
            services.message_post(
                case_id=c, user=mediator, body="Seller does not engage.", internal=True
            )
            services.case_refer(
                case_id=c,
                mediator=mediator,
                summary="The seller offered 60 EUR for an item the evidence shows is counterfeit "
                "and refused every proposal. Referred to the consumer authority.",
                now=start + 50 * day,
            )
        return

    services.offer_accept(offer_id=offer.pk, user=consumer, now=start + 5 * day)
    if kind in ("settled", "settled_overdue"):
        return
    if kind == "resolved":
        services.settlement_confirm_paid(case_id=c, consumer=consumer, now=start + 9 * day)
        services.case_rate(case_id=c, consumer=consumer, score=4, comment="Quick and fair.")
        return
    if kind == "escalated":
        due = Case.objects.get(pk=c).deadline_at
        services.case_expire_deadline(case_id=c, now=due + timedelta(minutes=1))
        return
    raise ValueError(kind)


def seed() -> dict:
    users = {u.email: u for u in User.objects.filter(email__endswith="@redress.test")}
    rep = users["rep@redress.test"]
    mediator = users["mediator@redress.test"]
    merchant, _platform = _merchants(rep)
    now = timezone.now()

    for number, kind, email, language, days_ago, item in DEMO_CASES:
        if Complaint.objects.filter(order_number=number).exists():
            continue
        consumer = users[email]
        start = now - timedelta(days=days_ago)
        complaint = _complaint(number, consumer, language, item, merchant, start)
        case = services.case_open(complaint_id=complaint.pk, now=start)
        _play(
            kind,
            case,
            start=start,
            consumer=consumer,
            rep=rep,
            mediator=mediator,
        )

    # A collective case: two of the demo merchant's cases about the same problem, grouped by
    # the mediator; ODR-DEMO-05's consumer is offered to join it on the case page.
    grouped = list(
        Case.objects.filter(
            complaint__order_number__in=["ODR-DEMO-07", "ODR-DEMO-09"], collective__isnull=True
        ).values_list("pk", flat=True)
    )
    if len(grouped) == 2:
        services.collective_create(
            case_ids=grouped,
            mediator=mediator,
            title=f"{merchant.display_name}: goods not as described",
        )

    # Complaints another demo submitted without their case (complaints/demo.py) get one too.
    for complaint_id in complaints_without_case().values_list("pk", flat=True):
        services.case_open(complaint_id=complaint_id)

    open_cases = Case.objects.exclude(deadline_at=None)
    overdue = open_cases.filter(deadline_at__lte=now).count()
    return {
        "notes": [
            f"ODR: {Case.objects.count()} cases in every state, {overdue} overdue; "
            "mediators work at /admin/odr/case/ (the sweep moves overdue ones within a minute); "
            "a collective case groups ODR-DEMO-07 and -09 (/admin/odr/collectivecase/)."
        ]
    }
