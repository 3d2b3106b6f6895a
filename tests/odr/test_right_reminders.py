"""Before the consumer's withdrawal right ends, while the case is still open, a daily task
reminds them once (notification and e-mail): mediation does not stop the statutory period."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest
import time_machine

from complaints.models import Complaint
from odr import tasks
from odr.models import CaseEvent, CaseState, Notification

from .builders import build

pytestmark = pytest.mark.django_db


def _at(day: int, month: int = 12):
    return time_machine.travel(datetime(2026, month, day, 8, 0, tzinfo=UTC), tick=False)


@pytest.fixture
def case(mediator):
    with _at(2):
        w = build(CaseState.AWAITING_MERCHANT, mediator)
    # Delivered 1 December to a consumer in France who was told of the right: the fourteen
    # days end on 15 December.
    Complaint.objects.filter(pk=w.case.complaint_id).update(
        consumer_country="FR",
        delivery="delivered",
        delivery_date=date(2026, 12, 1),
        seller_informed="yes",
        goods_exception="none",
    )
    return w


def _reminders(w):
    return Notification.objects.filter(user=w.consumer, kind="right_expiring")


def test_the_consumer_is_reminded_two_days_before_the_last_day_once(case):
    version = case.reload().version

    with _at(12):
        assert tasks.remind_expiring_rights() == 0
    with _at(13):
        assert tasks.remind_expiring_rights() == 1
        assert tasks.remind_expiring_rights() == 0
    with _at(14):
        assert tasks.remind_expiring_rights() == 0

    (notice,) = _reminders(case)
    reference = case.case.complaint.reference
    assert notice.text.startswith(
        f"Your right to withdraw from the contract ends on Dec 15, 2026 (case {reference})."
    )
    assert CaseEvent.objects.filter(case=case.case, kind="right_reminder_sent").count() == 1
    assert case.reload().version == version, "a reminder does not move the case"


def test_the_reminder_is_in_the_consumers_language(case):
    case.consumer.preferred_language = "zh-hans"
    case.consumer.save(update_fields=["preferred_language"])

    with _at(15):
        tasks.remind_expiring_rights()

    (notice,) = _reminders(case)
    assert "撤回合同" in notice.text
    assert "2026年12月15日" in notice.text


def test_no_reminder_after_the_last_day_or_for_a_closed_case(case, mediator):
    with _at(16):
        assert tasks.remind_expiring_rights() == 0

    with _at(2):
        closed = build(CaseState.REJECTED, mediator)
    Complaint.objects.filter(pk=closed.case.complaint_id).update(
        consumer_country="FR", delivery="delivered", delivery_date=date(2026, 12, 1)
    )
    with _at(14):
        tasks.remind_expiring_rights()
    assert not _reminders(closed).exists()


def test_a_consumer_not_informed_is_reminded_before_the_extended_end(case):
    Complaint.objects.filter(pk=case.case.complaint_id).update(seller_informed="no")

    with _at(14):
        assert tasks.remind_expiring_rights() == 0
    with _at(13, month=12) as traveller:
        traveller.move_to(datetime(2027, 12, 13, 8, 0, tzinfo=UTC))
        assert tasks.remind_expiring_rights() == 1
