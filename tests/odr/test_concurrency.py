"""Two mediators acting on one case at the same moment, on separate connections: one wins, the
other is told the case changed, and no event is lost.

PostgreSQL (CI) serialises them on the row lock, so the loser always gets CaseChanged. SQLite
has no row locks: the version condition of the update still lets only one through, and the
loser gets either CaseChanged or SQLite's "database is locked"; both leave the case as the
winner made it. The assertions say which database gives which.
"""

from __future__ import annotations

import threading

import pytest
from django.db import OperationalError, connection

from odr import services
from odr.models import Case, CaseEvent, CaseState

from ..conftest import at_once
from ..factories import UserFactory
from .builders import build

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.usefixtures("mediators_group"),
]


def _mediator():
    from accounts.services import user_set_role

    return user_set_role(user=UserFactory(), role="mediator")


def test_one_of_two_mediators_wins_and_the_other_is_told():
    first, second = _mediator(), _mediator()
    w = build(CaseState.SUBMITTED, first)
    seen = w.case.version

    results = at_once(
        lambda: services.case_accept(case_id=w.case.pk, mediator=first, expected_version=seen),
        lambda: services.case_reject(
            case_id=w.case.pk, mediator=second, reason="Out of scope", expected_version=seen
        ),
    )

    winners = [r for r in results if isinstance(r, Case)]
    losers = [r for r in results if not isinstance(r, Case)]
    if connection.vendor == "postgresql":
        assert len(winners) == 1, results
        assert isinstance(losers[0], services.CaseChanged), results
        assert "changed" in losers[0].message
    else:
        # SQLite may refuse both writers with "locked" when they collide; never both win.
        assert len(winners) <= 1, results
        assert all(isinstance(r, services.CaseChanged | OperationalError) for r in losers)
    case = Case.objects.get(pk=w.case.pk)
    assert case.version == seen + len(winners)
    decided = CaseEvent.objects.filter(case=case, kind__in=["accepted", "rejected"])
    assert [e.to_state for e in decided] == [r.state for r in winners]
    assert case.state == (winners[0].state if winners else CaseState.SUBMITTED)


def test_moves_without_a_version_all_count_and_none_is_lost():
    mediators = [_mediator() for _ in range(4)]
    w = build(CaseState.SUBMITTED, mediators[0])
    version = w.case.version

    results = at_once(
        *[
            (
                lambda m=m: services.case_assign_mediator(
                    case_id=w.case.pk, mediator=m, assigned_by=m
                )
            )
            for m in mediators
        ]
    )

    done = [r for r in results if isinstance(r, Case)]
    if connection.vendor == "postgresql":
        assert len(done) == 4, results
    else:
        # SQLite refuses colliding writers with "locked" instead of queueing them.
        assert all(isinstance(r, Case | OperationalError) for r in results), results
    case = Case.objects.get(pk=w.case.pk)
    events = CaseEvent.objects.filter(case=case, kind="mediator_assigned").order_by("pk")
    assert case.version == version + len(done)
    assert events.count() == len(done)
    if done:
        assert events.last().data["mediator_id"] == case.mediator_id


def test_the_sweep_skips_a_case_another_transaction_holds_and_takes_it_later():
    """skip_locked: a case a mediator (or a second sweep) is working on is left for the next run
    instead of being waited for or done twice."""
    from datetime import timedelta

    import time_machine
    from django.db import transaction

    from odr import tasks
    from tests.conftest import IN_CI

    if connection.vendor != "postgresql":
        if IN_CI:
            pytest.fail("CI must run this on PostgreSQL")
        pytest.skip("row locks (FOR UPDATE SKIP LOCKED) need PostgreSQL")
    mediator = _mediator()
    held, free = build(CaseState.NEGOTIATION, mediator), build(CaseState.NEGOTIATION, mediator)
    moment = max(held.case.deadline_at, free.case.deadline_at) + timedelta(minutes=1)
    locked, release = threading.Event(), threading.Event()

    def hold():
        try:
            with transaction.atomic():
                Case.objects.select_for_update().get(pk=held.case.pk)
                locked.set()
                release.wait(timeout=30)
        finally:
            connection.close()

    holder = threading.Thread(target=hold)
    holder.start()
    try:
        assert locked.wait(timeout=10)
        with time_machine.travel(moment, tick=False):
            first = tasks.sweep_deadlines()
        assert Case.objects.get(pk=held.case.pk).state == CaseState.NEGOTIATION
    finally:
        release.set()
        holder.join(timeout=30)
    with time_machine.travel(moment, tick=False):
        second = tasks.sweep_deadlines()

    assert (first["expired"], second["expired"]) == (1, 1)
    for w in (held, free):
        case = Case.objects.get(pk=w.case.pk)
        assert case.state == CaseState.MEDIATION
        assert case.events.filter(kind="negotiation_expired").count() == 1


def test_concurrent_moves_leave_one_unbroken_event_chain():
    """Appends happen under the case's row lock, so racing writers never fork the chain."""
    from core import integrity

    mediators = [_mediator() for _ in range(4)]
    w = build(CaseState.SUBMITTED, mediators[0])

    at_once(
        *[
            (
                lambda m=m: services.case_assign_mediator(
                    case_id=w.case.pk, mediator=m, assigned_by=m
                )
            )
            for m in mediators
        ],
        lambda: services.case_accept(case_id=w.case.pk, mediator=mediators[0]),
    )

    case = Case.objects.get(pk=w.case.pk)
    seqs = list(CaseEvent.objects.filter(case=case).order_by("seq").values_list("seq", flat=True))
    assert seqs == list(range(1, case.events_count + 1))
    assert integrity.verify(only=["case-events"]).breaks == []
