"""The state machine's table (odr.rules) cell by cell, without the database: which action may
start from which state, where it leads, who takes it, what the case page offers each party,
which outcomes close which state and which offers are money.

Written out by hand from docs/design.md and the README ("How a case is resolved"); nothing here
is read from odr.rules, so a wrong cell in the table fails a test. tests/odr/test_transitions.py
drives the same moves through the services and the database.
"""

from __future__ import annotations

from types import SimpleNamespace

import pytest

from odr import rules
from odr.models import CLOSED_STATES, OPEN_STATES

# Columns: sub submitted, rej rejected, wait awaiting_merchant, neg negotiation, med mediation,
# stl settled, res resolved, esc escalated, ref referred, wdr withdrawn.
# Cells: "-" not allowed, "=" allowed and the case stays, otherwise the state it leads to.
# The last column is who takes the action (party: the consumer or the merchant; system: a
# passed deadline, the sweep).
# fmt: off
TABLE = """
                          sub  rej  wait neg  med  stl  res  esc  ref  wdr  by
accept                    wait -    -    -    -    -    -    -    -    -    mediator
reject                    rej  -    -    -    -    -    -    -    -    -    mediator
request_info              =    -    -    -    -    -    -    -    -    -    mediator
provide_info              =    -    -    -    -    -    -    -    -    -    consumer
accept_claim              -    -    stl  stl  stl  -    -    -    -    -    merchant
merchant_offer            -    -    neg  -    -    -    -    -    -    -    merchant
dispute                   -    -    neg  -    -    -    -    -    -    -    merchant
offer                     -    -    -    =    =    -    -    -    -    -    party
accept_offer              -    -    -    stl  stl  -    -    -    -    -    party
reject_offer              -    -    -    =    =    -    -    -    -    -    party
withdraw_offer            -    -    -    =    =    -    -    -    -    -    party
request_mediation         -    -    -    med  -    -    -    -    -    -    party
assign                    =    -    =    =    =    =    -    =    -    -    mediator
propose_settlement        -    -    -    -    =    -    -    -    -    -    mediator
accept_settlement         -    -    -    -    stl  -    -    -    -    -    party
reject_settlement         -    -    -    -    =    -    -    -    -    -    party
refer                     -    -    -    -    ref  -    -    ref  -    -    mediator
confirm_paid              -    -    -    -    -    res  -    res  -    -    consumer
compensate_in_advance     -    -    -    -    -    -    -    =    -    -    mediator
withdraw                  wdr  -    wdr  wdr  wdr  wdr  -    wdr  -    -    consumer
record_outcome            -    -    -    -    -    -    =    -    =    -    mediator
follow_referral           -    -    -    -    -    -    -    -    =    -    mediator
report_referral_outcome   -    -    -    -    -    -    -    -    =    -    consumer
rate                      -    =    -    -    -    -    =    -    =    =    consumer
message                   -    -    -    =    =    =    -    =    -    -    party
expire_consumer_info      =    -    -    -    -    -    -    -    -    -    system
expire_merchant_response  -    -    med  -    -    -    -    -    -    -    system
expire_negotiation        -    -    -    med  -    -    -    -    -    -    system
expire_mediation          -    -    -    -    ref  -    -    ref  -    -    system
expire_fulfilment         -    -    -    -    -    esc  -    -    -    -    system
"""
# fmt: on
COLUMN = {
    "sub": "submitted",
    "rej": "rejected",
    "wait": "awaiting_merchant",
    "neg": "negotiation",
    "med": "mediation",
    "stl": "settled",
    "res": "resolved",
    "esc": "escalated",
    "ref": "referred",
    "wdr": "withdrawn",
}
STATES = list(COLUMN.values())


def _rows():
    header, *lines = TABLE.strip("\n").splitlines()
    columns = header.split()
    for line in lines:
        action, *cells = line.split()
        assert len(cells) == len(columns), action
        yield action, dict(zip(columns, cells, strict=True))


