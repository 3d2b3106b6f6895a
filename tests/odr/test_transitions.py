"""Every move of the case state machine, from every state: allowed ones do exactly their move
and write their event; forbidden ones are refused with a message and change nothing."""

from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError

from odr import services
from odr.models import Case, CaseEvent, CaseState, Message, Offer, Party
from odr.rules import ALLOWED_FROM

from .builders import World, build

S = CaseState
pytestmark = pytest.mark.django_db


def _open_offer(w: World, party: str) -> Offer:
    """An open offer of ``party`` on the case, created directly when the state has none (so
    that only the state can be the reason for a refusal)."""
    offer = Offer.objects.filter(case=w.case, party=party, state=Offer.State.OPEN).first()
    if offer is None:
        made_by = {Party.MERCHANT: w.rep, Party.CONSUMER: w.consumer}.get(party, w.mediator)
        offer = Offer.objects.create(
            case=w.case,
            made_by=made_by,
            party=party,
            kind="refund",
            amount="80.00",
            currency="EUR",
            terms="Refund",
            payer="merchant",
            payer_merchant=w.merchant,
        )
    return offer


def _settlement_proposal(w: World) -> Offer:
    return _open_offer(w, Party.MEDIATOR)


def _awaiting_info(w: World) -> None:
    Case.objects.filter(pk=w.case.pk).update(awaiting_consumer_info=True)


def _unassigned(w: World) -> None:
    Case.objects.filter(pk=w.case.pk).update(mediator=None)


# action: (rule in ALLOWED_FROM, preparation, call, resulting state; None = unchanged)
MOVES = {
    "case_accept": (
        "accept",
        None,
        lambda w, extra: services.case_accept(case_id=w.case.pk, mediator=w.mediator),
        S.AWAITING_MERCHANT,
    ),
    "case_reject": (
        "reject",
        None,
        lambda w, extra: services.case_reject(
            case_id=w.case.pk, mediator=w.mediator, reason="Not a cross-border purchase."
        ),
        S.REJECTED,
    ),
    "case_request_info": (
        "request_info",
        None,
        lambda w, extra: services.case_request_info(
            case_id=w.case.pk, mediator=w.mediator, question="Send the invoice."
        ),
        None,
    ),
    "case_info_provided": (
        "provide_info",
        _awaiting_info,
        lambda w, extra: services.case_info_provided(
            case_id=w.case.pk, consumer=w.consumer, text="Invoice number 42."
        ),
        None,
    ),
    "merchant_accept_claim": (
        "accept_claim",
        None,
        lambda w, extra: services.merchant_accept_claim(case_id=w.case.pk, representative=w.rep),
        S.SETTLED,
    ),
    "merchant_make_offer": (
        "merchant_offer",
        None,
        lambda w, extra: services.merchant_make_offer(
            case_id=w.case.pk, representative=w.rep, kind="partial_refund", amount="50"
        ),
        S.NEGOTIATION,
    ),
    "merchant_dispute": (
        "dispute",
        None,
        lambda w, extra: services.merchant_dispute(
            case_id=w.case.pk, representative=w.rep, reasons="Delivered as described."
        ),
        S.NEGOTIATION,
    ),
    "offer_make": (
        "offer",
        None,
        lambda w, extra: services.offer_make(
            case_id=w.case.pk, user=w.consumer, kind="refund", amount="120", currency="EUR"
        ),
        None,
    ),
    "offer_accept": (
        "answer_offer",
        lambda w: _open_offer(w, Party.MERCHANT),
        lambda w, offer: services.offer_accept(offer_id=offer.pk, user=w.consumer),
        S.SETTLED,
    ),
    "offer_reject": (
        "answer_offer",
        lambda w: _open_offer(w, Party.MERCHANT),
        lambda w, offer: services.offer_reject(offer_id=offer.pk, user=w.consumer),
        None,
    ),
    "offer_withdraw": (
        "answer_offer",
        lambda w: _open_offer(w, Party.MERCHANT),
        lambda w, offer: services.offer_withdraw(offer_id=offer.pk, user=w.rep),
        None,
    ),
    "case_request_mediation": (
        "request_mediation",
        None,
        lambda w, extra: services.case_request_mediation(case_id=w.case.pk, user=w.rep),
        S.MEDIATION,
    ),
    "case_assign_mediator": (
        "assign",
        None,
        lambda w, other: services.case_assign_mediator(
            case_id=w.case.pk, mediator=other, assigned_by=w.mediator
        ),
        None,
    ),
    "case_auto_assign": (
        "assign",
        _unassigned,
        lambda w, extra: services.case_auto_assign(case_id=w.case.pk, assigned_by=w.mediator),
        None,
    ),
    "mediator_propose_settlement": (
        "propose_settlement",
        None,
        lambda w, extra: services.mediator_propose_settlement(
            case_id=w.case.pk,
            mediator=w.mediator,
            kind="refund",
            amount="90",
            currency="EUR",
            terms="Refund of 90 EUR within 15 days.",
        ),
        None,
    ),
    "settlement_accept": (
        "answer_settlement",
        _settlement_proposal,
        lambda w, offer: services.settlement_accept(offer_id=offer.pk, user=w.consumer),
        None,
    ),
    "settlement_reject": (
        "answer_settlement",
        _settlement_proposal,
        lambda w, offer: services.settlement_reject(offer_id=offer.pk, user=w.rep),
        None,
    ),
    "settlement_confirm_paid": (
        "confirm_paid",
        None,
        lambda w, extra: services.settlement_confirm_paid(case_id=w.case.pk, consumer=w.consumer),
        S.RESOLVED,
    ),
    "settlement_compensate_in_advance": (
        "compensate_in_advance",
        None,
        lambda w, extra: services.settlement_compensate_in_advance(
            case_id=w.case.pk, mediator=w.mediator, platform_id=w.extra["platform"].pk
        ),
        None,
    ),
    "case_refer": (
        "refer",
        None,
        lambda w, extra: services.case_refer(
            case_id=w.case.pk, mediator=w.mediator, summary="The parties could not agree."
        ),
        S.REFERRED,
    ),
    "case_withdraw": (
        "withdraw",
        None,
        lambda w, extra: services.case_withdraw(case_id=w.case.pk, consumer=w.consumer),
        S.WITHDRAWN,
    ),
    "case_record_outcome": (
        "record_outcome",
        None,
        lambda w, extra: services.case_record_outcome(
            case_id=w.case.pk,
            mediator=w.mediator,
            outcome={S.RESOLVED: "compensated_in_advance"}.get(w.case.state, "referred_unresolved"),
        ),
        None,
    ),
}

