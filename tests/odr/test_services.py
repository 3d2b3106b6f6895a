"""What the moves record: settlements, outcomes, the credit engine's columns, mediators."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal
from unittest import mock

import pytest
from celery import current_app
from django.core.exceptions import ValidationError
from django.utils import timezone

from odr import services, tasks
from odr.models import Case, CaseState, Offer, Outcome, Settlement
from odr.selectors import credit_case_rows, merchant_case_ratings

from ..factories import (
    MerchantFactory,
    RespondentFactory,
    SubmittedComplaintFactory,
    UserFactory,
)
from .builders import build, new_world

S = CaseState
pytestmark = pytest.mark.django_db


# --- opening --------------------------------------------------------------------------------


def test_open_case_is_idempotent_and_starts_screening():
    complaint = SubmittedComplaintFactory()
    before = timezone.now()

    tasks.open_case(complaint.pk)
    tasks.open_case(complaint.pk)

    case = Case.objects.get(complaint=complaint)
    assert case.state == S.SUBMITTED
    assert case.deadline_kind == "screening"
    assert before + timedelta(days=2) <= case.deadline_at <= timezone.now() + timedelta(days=2)
    assert case.events.filter(kind="case_opened", actor=None).count() == 1


def test_a_draft_gets_no_case():
    complaint = SubmittedComplaintFactory(status="draft", reference=None)

    assert tasks.open_case(complaint.pk) is None
    assert not Case.objects.exists()


def test_asking_the_consumer_for_information_sets_its_own_seven_day_deadline(mediator):
    w = build(S.SUBMITTED, mediator)
    now = timezone.now()

    services.case_request_info(case_id=w.case.pk, mediator=mediator, question="Invoice?", now=now)

    case = w.reload()
    assert case.state == S.SUBMITTED
    assert case.awaiting_consumer_info
    assert (case.deadline_kind, case.deadline_at) == ("consumer_info", now + timedelta(days=7))
    assert case.messages.get().body == "Invoice?"
    assert case.events.get(kind="info_requested").note == "Invoice?"


# --- settling -------------------------------------------------------------------------------


def test_accepting_an_offer_settles_with_the_merchant_paying_in_fifteen_days(mediator):
    w = build(S.NEGOTIATION, mediator)
    now = timezone.now()

    settlement = services.offer_accept(offer_id=w.offer.pk, user=w.consumer, now=now)

    assert settlement.amount == Decimal("100.00")
    assert settlement.currency == "EUR"
    assert settlement.payer == Settlement.Payer.MERCHANT
    assert settlement.payer_merchant == w.merchant
    assert settlement.due_at == now + timedelta(days=15)
    case = w.reload()
    assert case.state == S.SETTLED
    assert case.deadline_kind == "fulfilment"
    assert case.deadline_at == settlement.due_at
    assert list(case.events.values_list("kind", flat=True))[-2:] == ["offer_accepted", "settled"]


def test_accepting_the_claim_settles_on_the_claim_and_counts_as_the_first_answer(mediator):
    w = build(S.AWAITING_MERCHANT, mediator)

    services.merchant_accept_claim(case_id=w.case.pk, representative=w.rep)

    case = w.reload()
    assert case.state == S.SETTLED
    assert case.merchant_responded_at is not None
    assert case.settlement.amount == Decimal("129.90")
    assert "Refund" in case.settlement.terms
    kinds = list(case.events.values_list("kind", "from_state", "to_state"))
    assert kinds[-2:] == [
        ("merchant_accepted_claim", S.AWAITING_MERCHANT, S.NEGOTIATION),
        ("settled", S.NEGOTIATION, S.SETTLED),
    ]


def test_a_mediators_proposal_settles_only_when_both_parties_accept(mediator):
    w = build(S.MEDIATION, mediator)
    proposal = services.mediator_propose_settlement(
        case_id=w.case.pk,
        mediator=mediator,
        kind="partial_refund",
        amount="60",
        currency="EUR",
        terms="60 EUR back, keep the item.",
    )
    w.offer.refresh_from_db()
    assert w.offer.state == Offer.State.SUPERSEDED

    services.settlement_accept(offer_id=proposal.pk, user=w.consumer)
    assert w.reload().state == S.MEDIATION
    with pytest.raises(services.TransitionNotAllowed):
        services.settlement_accept(offer_id=proposal.pk, user=w.consumer)

    services.settlement_accept(offer_id=proposal.pk, user=w.rep)
    case = w.reload()
    assert case.state == S.SETTLED
    assert case.settlement.offer == proposal

    services.settlement_confirm_paid(case_id=case.pk, consumer=w.consumer)
    assert w.reload().outcome == Outcome.SETTLED_IN_MEDIATION


def test_a_platform_paying_in_advance_is_recorded_and_gives_its_outcome(mediator, platform):
    w = build(S.ESCALATED, mediator)

    services.settlement_compensate_in_advance(
        case_id=w.case.pk, mediator=mediator, platform_id=platform.pk, note="Platform pays."
    )
    services.settlement_confirm_paid(case_id=w.case.pk, consumer=w.consumer)

    case = w.reload()
    assert case.state == S.RESOLVED
    assert case.outcome == Outcome.COMPENSATED_IN_ADVANCE
    assert case.settlement.payer == Settlement.Payer.PLATFORM_IN_ADVANCE
    assert case.settlement.payer_merchant == platform
    assert case.settlement.recovered_from == w.merchant


def test_a_proposal_with_the_platform_paying_needs_whom_it_recovers_from(mediator, platform):
    w = build(S.MEDIATION, mediator)

    with pytest.raises(ValidationError) as error:
        services.mediator_propose_settlement(
            case_id=w.case.pk,
            mediator=mediator,
            kind="refund",
            amount="100",
            currency="EUR",
            terms="Refund",
            payer="platform_in_advance",
            payer_merchant_id=platform.pk,
        )

    assert "recovered_from" in error.value.message_dict
    assert not Offer.objects.filter(case=w.case, party="mediator").exists()


@pytest.mark.parametrize(
    ("kind", "amount", "currency", "field"),
    [
        ("refund", "-1", "EUR", "amount"),
        ("refund", "0", "EUR", "amount"),
        ("refund", "1000000001", "EUR", "amount"),
        ("refund", "10", "CNY", "currency"),
        ("refund", "10", "XYZ", "currency"),
        ("refund", "", "", "amount"),
        ("teleport", "10", "EUR", "kind"),
        ("replacement", "", "", "terms"),
    ],
)
def test_offers_out_of_bounds_are_refused(mediator, kind, amount, currency, field):
    w = build(S.NEGOTIATION, mediator)
    version = w.case.version

    with pytest.raises(ValidationError) as error:
        services.offer_make(
            case_id=w.case.pk, user=w.consumer, kind=kind, amount=amount, currency=currency
        )

    assert field in error.value.message_dict
    assert w.reload().version == version
    assert Offer.objects.filter(case=w.case).count() == 1


def test_a_replacement_without_money_is_a_valid_offer(mediator):
    w = build(S.NEGOTIATION, mediator)

    offer = services.offer_make(
        case_id=w.case.pk, user=w.rep, kind="replacement", terms="A new pair, shipped by DHL."
    )

    assert offer.amount is None
    assert offer.currency == ""


# --- outcomes and the credit engine --------------------------------------------------------


def test_closing_enqueues_the_credit_recomputation_by_name_after_commit(
    mediator, django_capture_on_commit_callbacks
):
    w = build(S.SETTLED, mediator)
    current_app.loader.import_default_modules()

    task = current_app.tasks["credit.tasks.recompute_merchants"]
    with mock.patch.object(task, "apply_async") as sent:
        with django_capture_on_commit_callbacks(execute=False) as callbacks:
            services.settlement_confirm_paid(case_id=w.case.pk, consumer=w.consumer)
        assert not sent.called, "nothing leaves before commit"
        for callback in callbacks:
            callback()

    assert ([w.merchant.pk],) in [call.kwargs["args"] for call in sent.call_args_list]


def test_credit_rows_follow_the_case(mediator):
    w = build(S.AWAITING_MERCHANT, mediator)
    RespondentFactory(complaint=w.case.complaint, merchant=None, named_name="Unknown carrier")
    services.merchant_dispute(case_id=w.case.pk, representative=w.rep, reasons="No")
    services.case_request_mediation(case_id=w.case.pk, user=w.consumer)
    services.case_refer(case_id=w.case.pk, mediator=mediator, summary="No agreement")

    rows = list(credit_case_rows().filter(case_id=w.case.pk))

    assert len(rows) == 1, "named-only respondents never appear"
    row = rows[0]
    case = w.reload()
    assert row["merchant_id"] == w.merchant.pk
    assert row["accepted_at"] == case.accepted_at
    assert row["merchant_response_due_at"] == case.accepted_at + timedelta(days=10)
    assert row["merchant_responded_at"] == case.merchant_responded_at
    assert row["outcome"] == Outcome.REFERRED_UNRESOLVED
    assert row["closed_at"] == case.closed_at
    assert row["settlement_due_at"] is None


def test_referral_of_a_case_the_merchant_never_answered_is_merchant_unresponsive(mediator):
    w = build(S.AWAITING_MERCHANT, mediator)
    services.case_expire_deadline(case_id=w.case.pk, now=w.case.deadline_at + timedelta(minutes=1))
    assert w.reload().outcome == Outcome.MERCHANT_UNRESPONSIVE
    assert w.case.closed_at is None

    services.case_refer(case_id=w.case.pk, mediator=mediator, summary="Merchant silent")

    case = w.reload()
    assert case.state == S.REFERRED
    assert case.outcome == Outcome.MERCHANT_UNRESPONSIVE
    assert case.closed_at is not None


@pytest.mark.parametrize(
    ("state", "outcome"),
    [
        (S.REJECTED, Outcome.REJECTED_UNFOUNDED),
        (S.WITHDRAWN, Outcome.WITHDRAWN),
        (S.RESOLVED, Outcome.RESOLVED_BY_MERCHANT),
        (S.REFERRED, Outcome.REFERRED_UNRESOLVED),
    ],
)
def test_every_closed_case_has_an_outcome_and_no_deadline(mediator, state, outcome):
    case = build(state, mediator).case

    assert case.outcome == outcome
    assert case.closed_at is not None
    assert case.deadline_at is None
    assert case.deadline_kind == ""


def test_a_mediator_corrects_the_outcome_within_what_the_closing_allows(mediator):
    w = build(S.RESOLVED, mediator)

    with pytest.raises(ValidationError):
        services.case_record_outcome(
            case_id=w.case.pk, mediator=mediator, outcome=Outcome.WITHDRAWN
        )
    services.case_record_outcome(
        case_id=w.case.pk,
        mediator=mediator,
        outcome=Outcome.COMPENSATED_IN_ADVANCE,
        summary="The platform paid.",
    )

    case = w.reload()
    assert case.outcome == Outcome.COMPENSATED_IN_ADVANCE
    event = case.events.get(kind="outcome_recorded")
    assert event.data["previous"] == Outcome.RESOLVED_BY_MERCHANT


@pytest.mark.parametrize("score", [0, 6, -1, "five", None])
def test_a_rating_outside_one_to_five_is_refused(mediator, score):
    w = build(S.RESOLVED, mediator)

    with pytest.raises(ValidationError) as error:
        services.case_rate(case_id=w.case.pk, consumer=w.consumer, score=score)

    assert "score" in error.value.message_dict
    assert not hasattr(w.reload(), "rating")


def test_ratings_appear_per_merchant(mediator):
    w = build(S.RESOLVED, mediator)
    services.case_rate(case_id=w.case.pk, consumer=w.consumer, score=2)

    assert merchant_case_ratings([w.merchant.pk]) == {w.merchant.pk: {"average": 2.0, "count": 1}}


@pytest.mark.parametrize("state", [S.REJECTED, S.WITHDRAWN])
def test_the_rating_of_a_complaint_never_forwarded_does_not_count_for_the_merchant(mediator, state):
    # Rejected at screening, or withdrawn before it: the merchant never saw the complaint.
    w = build(state, mediator)
    services.case_rate(case_id=w.case.pk, consumer=w.consumer, score=1)

    assert merchant_case_ratings([w.merchant.pk]) == {}


# --- mediators ------------------------------------------------------------------------------


def _mediator(language="en", **kwargs):
    from accounts.services import user_set_role

    user = UserFactory(preferred_language=language, **kwargs)
    return user_set_role(user=user, role="mediator")


def test_auto_assignment_prefers_the_consumers_language_then_the_lightest_load():
    english = _mediator("en")
    busy_chinese = _mediator("zh-hans")
    free_chinese = _mediator("zh-hans")
    for _ in range(2):
        w = new_world(english, language="zh-hans")
        services.case_assign_mediator(case_id=w.case.pk, mediator=busy_chinese, assigned_by=english)

    w = new_world(english, language="zh-hans")
    services.case_auto_assign(case_id=w.case.pk)

    assert w.reload().mediator == free_chinese
    event = w.case.events.get(kind="mediator_assigned")
    assert event.actor is None


def test_without_a_mediator_in_the_language_the_least_loaded_gets_it():
    loaded = _mediator("en")
    idle = _mediator("en")
    services.case_assign_mediator(
        case_id=new_world(loaded).case.pk, mediator=loaded, assigned_by=loaded
    )

    w = new_world(loaded, language="zh-hans")
    services.case_auto_assign(case_id=w.case.pk)

    assert w.reload().mediator == idle


def test_entering_mediation_assigns_a_mediator(mediator):
    w = build(S.NEGOTIATION, mediator)
    assert w.case.mediator is None

    services.case_request_mediation(case_id=w.case.pk, user=w.rep, reason="We are stuck")

    case = w.reload()
    assert case.mediator == mediator
    assert case.deadline_kind == "mediation"
    assert case.events.filter(kind="mediator_assigned").exists()


def test_inactive_or_non_mediator_staff_are_not_assignable(mediator):
    w = build(S.SUBMITTED, mediator)
    staff = UserFactory(is_staff=True)

    with pytest.raises(services.TransitionNotAllowed):
        services.case_assign_mediator(case_id=w.case.pk, mediator=staff, assigned_by=mediator)


def test_a_second_linked_merchant_can_answer_too(mediator):
    from ..factories import MerchantRepresentativeFactory

    w = build(S.AWAITING_MERCHANT, mediator)
    agent = MerchantRepresentativeFactory(merchant=MerchantFactory(legal_name="Agent Co"))
    RespondentFactory(complaint=w.case.complaint, merchant=agent.merchant, role="purchasing_agent")

    offer = services.merchant_make_offer(
        case_id=w.case.pk, representative=agent.user, kind="refund", amount="10"
    )

    assert offer.payer_merchant == agent.merchant


# --- offers bounded by the amount paid ------------------------------------------------------
# The builders' purchase: 129.90 EUR; the default multiple is 3, so compensation stops at 389.70.


@pytest.mark.parametrize(
    ("kind", "amount", "message"),
    [
        ("compensation", "1e9", "Enter an amount such as 129.90."),
        ("compensation", "1000000000", "This amount is too large to be right."),
        ("refund", "129.91", "A refund is at most the amount paid, €129.90."),
        ("partial_refund", "99999999", "A refund is at most the amount paid, €129.90."),
        (
            "compensation",
            "389.71",
            "Compensation is at most 3 times the amount paid, that is €389.70.",
        ),
    ],
)
@pytest.mark.parametrize("who", ["merchant_first_answer", "merchant", "consumer"])
def test_offers_beyond_what_was_paid_are_refused_by_the_service(
    mediator, who, kind, amount, message
):
    if who == "merchant_first_answer":
        w = build(S.AWAITING_MERCHANT, mediator)
        make = lambda: services.merchant_make_offer(  # noqa: E731
            case_id=w.case.pk, representative=w.rep, kind=kind, amount=amount, currency="EUR"
        )
    else:
        w = build(S.NEGOTIATION, mediator)
        user = w.rep if who == "merchant" else w.consumer
        make = lambda: services.offer_make(  # noqa: E731
            case_id=w.case.pk, user=user, kind=kind, amount=amount, currency="EUR"
        )
    offers = Offer.objects.filter(case=w.case).count()

    with pytest.raises(ValidationError) as error:
        make()

    assert error.value.message_dict["amount"] == [message]
    assert "beyond_bound_reason" not in error.value.message_dict
    assert Offer.objects.filter(case=w.case).count() == offers


@pytest.mark.parametrize(("kind", "amount"), [("refund", "129.90"), ("compensation", "389.70")])
def test_offers_up_to_the_bound_are_made(mediator, kind, amount):
    w = build(S.NEGOTIATION, mediator)

    offer = services.offer_make(
        case_id=w.case.pk, user=w.consumer, kind=kind, amount=amount, currency="EUR"
    )

    assert offer.amount == Decimal(amount)


def test_the_bound_follows_the_setting(mediator, settings):
    settings.REDRESS_MAX_COMPENSATION_MULTIPLE = 5
    w = build(S.NEGOTIATION, mediator)

    offer = services.offer_make(
        case_id=w.case.pk, user=w.rep, kind="compensation", amount="649.50", currency="EUR"
    )
    assert offer.amount == Decimal("649.50")
    with pytest.raises(ValidationError):
        services.offer_make(
            case_id=w.case.pk, user=w.rep, kind="compensation", amount="649.51", currency="EUR"
        )


def _propose(w, mediator, **kwargs):
    return services.mediator_propose_settlement(
        case_id=w.case.pk,
        mediator=mediator,
        kind="compensation",
        currency="EUR",
        terms="Compensation for the lost holiday.",
        **kwargs,
    )


def test_a_mediator_goes_beyond_the_bound_only_with_a_reason(mediator):
    w = build(S.MEDIATION, mediator)

    with pytest.raises(ValidationError) as error:
        _propose(w, mediator, amount="500")

    assert error.value.message_dict == {
        "amount": ["Compensation is at most 3 times the amount paid, that is €389.70."],
        "beyond_bound_reason": [
            "To propose more, give the reason: it is recorded in the case's history."
        ],
    }
    with pytest.raises(ValidationError):
        _propose(w, mediator, amount="500", beyond_bound_reason=" \u200b ")
    assert not Offer.objects.filter(case=w.case, party="mediator").exists()

    proposal = _propose(
        w, mediator, amount="500", beyond_bound_reason="Bought for a wedding that was missed."
    )

    assert proposal.amount == Decimal("500.00")
    data = w.case.events.get(kind="settlement_proposed").data
    assert (data["offer_id"], data["bound"], data["beyond_bound_reason"]) == (
        proposal.pk,
        "389.70",
        "Bought for a wedding that was missed.",
    )


def test_a_proposal_within_the_bound_records_no_reason(mediator):
    w = build(S.MEDIATION, mediator)

    proposal = _propose(w, mediator, amount="389.70", beyond_bound_reason="Not needed.")

    data = w.case.events.get(kind="settlement_proposed").data
    assert data["offer_id"] == proposal.pk
    assert "beyond_bound_reason" not in data
    assert "bound" not in data


def test_a_reason_does_not_lift_the_absolute_maximum(mediator):
    w = build(S.MEDIATION, mediator)

    with pytest.raises(ValidationError) as error:
        _propose(w, mediator, amount="1e9", beyond_bound_reason="Because.")

    assert error.value.message_dict["amount"] == ["Enter an amount such as 129.90."]


# --- refusals -------------------------------------------------------------------------------


def test_a_move_by_the_wrong_person_is_a_translated_permission_denied(mediator):
    from django.core.exceptions import PermissionDenied
    from django.utils import translation

    w = build(S.SUBMITTED, mediator)

    with translation.override("zh-hans"), pytest.raises(PermissionDenied) as refused:
        services.case_accept(case_id=w.case.pk, mediator=w.consumer)

    assert str(refused.value) == "只有调解员可以进行此操作。"
    # Still a refused move for the pages that show one, and nothing changed.
    assert isinstance(refused.value, services.TransitionNotAllowed)
    assert w.reload().state == S.SUBMITTED


def test_a_move_the_state_does_not_allow_is_not_a_permission_failure(mediator):
    from django.core.exceptions import PermissionDenied

    w = build(S.WITHDRAWN, mediator)

    with pytest.raises(services.TransitionNotAllowed) as refused:
        services.case_accept(case_id=w.case.pk, mediator=mediator)

    assert not isinstance(refused.value, PermissionDenied)
