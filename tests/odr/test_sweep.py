"""The deadline sweep (beat, every minute): what each passed deadline does, reminders 48 hours
before, cases opened for complaints that never got one; run twice, it acts once."""

from __future__ import annotations

import os
import subprocess
import sys
from datetime import timedelta

import pytest
import time_machine
from django.conf import settings
from django.core import mail
from django.utils import timezone

from odr import tasks
from odr.models import Case, CaseEvent, Notification, Outcome

from ..factories import SubmittedComplaintFactory
from .builders import build

pytestmark = pytest.mark.django_db


def _sweep_at(moment):
    with time_machine.travel(moment, tick=False):
        return tasks.sweep_deadlines()


def _after(case: Case, **delta):
    return case.deadline_at + timedelta(**delta)


def test_no_merchant_answer_records_unresponsive_and_moves_to_mediation(mediator):
    w = build("awaiting_merchant", mediator)
    moment = _after(w.case, minutes=1)

    first = _sweep_at(moment)
    second = _sweep_at(moment + timedelta(minutes=1))

    case = w.reload()
    assert first["expired"] == 1
    assert second["expired"] == 0
    assert case.state == "mediation"
    assert case.outcome == Outcome.MERCHANT_UNRESPONSIVE
    assert case.mediator == mediator
    assert case.deadline_kind == "mediation"
    assert case.deadline_at == moment + timedelta(days=45)
    event = case.events.get(kind="merchant_response_expired")
    assert event.actor is None
    assert (event.from_state, event.to_state) == ("awaiting_merchant", "mediation")


def test_negotiation_that_expires_goes_to_mediation(mediator):
    w = build("negotiation", mediator)

    _sweep_at(_after(w.case, seconds=1))

    case = w.reload()
    assert case.state == "mediation"
    assert case.outcome == ""
    assert case.events.filter(kind="negotiation_expired", actor=None).count() == 1


def test_mediation_that_expires_is_referred(mediator):
    w = build("mediation", mediator)

    _sweep_at(_after(w.case, hours=1))

    case = w.reload()
    assert case.state == "referred"
    assert case.outcome == Outcome.REFERRED_UNRESOLVED
    assert case.closed_at is not None
    assert case.deadline_at is None


def test_an_unpaid_settlement_is_escalated_back_to_the_mediator(mediator):
    w = build("settled", mediator)
    moment = _after(w.case, minutes=5)

    _sweep_at(moment)

    case = w.reload()
    assert case.state == "escalated"
    assert case.mediator == mediator
    assert case.deadline_kind == "mediation"
    assert case.settlement.paid_confirmed_at is None


def test_the_consumer_not_answering_returns_the_case_to_screening(mediator):
    from odr import services

    w = build("submitted", mediator)
    services.case_request_info(case_id=w.case.pk, mediator=mediator, question="Invoice?")

    _sweep_at(_after(w.reload(), minutes=1))

    case = w.reload()
    assert case.state == "submitted"
    assert case.awaiting_consumer_info is False
    assert case.deadline_kind == "screening"
    assert case.events.filter(kind="info_expired").exists()


def test_an_overdue_screening_stays_in_the_queue_untouched(mediator):
    w = build("submitted", mediator)

    result = _sweep_at(_after(w.case, days=3))

    case = w.reload()
    assert result["expired"] == 0
    assert case.version == w.case.version
    assert case.state == "submitted"


def test_the_sweep_twice_acts_once_on_many_cases(mediator):
    worlds = [build("negotiation", mediator) for _ in range(5)]
    latest = max(w.case.deadline_at for w in worlds)
    moment = latest + timedelta(minutes=1)

    assert _sweep_at(moment)["expired"] == 5
    assert _sweep_at(moment)["expired"] == 0

    for w in worlds:
        assert w.reload().events.filter(kind="negotiation_expired").count() == 1


def test_a_small_batch_size_still_processes_everything(mediator, monkeypatch):
    monkeypatch.setattr(tasks, "SWEEP_BATCH_SIZE", 2)
    worlds = [build("negotiation", mediator) for _ in range(5)]
    moment = max(w.case.deadline_at for w in worlds) + timedelta(minutes=1)

    assert _sweep_at(moment)["expired"] == 5
    assert all(w.reload().state == "mediation" for w in worlds)


# --- reminders --------------------------------------------------------------------------------


