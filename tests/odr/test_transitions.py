"""Every move of the case state machine, from every state: allowed ones do exactly their move
and write their event; forbidden ones are refused with a message and change nothing.

The expected matrix is written out below from the state machine as the product describes it
(README, "How a case is resolved"), not read from odr.rules: a wrong entry in the rules table
must make these tests fail."""

from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError

from odr import rules, services
from odr.models import Case, CaseEvent, CaseState, Message, Offer, Party

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


# move: (preparation, call); what each leads to is in TRANSITIONS below.
MOVES = {
    "case_accept": (
        None,
        lambda w, extra: services.case_accept(case_id=w.case.pk, mediator=w.mediator),
    ),
    "case_reject": (
        None,
        lambda w, extra: services.case_reject(
            case_id=w.case.pk, mediator=w.mediator, reason="Not a cross-border purchase."
        ),
    ),
    "case_request_info": (
        None,
        lambda w, extra: services.case_request_info(
            case_id=w.case.pk, mediator=w.mediator, question="Send the invoice."
        ),
    ),
    "case_info_provided": (
        _awaiting_info,
        lambda w, extra: services.case_info_provided(
            case_id=w.case.pk, consumer=w.consumer, text="Invoice number 42."
        ),
    ),
    "merchant_accept_claim": (
        None,
        lambda w, extra: services.merchant_accept_claim(case_id=w.case.pk, representative=w.rep),
    ),
    "merchant_make_offer": (
        None,
        lambda w, extra: services.merchant_make_offer(
            case_id=w.case.pk, representative=w.rep, kind="partial_refund", amount="50"
        ),
    ),
    "merchant_dispute": (
        None,
        lambda w, extra: services.merchant_dispute(
            case_id=w.case.pk, representative=w.rep, reasons="Delivered as described."
        ),
    ),
    "offer_make": (
        None,
        lambda w, extra: services.offer_make(
            case_id=w.case.pk, user=w.consumer, kind="refund", amount="120", currency="EUR"
        ),
    ),
    "offer_accept": (
        lambda w: _open_offer(w, Party.MERCHANT),
        lambda w, offer: services.offer_accept(offer_id=offer.pk, user=w.consumer),
    ),
    "offer_reject": (
        lambda w: _open_offer(w, Party.MERCHANT),
        lambda w, offer: services.offer_reject(offer_id=offer.pk, user=w.consumer),
    ),
    "offer_withdraw": (
        lambda w: _open_offer(w, Party.MERCHANT),
        lambda w, offer: services.offer_withdraw(offer_id=offer.pk, user=w.rep),
    ),
    "case_request_mediation": (
        None,
        lambda w, extra: services.case_request_mediation(case_id=w.case.pk, user=w.rep),
    ),
    "case_assign_mediator": (
        None,
        lambda w, other: services.case_assign_mediator(
            case_id=w.case.pk, mediator=other, assigned_by=w.mediator
        ),
    ),
    "case_auto_assign": (
        _unassigned,
        lambda w, extra: services.case_auto_assign(case_id=w.case.pk, assigned_by=w.mediator),
    ),
    "mediator_propose_settlement": (
        None,
        lambda w, extra: services.mediator_propose_settlement(
            case_id=w.case.pk,
            mediator=w.mediator,
            kind="refund",
            amount="90",
            currency="EUR",
            terms="Refund of 90 EUR within 15 days.",
        ),
    ),
    "settlement_accept": (
        _settlement_proposal,
        lambda w, offer: services.settlement_accept(offer_id=offer.pk, user=w.consumer),
    ),
    "settlement_reject": (
        _settlement_proposal,
        lambda w, offer: services.settlement_reject(offer_id=offer.pk, user=w.rep),
    ),
    "settlement_confirm_paid": (
        None,
        lambda w, extra: services.settlement_confirm_paid(case_id=w.case.pk, consumer=w.consumer),
    ),
    "settlement_compensate_in_advance": (
        None,
        lambda w, extra: services.settlement_compensate_in_advance(
            case_id=w.case.pk, mediator=w.mediator, platform_id=w.extra["platform"].pk
        ),
    ),
    "case_refer": (
        None,
        lambda w, extra: services.case_refer(
            case_id=w.case.pk, mediator=w.mediator, summary="The parties could not agree."
        ),
    ),
    "case_withdraw": (
        None,
        lambda w, extra: services.case_withdraw(case_id=w.case.pk, consumer=w.consumer),
    ),
    "case_follow_referral": (
        None,
        lambda w, extra: services.case_follow_referral(
            case_id=w.case.pk, actor=w.mediator, kind="referral_status", note="Acknowledged."
        ),
    ),
    "case_report_referral_outcome": (
        None,
        lambda w, extra: services.case_follow_referral(
            case_id=w.case.pk, actor=w.consumer, kind="referral_outcome_reported"
        ),
    ),
    "case_record_outcome": (
        None,
        lambda w, extra: services.case_record_outcome(
            case_id=w.case.pk,
            mediator=w.mediator,
            outcome={S.RESOLVED: "compensated_in_advance"}.get(w.case.state, "referred_unresolved"),
        ),
    ),
}

