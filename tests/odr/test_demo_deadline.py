"""demo_deadline: a `make run` user moves a demo case's deadline and sees the sweep remind and
escalate it; it refuses to run on a real deployment."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from io import StringIO

import pytest
import time_machine
from django.core import mail
from django.core.management import CommandError, call_command

from odr import services, tasks
from odr.management.commands.demo_deadline import parse_duration

from .builders import build

pytestmark = pytest.mark.django_db

NOW = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)


@pytest.fixture
def debug(settings):
    settings.DEBUG = True  # as under `make run` (local settings)


def _demo_deadline(*args) -> str:
    out = StringIO()
    call_command("demo_deadline", *args, stdout=out)
    return out.getvalue()


def test_demo_deadline_refuses_without_debug(settings, mediator):
    settings.DEBUG = False
    w = build("awaiting_merchant", mediator)
    before = w.case.deadline_at

    with pytest.raises(CommandError, match="--force"):
        _demo_deadline(w.case.complaint.reference, "--overdue")

    assert w.reload().deadline_at == before
    assert not w.case.events.filter(kind="deadline_moved").exists()


def test_an_overdue_case_is_escalated_by_the_next_sweep(
    debug, mediator, django_capture_on_commit_callbacks
):
    with time_machine.travel(NOW - timedelta(days=1), tick=False):
        w = build("awaiting_merchant", mediator)
    reference = w.case.complaint.reference
    mail.outbox.clear()

    with time_machine.travel(NOW, tick=False):
        printed = _demo_deadline(reference, "--overdue")
        case = w.reload()
        assert case.deadline_at == NOW
        assert case.state == "awaiting_merchant"  # the command moves the clock, not the case
        with django_capture_on_commit_callbacks(execute=True):
            assert tasks.sweep_deadlines()["expired"] == 1

    assert reference in printed
    assert "merchant's answer due 2026-03-02 09:00:00 UTC" in printed
    assert "moves the case at its next run" in printed
    case = w.reload()
    assert case.state == "mediation"
    kinds = list(case.events.order_by("pk").values_list("kind", flat=True))
    assert kinds[kinds.index("deadline_moved") + 1] == "merchant_response_expired"
    moved = case.events.get(kind="deadline_moved")
    assert moved.actor is None
    assert moved.data["to"] == "2026-03-02T09:00:00+00:00"
    assert mail.outbox  # the parties are told, as for any passed deadline


def test_a_deadline_a_day_away_is_reminded_at_once_with_sweep(
    debug, mediator, django_capture_on_commit_callbacks
):
    with time_machine.travel(NOW - timedelta(days=1), tick=False):
        w = build("awaiting_merchant", mediator)
    mail.outbox.clear()

    with (
        time_machine.travel(NOW, tick=False),
        django_capture_on_commit_callbacks(execute=True),
    ):
        printed = _demo_deadline(w.case.complaint.reference, "--due-in", "1d", "--sweep")

    case = w.reload()
    assert case.deadline_at == NOW + timedelta(days=1)
    assert case.state == "awaiting_merchant"
    assert case.reminder_sent_for == case.deadline_at
    assert "'reminded': 1" in printed
    assert [m.to for m in mail.outbox] == [[w.rep.email]]
    assert "Reminder" in mail.outbox[0].subject


def test_without_a_reference_it_lists_the_open_cases(debug, mediator):
    open_case = build("negotiation", mediator)
    closed = build("withdrawn", mediator)

    printed = _demo_deadline()

    assert open_case.case.complaint.reference in printed
    assert closed.case.complaint.reference not in printed


def test_a_closed_case_or_an_unknown_reference_is_refused(debug, mediator):
    closed = build("withdrawn", mediator)

    with pytest.raises(CommandError, match="no running deadline"):
        _demo_deadline(closed.case.complaint.reference, "--overdue")
    with pytest.raises(CommandError, match="No case"):
        _demo_deadline("RD-1999-999999", "--overdue")
    with pytest.raises(CommandError, match="not a duration"):
        _demo_deadline(closed.case.complaint.reference, "--due-in", "soon")


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("90s", timedelta(seconds=90)),
        ("2m", timedelta(minutes=2)),
        ("3h", timedelta(hours=3)),
        ("1d12h", timedelta(days=1, hours=12)),
        ("1D", timedelta(days=1)),
    ],
)
def test_durations(text, expected):
    assert parse_duration(text) == expected


@pytest.mark.parametrize("text", ["", "2", "m", "-2m", "2 weeks", "2m3"])
def test_what_is_not_a_duration_is_refused(text):
    with pytest.raises(CommandError):
        parse_duration(text)


def test_the_service_records_the_move_on_the_cases_timeline(mediator):
    w = build("negotiation", mediator)
    version = w.case.version
    target = datetime(2030, 1, 1, tzinfo=UTC)

    case = services.case_move_deadline(case_id=w.case.pk, deadline_at=target)

    assert case.deadline_at == target
    assert w.reload().version == version + 1
    event = case.events.get(kind="deadline_moved")
    assert event.data["deadline_kind"] == "negotiation"
    assert event.data["to"] == "2030-01-01T00:00:00+00:00"