def test_a_reminder_goes_out_once_48_hours_before_the_deadline(
    mediator, django_capture_on_commit_callbacks
):
    w = build("awaiting_merchant", mediator)
    deadline = w.case.deadline_at
    mail.outbox.clear()

    assert _sweep_at(deadline - timedelta(hours=49))["reminded"] == 0
    with django_capture_on_commit_callbacks(execute=True):
        assert _sweep_at(deadline - timedelta(hours=47))["reminded"] == 1
    with django_capture_on_commit_callbacks(execute=True):
        assert _sweep_at(deadline - timedelta(hours=46))["reminded"] == 0
        assert _sweep_at(deadline - timedelta(hours=1))["reminded"] == 0

    case = w.reload()
    assert case.reminder_sent_for == deadline
    assert case.events.filter(kind="reminder_sent").count() == 1
    reminders = Notification.objects.filter(case=case, kind="reminder")
    assert [n.user for n in reminders] == [w.rep]
    assert [m.to for m in mail.outbox] == [[w.rep.email]]
    assert "Reminder" in mail.outbox[0].subject


def test_a_new_deadline_gets_its_own_reminder(mediator):
    w = build("awaiting_merchant", mediator)
    _sweep_at(w.case.deadline_at - timedelta(hours=47))
    from odr import services

    services.merchant_dispute(case_id=w.case.pk, representative=w.rep, reasons="Not our fault")
    w.reload()

    assert _sweep_at(w.case.deadline_at - timedelta(hours=47))["reminded"] == 1
    assert CaseEvent.objects.filter(case=w.case, kind="reminder_sent").count() == 2


# --- cases that were never opened -------------------------------------------------------------


def test_the_sweep_opens_cases_for_submitted_complaints_without_one():
    lost = SubmittedComplaintFactory()
    draft = SubmittedComplaintFactory(status="draft", reference=None)

    result = _sweep_at(timezone.now())

    assert result["opened"] == 1
    assert Case.objects.filter(complaint=lost).exists()
    assert not Case.objects.filter(complaint=draft).exists()
    assert _sweep_at(timezone.now())["opened"] == 0


# --- configuration ----------------------------------------------------------------------------


def test_default_deadlines_are_the_designs():
    assert {k: v.days for k, v in settings.REDRESS_DEADLINES.items()} == {
        "screening": 2,
        "consumer_info": 7,
        "merchant_response": 10,
        "negotiation": 30,
        "mediation": 45,
        "fulfilment": 15,
    }


def test_the_sweep_runs_every_minute_from_beat():
    entry = settings.CELERY_BEAT_SCHEDULE["odr-sweep-deadlines"]

    assert entry["task"] == "odr.tasks.sweep_deadlines"
    assert entry["schedule"] == timedelta(minutes=1)


def _settings_with(env: dict) -> subprocess.CompletedProcess:
    code = (
        "import django; django.setup(); from django.conf import settings; "
        "print(settings.REDRESS_DEADLINES['merchant_response'].days)"
    )
    return subprocess.run(  # noqa: S603 - our own interpreter and a fixed snippet
        [sys.executable, "-c", code],
        env={**os.environ, "DJANGO_SETTINGS_MODULE": "config.settings.test", **env},
        capture_output=True,
        text=True,
        check=False,
        cwd=settings.BASE_DIR,
    )


def test_a_deadline_can_be_changed_from_the_environment():
    result = _settings_with({"REDRESS_DEADLINE_MERCHANT_RESPONSE_DAYS": "15"})

    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "15"


def test_a_nonsensical_deadline_stops_start_up_naming_the_variable():
    result = _settings_with({"REDRESS_DEADLINE_MERCHANT_RESPONSE_DAYS": "0"})

    assert result.returncode != 0
    assert "REDRESS_DEADLINE_MERCHANT_RESPONSE_DAYS" in result.stderr


# What a passed deadline does from each of the ten states (closed cases have no deadline to pass).
EXPIRY = {
    "submitted": (None, "submitted"),
    "awaiting_merchant": ("merchant_response_expired", "mediation"),
    "negotiation": ("negotiation_expired", "mediation"),
    "mediation": ("mediation_expired", "referred"),
    "settled": ("fulfilment_expired", "escalated"),
    "escalated": ("mediation_expired", "referred"),
    "resolved": (None, "resolved"),
    "rejected": (None, "rejected"),
    "referred": (None, "referred"),
    "withdrawn": (None, "withdrawn"),
}


@pytest.mark.parametrize("state", list(EXPIRY))
def test_what_a_passed_deadline_does_from_each_state(mediator, state):
    from odr import services

    w = build(state, mediator)
    moment = (w.case.deadline_at or timezone.now()) + timedelta(days=1)

    kind = services.case_expire_deadline(case_id=w.case.pk, now=moment)
    again = services.case_expire_deadline(case_id=w.case.pk, now=moment)

    expected_kind, expected_state = EXPIRY[state]
    assert kind == expected_kind
    assert again is None
    assert w.reload().state == expected_state


