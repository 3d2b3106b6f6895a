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


def test_the_desk_counts_take_five_queries(mediator, queue, django_assert_num_queries):
    with django_assert_num_queries(5):
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


@pytest.fixture
def kept_desk(settings):
    """The desk's cache switched on (as in production), empty to begin with."""
    from django.core.cache import cache

    settings.ODR_DESK_CACHE_SECONDS = 30
    cache.clear()
    yield
    cache.clear()


def test_the_shared_counts_are_kept_and_the_mediators_own_is_live(
    kept_desk, mediator, queue, django_assert_num_queries
):
    with django_assert_num_queries(5):
        first = desk_counts(mediator)
    services.case_assign_mediator(
        case_id=queue["soon"].case.pk, mediator=mediator, assigned_by=mediator
    )
    with django_assert_num_queries(1):  # the mediator's own count only
        second = desk_counts(mediator)

    assert (first["mine"], second["mine"]) == (1, 2)
    assert (first["unassigned"], second["unassigned"]) == (3, 3)  # kept for 30 seconds
    assert second["by_state"] == first["by_state"]


def test_the_kept_counts_are_counted_again_after_the_delay(kept_desk, mediator, queue, monkeypatch):
    import time_machine
    from django.core.cache.backends.locmem import LocMemCache

    # A cache in this process, whose entries expire on the travelling clock (Redis's do not).
    local = LocMemCache("desk-test", {})
    monkeypatch.setattr("core.cache.kept_cache", lambda: local)

    with time_machine.travel(timezone.now(), tick=False) as clock:
        assert desk_counts(mediator)["unassigned"] == 3
        services.case_assign_mediator(
            case_id=queue["soon"].case.pk, mediator=mediator, assigned_by=mediator
        )
        clock.shift(timedelta(seconds=31))
        assert desk_counts(mediator)["unassigned"] == 2


def test_a_second_queue_page_counts_nothing_again(kept_desk, desk, queue):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as first:
        page = desk.get(QUEUE)
    with CaptureQueriesContext(connection) as second:
        again = desk.get(QUEUE)

    # The four shared counts, the merchants' countries, the queue's number of matches.
    assert len(first) - len(second) == 6
    assert again.context["cl"].result_count == page.context["cl"].result_count == 4
    assert [c.pk for c in again.context["cl"].result_list] == [
        c.pk for c in page.context["cl"].result_list
    ]


def test_each_rows_checkbox_is_djangos_own(mediator, queue):
    from django.contrib import admin as django_admin

    from odr.admin import CaseAdmin

    case = queue["soon"].case
    ours = CaseAdmin(Case, django_admin.site).action_checkbox(case)
    djangos = django_admin.ModelAdmin(Case, django_admin.site).action_checkbox(case)

    assert str(ours) == str(djangos)


def test_the_queue_names_each_category_in_the_mediators_language(client, mediator, queue):
    from complaints.models import Complaint

    Complaint.objects.filter(pk=queue["soon"].case.complaint_id).update(category="non_delivery")
    client.force_login(mediator)

    english = client.get(QUEUE).content.decode()
    client.cookies["django_language"] = "zh-hans"
    chinese = client.get(QUEUE).content.decode()

    assert "<td>Not delivered or delivered late</td>" in english.replace(
        ' class="field-category"', ""
    )
    assert "<td>未发货或延迟发货</td>" in chinese.replace(' class="field-category"', "")


def test_the_desk_says_how_old_its_counts_may_be(kept_desk, desk, queue):
    queue_page = desk.get(QUEUE).content.decode()
    dashboard = desk.get(reverse("admin:index")).content.decode()
    desk.cookies["django_language"] = "zh-hans"
    chinese = desk.get(QUEUE).content.decode()

    note = "Counts of all open cases may be up to 30 seconds old"
    assert note in queue_page
    assert note in dashboard
    assert "所有未结案件的数量最多可能滞后 30 秒" in chinese
