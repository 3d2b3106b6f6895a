"""The deadline computation (odr.deadlines) without the database: each stage's period in
calendar days (README, "How a case is resolved"), counted from the start of the stage, stored in
UTC, with the reminder 48 hours before."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta, timezone

import pytest
import time_machine

from odr.deadlines import deadline_for, reminder_due_at, stage_duration

# The periods of the design, in calendar days.
DAYS = {
    "screening": 2,
    "consumer_info": 7,
    "merchant_response": 10,
    "negotiation": 30,
    "mediation": 45,
    "fulfilment": 15,
}
START = datetime(2026, 3, 27, 22, 30, tzinfo=UTC)


@pytest.mark.parametrize(("kind", "days"), DAYS.items())
def test_each_stage_lasts_its_calendar_days(kind, days):
    assert stage_duration(kind) == timedelta(days=days)
    assert deadline_for(kind, start=START) == START + timedelta(days=days)


def test_calendar_days_not_working_days():
    # From a Friday evening, ten days later is a Monday evening: weekends count.
    friday = datetime(2026, 3, 27, 18, 0, tzinfo=UTC)
    assert deadline_for("merchant_response", start=friday) == datetime(
        2026, 4, 6, 18, 0, tzinfo=UTC
    )


def test_the_deadline_is_in_utc_whatever_the_start_zone():
    shanghai = timezone(timedelta(hours=8))
    start = datetime(2026, 1, 10, 9, 0, tzinfo=shanghai)  # 01:00 UTC
    deadline = deadline_for("screening", start=start)
    assert deadline.utcoffset() == timedelta(0)
    assert deadline == datetime(2026, 1, 12, 1, 0, tzinfo=UTC)
    assert (deadline.year, deadline.month, deadline.day, deadline.hour) == (2026, 1, 12, 1)


def test_the_deadline_is_in_utc_whatever_the_server_zone(settings):
    settings.TIME_ZONE = "Asia/Shanghai"  # also the process's local time (time.tzset)
    deadline = deadline_for("fulfilment", start=START)
    assert deadline.tzinfo is UTC
    assert (deadline.day, deadline.hour) == (11, 22)  # 27 March 22:30 + 15 days, in UTC


def test_without_a_start_the_stage_starts_now():
    with time_machine.travel(START, tick=False):
        assert deadline_for("negotiation") == START + timedelta(days=30)


def test_the_periods_follow_the_settings(settings):
    settings.REDRESS_DEADLINES = {**settings.REDRESS_DEADLINES, "mediation": timedelta(days=90)}
    assert deadline_for("mediation", start=START) == START + timedelta(days=90)


def test_the_reminder_goes_out_48_hours_before():
    deadline = datetime(2026, 4, 6, 18, 0, tzinfo=UTC)
    assert reminder_due_at(deadline) == datetime(2026, 4, 4, 18, 0, tzinfo=UTC)