# --- batches ----------------------------------------------------------------------------------


def _overdue_batch(mediator, states):
    worlds = [build(state, mediator) for state in states]
    moment = max(w.case.deadline_at for w in worlds) + timedelta(minutes=1)
    return worlds, moment


def test_a_batch_costs_the_same_queries_whatever_its_size(mediator):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from odr import services

    kinds = ["awaiting_merchant", "negotiation", "mediation", "settled"]
    small, small_moment = _overdue_batch(mediator, kinds)
    large, large_moment = _overdue_batch(mediator, kinds * 4)

    with CaptureQueriesContext(connection) as few:
        moved_few = services.cases_expire_deadlines(
            case_ids=[w.case.pk for w in small], now=small_moment
        )
    with CaptureQueriesContext(connection) as many:
        moved_many = services.cases_expire_deadlines(
            case_ids=[w.case.pk for w in large], now=large_moment
        )

    assert len(moved_few) == 4
    assert len(moved_many) == 16
    if connection.vendor == "postgresql":
        # The locked rows are written with one UPDATE, whatever the batch holds.
        assert len(many) == len(few) <= 12
    else:
        # Without row locks each case keeps its own conditional UPDATE (services._save) and
        # each event its own conditional append to the case's chain.
        assert len(many) > len(few)
    for w, state in zip(large, kinds * 4, strict=True):
        kind, to_state = EXPIRY[state]
        case = w.reload()
        assert (moved_many[case.pk], case.state) == (kind, to_state)
        assert case.events.filter(kind=kind, actor=None).count() == 1


def test_a_batch_tells_each_party_once_and_e_mails_them_after_commit(
    mediator, django_capture_on_commit_callbacks
):
    worlds, moment = _overdue_batch(mediator, ["negotiation", "negotiation"])
    mail.outbox.clear()

    with django_capture_on_commit_callbacks(execute=True):
        _sweep_at(moment)

    for w in worlds:
        told = Notification.objects.filter(
            case=w.case, kind__in=["mediation", "mediator_assigned"]
        ).values_list("kind", "user_id")
        # The parties hear of the mediation; the mediator the sweep assigned, of the case.
        assigned = w.reload().mediator_id
        assert sorted(told) == sorted(
            [("mediation", w.consumer.pk), ("mediation", w.rep.pk), ("mediator_assigned", assigned)]
        )
    recipients = sorted(m.to[0] for m in mail.outbox)
    assert recipients == sorted(
        address for w in worlds for address in (w.consumer.email, w.rep.email, mediator.email)
    )
    assert sum("is now in mediation" in m.body for m in mail.outbox) == 4


def test_a_batch_shares_new_cases_between_mediators_by_load(mediator, second_mediator):
    from odr import services

    worlds, moment = _overdue_batch(mediator, ["negotiation"] * 4)
    Case.objects.filter(pk__in=[w.case.pk for w in worlds]).update(mediator=None)

    services.cases_expire_deadlines(case_ids=[w.case.pk for w in worlds], now=moment)

    assigned = [w.reload().mediator_id for w in worlds]
    # Both start with the cases they already have; each new one goes to the lighter load.
    assert sorted(assigned) == sorted([mediator.pk, second_mediator.pk] * 2)
    for w in worlds:
        assert w.case.events.filter(kind="mediator_assigned", actor=None).count() == 1


def test_a_case_the_batch_cannot_move_holds_back_none_of_the_others(mediator, monkeypatch, caplog):
    from odr import services

    worlds, moment = _overdue_batch(mediator, ["negotiation"] * 3)
    broken = worlds[1].case.pk
    expire = services.sweep._expire

    def failing(case, **kwargs):
        if case.pk == broken:
            raise RuntimeError("a case the sweep cannot move")
        return expire(case, **kwargs)

    monkeypatch.setattr(services.sweep, "_expire", failing)

    result = _sweep_at(moment)

    assert result["expired"] == 2
    assert [w.reload().state for w in worlds] == ["mediation", "negotiation", "mediation"]
    assert f"Sweep failed on Case {broken}" in caplog.text


def test_complaints_without_a_case_are_looked_for_over_the_last_week():
    from odr.selectors import CASE_OPENING_LOOKBACK

    recent = SubmittedComplaintFactory()
    old = SubmittedComplaintFactory()
    type(old).objects.filter(pk=old.pk).update(
        submitted_at=timezone.now() - CASE_OPENING_LOOKBACK - timedelta(hours=1)
    )

    result = tasks.sweep_deadlines()

    assert result["opened"] == 1
    assert Case.objects.filter(complaint=recent).exists()
    assert not Case.objects.filter(complaint=old).exists()