ALL_STATES = list(CaseState)


def _cases() -> list:
    return [
        pytest.param(name, state, allowed, id=f"{name}-{state}-{'ok' if allowed else 'no'}")
        for name, (rule, *_rest) in MOVES.items()
        for state in ALL_STATES
        for allowed in [state in ALLOWED_FROM[rule]]
    ]


@pytest.mark.parametrize(("move", "state", "allowed"), _cases())
def test_move_from_state(move, state, allowed, mediator, second_mediator, platform):
    _rule, prepare, call, to_state = MOVES[move]
    w = build(state, mediator)
    w.extra["platform"] = platform
    extra = prepare(w) if prepare else None
    if move == "case_assign_mediator":
        extra = second_mediator
    w.reload()
    before = (w.case.state, w.case.version, CaseEvent.objects.filter(case=w.case).count())
    offers_before = list(Offer.objects.filter(case=w.case).values_list("pk", "state"))

    if not allowed:
        with pytest.raises(services.TransitionNotAllowed) as refused:
            call(w, extra)
        assert refused.value.message
        case = w.reload()
        assert (case.state, case.version, case.events.count()) == before
        assert list(Offer.objects.filter(case=w.case).values_list("pk", "state")) == offers_before
        return

    call(w, extra)
    case = w.reload()
    assert case.state == (to_state or state)
    assert case.version > before[1]
    new_events = CaseEvent.objects.filter(case=case).order_by("pk")[before[2] :]
    assert new_events, "every move writes an event"
    assert new_events[len(new_events) - 1].to_state == case.state