# What each move does from each state: "-" refused, "=" allowed and the case stays where it
# is, otherwise the state it leads to. Columns:
#   sub submitted, rej rejected, wait awaiting_merchant, neg negotiation, med mediation,
#   stl settled, res resolved, esc escalated, ref referred, wdr withdrawn.
# Offers are answered by the side that did not make them; settlement_accept is one party's
# acceptance (the case settles when both have accepted); rate and message are the consumer's
# rating after closing and a representative's message in the parties' thread.
# fmt: off
TRANSITIONS = """
                                  sub  rej  wait neg  med  stl  res  esc  ref  wdr
case_accept                       wait -    -    -    -    -    -    -    -    -
case_reject                       rej  -    -    -    -    -    -    -    -    -
case_request_info                 =    -    -    -    -    -    -    -    -    -
case_info_provided                =    -    -    -    -    -    -    -    -    -
merchant_accept_claim             -    -    stl  stl  stl  -    -    -    -    -
merchant_make_offer               -    -    neg  -    -    -    -    -    -    -
merchant_dispute                  -    -    neg  -    -    -    -    -    -    -
offer_make                        -    -    -    =    =    -    -    -    -    -
offer_accept                      -    -    -    stl  stl  -    -    -    -    -
offer_reject                      -    -    -    =    =    -    -    -    -    -
offer_withdraw                    -    -    -    =    =    -    -    -    -    -
case_request_mediation            -    -    -    med  -    -    -    -    -    -
case_assign_mediator              =    -    =    =    =    =    -    =    -    -
case_auto_assign                  =    -    =    =    =    =    -    =    -    -
mediator_propose_settlement       -    -    -    -    =    -    -    -    -    -
settlement_accept                 -    -    -    -    =    -    -    -    -    -
settlement_reject                 -    -    -    -    =    -    -    -    -    -
settlement_confirm_paid           -    -    -    -    -    res  -    res  -    -
settlement_compensate_in_advance  -    -    -    -    -    -    -    =    -    -
case_refer                        -    -    -    -    ref  -    -    ref  -    -
case_withdraw                     wdr  -    wdr  wdr  wdr  wdr  -    wdr  -    -
case_record_outcome               -    -    -    -    -    -    =    -    =    -
case_follow_referral              -    -    -    -    -    -    -    -    =    -
case_report_referral_outcome      -    -    -    -    -    -    -    -    =    -
rate                              -    =    -    -    -    -    =    -    =    =
message                           -    -    -    =    =    =    -    =    -    -
"""
# fmt: on
COLUMN = {
    "sub": S.SUBMITTED,
    "rej": S.REJECTED,
    "wait": S.AWAITING_MERCHANT,
    "neg": S.NEGOTIATION,
    "med": S.MEDIATION,
    "stl": S.SETTLED,
    "res": S.RESOLVED,
    "esc": S.ESCALATED,
    "ref": S.REFERRED,
    "wdr": S.WITHDRAWN,
}


def _matrix() -> dict[str, dict[str, str | None]]:
    """{move: {state: the state it leads to, or None when refused}}."""
    header, *rows = TRANSITIONS.strip("\n").splitlines()
    states = [COLUMN[c] for c in header.split()]
    matrix = {}
    for row in rows:
        move, *cells = row.split()
        assert len(cells) == len(states), move
        matrix[move] = {
            state: None if cell == "-" else state if cell == "=" else COLUMN[cell]
            for state, cell in zip(states, cells, strict=True)
        }
    return matrix


