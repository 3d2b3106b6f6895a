"""Times are stored in UTC and shown in the viewer's zone: the browser reports its zone in a
cookie (static/js/local-time.js) and every page, the admin included, is rendered in it."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
import time_machine
from django.urls import reverse

from complaints import services as complaint_services
from odr.models import Case, CaseState
from tests.factories import ComplaintFactory, RespondentFactory
from tests.odr.builders import build

pytestmark = pytest.mark.django_db

# 20:30 UTC on 31 December is already 1 January in Shanghai.
DEADLINE = datetime(2026, 12, 31, 20, 30, tzinfo=UTC)


@pytest.fixture
def case_world(mediator):
    w = build(CaseState.AWAITING_MERCHANT, mediator)
    Case.objects.filter(pk=w.case.pk).update(deadline_at=DEADLINE)
    return w


def _case_page(client, w) -> str:
    url = reverse("odr:case_detail", kwargs={"reference": w.case.complaint.reference})
    return client.get(url).content.decode()


def test_without_the_cookie_times_are_in_the_sites_zone_and_say_so(client, case_world):
    client.force_login(case_world.consumer)

    html = _case_page(client, case_world)

    assert 'datetime="2026-12-31T20:30:00+00:00"' in html
    assert "Dec 31, 2026, 08:30 PM UTC" in html


def test_the_case_page_is_rendered_in_the_zone_the_browser_reported(client, case_world):
    client.force_login(case_world.consumer)
    client.cookies["redress_tz"] = "Asia/Shanghai"

    html = _case_page(client, case_world)

    # The machine-readable time stays UTC; what the reader sees is Shanghai time.
    assert 'datetime="2026-12-31T20:30:00+00:00"' in html
    assert "Jan 1, 2027, 04:30 AM CST" in html


@pytest.mark.parametrize("value", ["Mars/Olympus", "../../etc/passwd", "", "UTC; drop"])
def test_a_cookie_that_is_not_a_zone_name_is_ignored(client, case_world, value):
    client.force_login(case_world.consumer)
    client.cookies["redress_tz"] = value

    assert "Dec 31, 2026, 08:30 PM UTC" in _case_page(client, case_world)


def test_my_complaints_shows_the_deadline_day_in_the_viewers_zone(client, case_world):
    client.force_login(case_world.consumer)
    client.cookies["redress_tz"] = "Asia/Shanghai"

    html = client.get(reverse("complaints:mine")).content.decode()

    assert "data-date-only>Jan 1, 2027</time>" in html


def test_the_mediators_queue_shows_deadlines_in_the_mediators_zone(client, case_world):
    client.force_login(case_world.mediator)
    client.cookies["redress_tz"] = "America/New_York"

    html = client.get(reverse("admin:odr_case_changelist")).content.decode()

    assert "Dec 31, 2026, 03:30 PM" in html
    assert "js/local-time.js" in html


def test_the_zone_of_one_request_does_not_leak_into_the_next(client, case_world):
    client.force_login(case_world.consumer)
    client.cookies["redress_tz"] = "Asia/Shanghai"
    _case_page(client, case_world)
    del client.cookies["redress_tz"]

    assert "Dec 31, 2026, 08:30 PM UTC" in _case_page(client, case_world)


@time_machine.travel(DEADLINE, tick=False)
def test_the_reference_year_does_not_depend_on_the_viewers_zone(client, consumer):
    complaint = ComplaintFactory(consumer=consumer, draft_step="review")
    RespondentFactory(complaint=complaint)
    client.force_login(consumer)
    client.cookies["redress_tz"] = "Asia/Shanghai"

    client.post(
        reverse("complaints:edit", kwargs={"public_id": complaint.public_id, "step": "review"}),
        {"consent": "on"},
    )

    complaint.refresh_from_db()
    assert complaint.reference == complaint_services.reference_for(complaint.pk, DEADLINE)
    assert complaint.reference.startswith("RD-2026-")


@pytest.mark.parametrize(
    ("language", "date_only", "shown"),
    [
        ("en", False, "Dec 31, 2026, 08:30 PM UTC"),
        ("en", True, "Dec 31, 2026"),
        ("zh-hans", False, "2026年12月31日 20:30 UTC"),
        ("zh-hans", True, "2026年12月31日"),
    ],
)
def test_one_date_format_per_language(language, date_only, shown):
    # The same patterns as js/local-time.js writes (tests/browser/test_local_time.py).
    from django.template import Context, Template
    from django.utils import translation

    template = Template("{% load local_time %}{% local_time when date_only=date_only %}")
    with translation.override(language):
        html = template.render(Context({"when": DEADLINE, "date_only": date_only}))

    assert f">{shown}</time>" in html