def test_every_rule_of_the_table_is_exercised():
    exercised = {rule for rule, *_ in MOVES.values()} | {"rate", "message"}
    assert exercised == set(ALLOWED_FROM)


@pytest.mark.parametrize("state", ALL_STATES)
def test_rating_only_once_and_only_after_closing(state, mediator):
    w = build(state, mediator)
    if state in ALLOWED_FROM["rate"]:
        services.case_rate(case_id=w.case.pk, consumer=w.consumer, score=4, comment="Fair.")
        with pytest.raises(services.TransitionNotAllowed):
            services.case_rate(case_id=w.case.pk, consumer=w.consumer, score=5)
        assert w.case.rating.score == 4
    else:
        with pytest.raises(services.TransitionNotAllowed):
            services.case_rate(case_id=w.case.pk, consumer=w.consumer, score=4)


@pytest.mark.parametrize("state", ALL_STATES)
def test_parties_write_messages_only_while_the_thread_is_open(state, mediator):
    w = build(state, mediator)
    if state in ALLOWED_FROM["message"]:
        services.message_post(case_id=w.case.pk, user=w.rep, body="We shipped it on time.")
        assert Message.objects.filter(case=w.case, party=Party.MERCHANT).exists()
    else:
        count = Message.objects.filter(case=w.case).count()
        with pytest.raises(services.TransitionNotAllowed):
            services.message_post(case_id=w.case.pk, user=w.consumer, body="Hello?")
        assert Message.objects.filter(case=w.case).count() == count


# --- who may move ---------------------------------------------------------------------------


def test_a_consumer_cannot_screen(mediator):
    w = build(S.SUBMITTED, mediator)

    with pytest.raises(services.TransitionNotAllowed, match="Only a mediator"):
        services.case_accept(case_id=w.case.pk, mediator=w.consumer)

    assert w.reload().state == S.SUBMITTED


def test_another_consumer_cannot_withdraw_or_confirm(mediator, other_consumer):
    w = build(S.SETTLED, mediator)

    with pytest.raises(services.TransitionNotAllowed):
        services.case_withdraw(case_id=w.case.pk, consumer=other_consumer)
    with pytest.raises(services.TransitionNotAllowed):
        services.settlement_confirm_paid(case_id=w.case.pk, consumer=other_consumer)

    assert w.reload().state == S.SETTLED


def test_a_representative_of_another_merchant_cannot_answer(mediator):
    from ..factories import MerchantRepresentativeFactory

    w = build(S.AWAITING_MERCHANT, mediator)
    stranger = MerchantRepresentativeFactory().user

    with pytest.raises(services.TransitionNotAllowed, match="merchant named"):
        services.merchant_dispute(case_id=w.case.pk, representative=stranger, reasons="No.")


def test_the_maker_cannot_accept_its_own_offer(mediator):
    w = build(S.NEGOTIATION, mediator)

    with pytest.raises(services.TransitionNotAllowed):
        services.offer_accept(offer_id=w.offer.pk, user=w.rep)

    assert w.reload().state == S.NEGOTIATION


def test_a_stale_version_is_refused_and_changes_nothing(mediator, second_mediator):
    w = build(S.SUBMITTED, mediator)
    seen = w.case.version
    services.case_assign_mediator(case_id=w.case.pk, mediator=mediator, assigned_by=mediator)

    with pytest.raises(services.CaseChanged, match="changed"):
        services.case_reject(
            case_id=w.case.pk,
            mediator=second_mediator,
            reason="Out of scope",
            expected_version=seen,
        )

    case = w.reload()
    assert case.state == S.SUBMITTED
    assert case.rejection_reason == ""
    assert not case.events.filter(kind="rejected").exists()


def test_rejection_needs_a_reason(mediator):
    w = build(S.SUBMITTED, mediator)

    with pytest.raises(ValidationError) as error:
        services.case_reject(case_id=w.case.pk, mediator=mediator, reason="  ")

    assert "reason" in error.value.message_dict
    assert w.reload().state == S.SUBMITTED