EXPECTED = _matrix()
ALL_STATES = list(CaseState)


def _allowed_states(move: str) -> set[str]:
    return {state for state, to in EXPECTED[move].items() if to is not None}


def test_the_matrix_covers_every_move_and_state():
    assert set(EXPECTED) == set(MOVES) | {"rate", "message"}
    assert all(set(row) == set(CaseState) for row in EXPECTED.values())


# Which entry of odr.rules.TRANSITIONS each move is checked against. Only to see that every
# rule of the table is exercised here; what the rules allow is the matrix above.
RULE_OF_MOVE = {
    "case_accept": "accept",
    "case_reject": "reject",
    "case_request_info": "request_info",
    "case_info_provided": "provide_info",
    "merchant_accept_claim": "accept_claim",
    "merchant_make_offer": "merchant_offer",
    "merchant_dispute": "dispute",
    "offer_make": "offer",
    "offer_accept": "accept_offer",
    "offer_reject": "reject_offer",
    "offer_withdraw": "withdraw_offer",
    "case_request_mediation": "request_mediation",
    "case_assign_mediator": "assign",
    "case_auto_assign": "assign",
    "mediator_propose_settlement": "propose_settlement",
    "settlement_accept": "accept_settlement",
    "settlement_reject": "reject_settlement",
    "settlement_confirm_paid": "confirm_paid",
    "settlement_compensate_in_advance": "compensate_in_advance",
    "case_refer": "refer",
    "case_withdraw": "withdraw",
    "case_record_outcome": "record_outcome",
    "case_follow_referral": "follow_referral",
    "case_report_referral_outcome": "report_referral_outcome",
    "rate": "rate",
    "message": "message",
}


def test_every_rule_of_the_table_is_exercised():
    assert set(RULE_OF_MOVE) == set(EXPECTED)
    # The passed deadlines are the sweep's (tests/odr/test_sweep.py).
    people = {name for name, t in rules.TRANSITIONS.items() if t.by != "system"}
    assert set(RULE_OF_MOVE.values()) == people


def _cases() -> list:
    return [
        pytest.param(name, state, id=f"{name}-{state}-{'ok' if EXPECTED[name][state] else 'no'}")
        for name in MOVES
        for state in ALL_STATES
    ]


@pytest.mark.parametrize(("move", "state"), _cases())
def test_move_from_state(move, state, mediator, second_mediator, platform):
    prepare, call = MOVES[move]
    to_state = EXPECTED[move][state]
    w = build(state, mediator)
    w.extra["platform"] = platform
    extra = prepare(w) if prepare else None
    if move == "case_assign_mediator":
        extra = second_mediator
    w.reload()
    before = (w.case.state, w.case.version, CaseEvent.objects.filter(case=w.case).count())
    offers_before = list(Offer.objects.filter(case=w.case).values_list("pk", "state"))

    if to_state is None:
        with pytest.raises(services.TransitionNotAllowed) as refused:
            call(w, extra)
        assert refused.value.message
        case = w.reload()
        assert (case.state, case.version, case.events.count()) == before
        assert list(Offer.objects.filter(case=w.case).values_list("pk", "state")) == offers_before
        return

    call(w, extra)
    case = w.reload()
    assert case.state == to_state
    assert case.version > before[1]
    new_events = CaseEvent.objects.filter(case=case).order_by("pk")[before[2] :]
    assert new_events, "every move writes an event"
    assert new_events[len(new_events) - 1].to_state == case.state


@pytest.mark.parametrize("state", ALL_STATES)
def test_rating_only_once_and_only_after_closing(state, mediator):
    w = build(state, mediator)
    if state in _allowed_states("rate"):
        services.case_rate(case_id=w.case.pk, consumer=w.consumer, score=4, comment="Fair.")
        with pytest.raises(services.TransitionNotAllowed):
            services.case_rate(case_id=w.case.pk, consumer=w.consumer, score=5)
        assert w.case.rating.score == 4
    else:
        with pytest.raises(services.TransitionNotAllowed):
            services.case_rate(case_id=w.case.pk, consumer=w.consumer, score=4)
    assert w.reload().state == state