ROWS = dict(_rows())
CELLS = [(action, code) for action in ROWS for code in COLUMN]
# One acceptance of a mediator's proposal leaves the case in mediation; it settles once both
# parties have accepted (the rule's condition).
CONDITIONS = {"accept_settlement": "both parties accepted"}


def _case(state: str, *, awaiting_consumer_info: bool = False) -> SimpleNamespace:
    return SimpleNamespace(state=state, awaiting_consumer_info=awaiting_consumer_info)


def test_the_table_has_every_action_and_no_other():
    assert set(rules.TRANSITIONS) == set(ROWS)


@pytest.mark.parametrize(("action", "column"), CELLS)
def test_each_cell(action, column):
    cell = ROWS[action][column]
    assert rules.allowed(_case(COLUMN[column]), action) is (cell != "-")


@pytest.mark.parametrize("action", list(ROWS))
def test_where_each_action_leads_and_who_takes_it(action):
    row = ROWS[action]
    targets = {row[c] for c in COLUMN if row[c] != "-"}
    assert len(targets) == 1, f"{action}: one target per action"
    (cell,) = targets
    expected = None if cell == "=" else COLUMN[cell]
    assert rules.target(action) == expected
    assert rules.TRANSITIONS[action].target == expected
    assert rules.TRANSITIONS[action].by == row["by"]
    assert rules.TRANSITIONS[action].condition == CONDITIONS.get(action, "")


def test_open_and_closed_states():
    # Withdrawal and assignment apply in every open stage; rating in every closed one.
    assert set(OPEN_STATES) == {
        "submitted", "awaiting_merchant", "negotiation", "mediation", "settled", "escalated",
    }  # fmt: skip
    assert set(CLOSED_STATES) == {"rejected", "resolved", "referred", "withdrawn"}


def test_which_action_a_passed_deadline_takes():
    assert rules.EXPIRY == {
        "consumer_info": "expire_consumer_info",
        "merchant_response": "expire_merchant_response",
        "negotiation": "expire_negotiation",
        "mediation": "expire_mediation",
        "fulfilment": "expire_fulfilment",
    }


def test_the_outcomes_a_mediator_may_record_by_closing_state():
    assert rules.OUTCOMES_FOR_STATE == {
        "resolved": ("resolved_by_merchant", "settled_in_mediation", "compensated_in_advance"),
        "referred": ("referred_unresolved", "merchant_unresponsive"),
    }


def test_money_offers_need_an_amount_replacement_and_repair_do_not():
    assert set(rules.MONEY_KINDS) == {"refund", "partial_refund", "compensation"}


# --- what the case page offers each party ---------------------------------------------------


def _offer(pk, party, state="open", consumer_accepted_at=None, merchant_accepted_at=None):
    return SimpleNamespace(
        pk=pk,
        party=party,
        state=state,
        consumer_accepted_at=consumer_accepted_at,
        merchant_accepted_at=merchant_accepted_at,
    )


OFFERS = [
    _offer(1, "merchant"),
    _offer(2, "consumer"),
    _offer(3, "merchant", state="rejected"),
    _offer(4, "mediator"),
    _offer(5, "mediator", consumer_accepted_at="2026-01-01", merchant_accepted_at=None),
    _offer(6, "mediator", consumer_accepted_at=None, merchant_accepted_at="2026-01-01"),
]

# Per state, what the consumer's page offers (message, offer, request_mediation, provide_info,
# confirm_paid, withdraw, rate), with the case not yet rated and no question pending.
# fmt: off
CONSUMER_PAGE = """
                   message offer mediation info paid withdraw rate
submitted          -       -     -         -    -    y        -
rejected           -       -     -         -    -    -        y
awaiting_merchant  -       -     -         -    -    y        -
negotiation        y       y     y         -    -    y        -
mediation          y       y     -         -    -    y        -
settled            y       -     -         -    y    y        -
resolved           -       -     -         -    -    -        y
escalated          y       -     -         -    y    y        -
referred           -       -     -         -    -    -        y
withdrawn          -       -     -         -    -    -        y
"""
# Per state, the merchant's page: message, offer, request_mediation, accept_claim,
# merchant_offer, dispute.
MERCHANT_PAGE = """
                   message offer mediation accept_claim merchant_offer dispute
submitted          -       -     -         -            -              -
rejected           -       -     -         -            -              -
awaiting_merchant  -       -     -         y            y              y
negotiation        y       y     y         y            -              -
mediation          y       y     -         y            -              -
settled            y       -     -         -            -              -
resolved           -       -     -         -            -              -
escalated          y       -     -         -            -              -
referred           -       -     -         -            -              -
withdrawn          -       -     -         -            -              -
"""
# fmt: on
KEYS = {
    "mediation": "request_mediation",
    "info": "provide_info",
    "paid": "confirm_paid",
}


