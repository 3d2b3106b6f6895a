"""The mediators' desk: the queue opens on the work (open cases, nearest deadline first, none
last), the quick filters with their counts, the dashboard on the admin's index, the case page's
grouped buttons (issue 19 item 2)."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from odr import services
from odr.models import Case
from odr.models import CaseState as S
from odr.selectors import desk_counts
from tests.odr.builders import build

pytestmark = pytest.mark.django_db

QUEUE = reverse("admin:odr_case_changelist")


@pytest.fixture
def desk(client, mediator):
    client.force_login(mediator)
    return client


def _deadline(w, delta):
    Case.objects.filter(pk=w.case.pk).update(deadline_at=timezone.now() + delta)


@pytest.fixture
def queue(mediator):
    """Cases of every kind: overdue, due soon, later, no deadline, closed."""
    overdue = build(S.NEGOTIATION, mediator)
    _deadline(overdue, -timedelta(days=2))
    soon = build(S.NEGOTIATION, mediator)
    _deadline(soon, timedelta(hours=5))
    later = build(S.SUBMITTED, mediator)
    _deadline(later, timedelta(days=9))
    services.case_assign_mediator(case_id=later.case.pk, mediator=mediator, assigned_by=mediator)
    undated = build(S.NEGOTIATION, mediator)
    Case.objects.filter(pk=undated.case.pk).update(deadline_at=None)
    closed = build(S.RESOLVED, mediator)
    return {"overdue": overdue, "soon": soon, "later": later, "undated": undated, "closed": closed}


def _rows(desk, query=""):
    return [c.pk for c in desk.get(QUEUE + query).context["cl"].result_list]


def test_the_queue_opens_on_open_cases_nearest_deadline_first_none_last(desk, queue):
    expected = [queue[k].case.pk for k in ("overdue", "soon", "later", "undated")]

    assert _rows(desk) == expected


def test_all_cases_and_each_stage_are_one_click_away(desk, queue):
    assert set(_rows(desk, "?state=all")) == {w.case.pk for w in queue.values()}
    assert _rows(desk, f"?state={S.RESOLVED}") == [queue["closed"].case.pk]
    assert _rows(desk, "?state=not-a-state") == []


def test_the_quick_filters_show_their_counts(desk, queue):
    page = desk.get(QUEUE).content.decode()

    assert "Open cases (4)" in page
    assert "Assigned to me (1)" in page
    assert "Unassigned (3)" in page
    assert "Overdue (1)" in page
    assert "Due within 48 h (1)" in page
    assert 'href="?state=all"' in page


def test_the_desk_counts_take_four_queries(mediator, queue, django_assert_num_queries):
    with django_assert_num_queries(4):
        counts = desk_counts(mediator)

    assert (counts["open"], counts["mine"], counts["overdue"], counts["due_soon"]) == (4, 1, 1, 1)
    assert counts["by_state"] == {S.NEGOTIATION: 3, S.SUBMITTED: 1}
    # five cases were opened today
    assert counts["opened_per_day"][-1] == (timezone.localdate(), 5)
    assert [n for _day, n in counts["opened_per_day"][:-1]] == [0] * 6


def test_the_admin_index_is_the_mediator_s_dashboard(desk, queue):
    page = desk.get(reverse("admin:index")).content.decode()

    assert "Your desk" in page
    assert "My open cases" in page
    assert f'{QUEUE}?overdue=yes"><strong>1</strong>' in page.replace(' desk-alert"', '"')
    assert "Cases opened in the last seven days" in page
    assert "Negotiation" in page  # open cases by stage


def test_the_case_page_groups_its_buttons_and_marks_them(desk, mediator):
    w = build(S.SUBMITTED, mediator)

    page = desk.get(reverse("admin:odr_case_change", args=[w.case.pk])).content.decode()

    assert '<ul class="desk-actions"' in page
    accept = reverse("admin:odr_case_act", args=[w.case.pk, "accept"])
    reject = reverse("admin:odr_case_act", args=[w.case.pk, "reject"])
    assert f'<a href="{accept}" class="primary">' in page
    assert f'<a href="{reject}" class="danger">' in page


def test_a_filter_only_closed_cases_match_looks_at_every_stage(desk, queue):
    # Pseudonymised cases are closed: from the default queue, the filter still finds them.
    from complaints.models import Complaint

    Complaint.objects.filter(pk=queue["closed"].case.complaint_id).update(
        pseudonymised_at=timezone.now()
    )

    assert _rows(desk, "?pseudonymised=yes") == [queue["closed"].case.pk]


@pytest.mark.parametrize(
    ("preferred", "cookie", "expected"),
    [
        ("zh-hans", None, "zh-hans"),  # the mediator's own language
        ("en", None, "en"),
        ("zh-hans", "en", "en"),  # the switcher's choice wins
        ("en", "zh-hans", "zh-hans"),
    ],
)
def test_the_desk_speaks_the_mediator_s_language(client, mediator, preferred, cookie, expected):
    mediator.preferred_language = preferred
    mediator.save()
    client.force_login(mediator)
    if cookie:
        client.cookies["django_language"] = cookie

    response = client.get(reverse("admin:index"), HTTP_ACCEPT_LANGUAGE="en")

    assert f'<html lang="{expected}"' in response.content.decode()
    assert response["Content-Language"] == expected


def test_the_desk_s_sign_in_page_follows_the_browser(client):
    response = client.get(reverse("admin:login"), HTTP_ACCEPT_LANGUAGE="zh-CN")

    assert '<html lang="zh-hans"' in response.content.decode()