@pytest.mark.parametrize("state", ALL_STATES)
def test_parties_write_messages_only_while_the_thread_is_open(state, mediator):
    w = build(state, mediator)
    if state in _allowed_states("message"):
        services.message_post(case_id=w.case.pk, user=w.rep, body="We shipped it on time.")
        assert Message.objects.filter(case=w.case, party=Party.MERCHANT).exists()
    else:
        count = Message.objects.filter(case=w.case).count()
        with pytest.raises(services.TransitionNotAllowed):
            services.message_post(case_id=w.case.pk, user=w.consumer, body="Hello?")
        assert Message.objects.filter(case=w.case).count() == count
    assert w.reload().state == state


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


# --- the rules table against the matrix -----------------------------------------------------

# Who takes each action, from the table in docs/design.md ("party": the consumer or the merchant).
WHO = {
    "accept": "mediator",
    "reject": "mediator",
    "request_info": "mediator",
    "provide_info": "consumer",
    "accept_claim": "merchant",
    "merchant_offer": "merchant",
    "dispute": "merchant",
    "offer": "party",
    "accept_offer": "party",
    "reject_offer": "party",
    "withdraw_offer": "party",
    "request_mediation": "party",
    "assign": "mediator",
    "propose_settlement": "mediator",
    "accept_settlement": "party",
    "reject_settlement": "party",
    "refer": "mediator",
    "confirm_paid": "consumer",
    "compensate_in_advance": "mediator",
    "withdraw": "consumer",
    "record_outcome": "mediator",
    "follow_referral": "mediator",
    "report_referral_outcome": "consumer",
    "rate": "consumer",
    "message": "party",
}


def test_the_rules_table_agrees_with_the_matrix():
    """Each people's action of odr.rules.TRANSITIONS starts from the states the matrix allows
    its move from and leads where the matrix says ("=" cells: the case stays, target None)."""
    for move, rule_name in RULE_OF_MOVE.items():
        rule = rules.TRANSITIONS[rule_name]
        allowed = _allowed_states(move)
        assert set(rule.sources) == allowed, rule_name
        targets = {EXPECTED[move][state] for state in allowed}
        if rule_name == "accept_settlement":
            # One party's acceptance leaves the case in mediation (the matrix's "="); the case
            # settles once both parties have accepted: the rule's target, under its condition.
            assert targets == {S.MEDIATION}
            assert (rule.target, rule.condition) == (S.SETTLED, "both parties accepted")
            continue
        stays = all(EXPECTED[move][state] == state for state in allowed)
        assert stays or len(targets) == 1, f"{move} leads to several states: {targets}"
        expected_target = None if stays else targets.pop()
        assert rule.target == expected_target, rule_name
        assert rule.condition == "", rule_name
        assert rule.by == WHO[rule_name], rule_name


# The passed deadlines, from docs/design.md: action -> (states it applies in, where it leads;
# None: the case stays). An unanswered question sends the case back to screening (it stays
# submitted); the merchant's silence and the end of negotiation go to mediation; the end of
# mediation (also of an escalated settlement) refers; an unpaid settlement is escalated.
SYSTEM_ACTIONS = {
    "expire_consumer_info": ({"submitted"}, None),
    "expire_merchant_response": ({"awaiting_merchant"}, "mediation"),
    "expire_negotiation": ({"negotiation"}, "mediation"),
    "expire_mediation": ({"mediation", "escalated"}, "referred"),
    "expire_fulfilment": ({"settled"}, "escalated"),
}

# Which action a passed deadline of each kind takes; a passed screening deadline takes none.
EXPIRY = {
    "consumer_info": "expire_consumer_info",
    "merchant_response": "expire_merchant_response",
    "negotiation": "expire_negotiation",
    "mediation": "expire_mediation",
    "fulfilment": "expire_fulfilment",
}


def test_the_system_actions_of_the_rules_table():
    system = {name: t for name, t in rules.TRANSITIONS.items() if t.by == "system"}
    assert set(system) == set(SYSTEM_ACTIONS)
    for name, (sources, target) in SYSTEM_ACTIONS.items():
        rule = system[name]
        assert (set(rule.sources), rule.target, rule.condition) == (sources, target, ""), name


def test_which_action_each_passed_deadline_takes():
    assert rules.EXPIRY == EXPIRY
    assert "screening" not in rules.EXPIRY