def _page(text):
    header, *lines = text.strip("\n").splitlines()
    columns = [KEYS.get(c, c) for c in header.split()]
    return {
        state: {c: cell == "y" for c, cell in zip(columns, cells, strict=True)}
        for state, *cells in (line.split() for line in lines)
    }


@pytest.mark.parametrize("state", STATES)
def test_what_the_consumer_page_offers(state):
    actions = rules.party_actions(_case(state), "consumer", offers=OFFERS, rated=False)
    for name, expected in _page(CONSUMER_PAGE)[state].items():
        assert actions[name] is expected, name
    answering = state in ("negotiation", "mediation")
    assert actions["answerable_offers"] == ({1} if answering else set())
    assert actions["withdrawable_offers"] == ({2} if answering else set())
    # The consumer has accepted proposal 5 already; 4 and 6 wait for its answer.
    assert actions["answerable_proposals"] == ({4, 6} if state == "mediation" else set())
    assert actions["any"] is True  # every state leaves the consumer something to do


@pytest.mark.parametrize("state", STATES)
def test_what_the_merchant_page_offers(state):
    actions = rules.party_actions(_case(state), "merchant", offers=OFFERS, rated=False)
    for name, expected in _page(MERCHANT_PAGE)[state].items():
        assert actions[name] is expected, name
    assert not {"provide_info", "confirm_paid", "withdraw", "rate"} & set(actions)
    answering = state in ("negotiation", "mediation")
    assert actions["answerable_offers"] == ({2} if answering else set())
    assert actions["withdrawable_offers"] == ({1} if answering else set())
    assert actions["answerable_proposals"] == ({4, 5} if state == "mediation" else set())
    nothing = state in ("submitted", "rejected", "resolved", "referred", "withdrawn")
    assert actions["any"] is (not nothing)


def test_the_consumer_answers_a_question_only_while_one_is_pending():
    asked = rules.party_actions(
        _case("submitted", awaiting_consumer_info=True), "consumer", offers=[], rated=False
    )
    assert asked["provide_info"] is True
    not_asked = rules.party_actions(_case("submitted"), "consumer", offers=[], rated=False)
    assert not_asked["provide_info"] is False


def test_a_case_is_rated_once():
    rated = rules.party_actions(_case("resolved"), "consumer", offers=[], rated=True)
    assert rated["rate"] is False
    assert rated["any"] is False
    assert rules.party_actions(_case("resolved"), "consumer", offers=[], rated=False)["rate"]


@pytest.mark.parametrize("party", ["mediator", None, ""])
def test_nobody_else_gets_party_actions(party):
    assert rules.party_actions(_case("negotiation"), party, offers=OFFERS, rated=False) == {}


def test_a_closed_offer_is_neither_answered_nor_withdrawn():
    closed = [_offer(1, "merchant", state="accepted"), _offer(2, "consumer", state="withdrawn")]
    actions = rules.party_actions(_case("negotiation"), "consumer", offers=closed, rated=False)
    assert actions["answerable_offers"] == set()
    assert actions["withdrawable_offers"] == set()


def test_the_table_cannot_be_changed_at_run_time():
    # A transition is a value: no request may move a cell of the state machine.
    import dataclasses

    with pytest.raises(dataclasses.FrozenInstanceError):
        rules.TRANSITIONS["accept"].target = "resolved"
