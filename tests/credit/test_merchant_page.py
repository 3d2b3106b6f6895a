"""The credit section of the merchant page: grade, factors in words, the score chart and the
complaint statistics (counts by category, resolution rate, median days, consumers' ratings)."""

from __future__ import annotations

import datetime as dt
import re

import pytest
import time_machine

from credit import charts, selectors, services
from credit.models import CreditSnapshot
from odr.models import CaseRating
from tests.factories import MerchantFactory, RespondentFactory

from .helpers import DAY, NOW, decided_case, open_case, snapshot

pytestmark = pytest.mark.django_db


def _page(client, merchant, **headers) -> str:
    response = client.get(merchant.get_absolute_url(), **headers)
    assert response.status_code == 200
    html = response.content.decode()
    start = html.index('<section id="credit"')
    return html[start : html.index("</section>", start)]


@pytest.fixture
def rated():
    merchant = MerchantFactory(completeness=100, verification_state="verified")
    decided_case(merchant, "resolved_by_merchant", category="non_delivery", closed_after_days=4)
    decided_case(merchant, "settled_in_mediation", category="non_delivery", closed_after_days=10)
    decided_case(merchant, "referred_unresolved", category="fraud", closed_after_days=30)
    services.credit_recompute(merchant_ids=[merchant.pk], now=NOW)
    return merchant


def test_a_rated_merchant_shows_its_grade_score_and_factors_in_words(client, rated):
    snapshot = CreditSnapshot.objects.get(merchant=rated, is_current=True)

    with time_machine.travel(NOW, tick=False):
        html = _page(client, rated)

    assert f">{snapshot.grade}</span>" in html
    assert f"Score {snapshot.score} of 1000" in html
    assert "Resolved or settled 2 of 3 decided complaints." in html
    assert "Answered 3 of 3 complaints before the deadline." in html
    assert "Identity disclosure 100% complete; verification: verified." in html
    assert "version 1 of the method" in html


def test_the_score_chart_is_an_svg_drawn_on_the_server(client, rated):
    merchant = rated
    CreditSnapshot.objects.filter(merchant=merchant).update(is_current=False)
    snapshot(merchant, at=NOW - 60 * DAY, score=620, grade="C")
    snapshot(merchant, at=NOW - 30 * DAY, score=None, grade="NR")
    snapshot(merchant, at=NOW - 10 * DAY, score=810, grade="A", current=True)

    with time_machine.travel(NOW, tick=False):
        html = _page(client, merchant)

    svg = html[html.index("<svg") : html.index("</svg>")]
    assert 'role="img"' in svg and "<title" in svg
    # The original snapshot and the two added: three rated points, and NR breaks the line.
    assert svg.count("<circle") == 3
    assert svg.count("<polyline") == 2
    assert "810 (A)" in svg and "620 (C)" in svg
    assert "<script" not in html and "style=" not in svg
    assert "Score history as a table" in html


def test_chart_geometry_steps_and_breaks_at_not_rated():
    start = dt.datetime(2026, 1, 1, tzinfo=dt.UTC)
    snapshots = [
        CreditSnapshot(computed_at=start, score=500, grade="D"),
        CreditSnapshot(computed_at=start + DAY, score=None, grade="NR"),
        CreditSnapshot(computed_at=start + 2 * DAY, score=800, grade="A"),
    ]

    chart = charts.score_chart(snapshots, now=start + 4 * DAY)

    # 584 px wide from x=40 over 4 days; 180 px high from y=12 for 1000 points.
    assert chart["lines"] == ["40.0,102.0 186.0,102.0", "332.0,48.0 624.0,48.0"]
    assert [(p.x, p.y, p.score) for p in chart["points"]] == [
        ("40.0", "102.0", 500),
        ("332.0", "48.0", 800),
    ]
    assert [line["grade"] for line in chart["grade_lines"]] == ["A+", "A", "B", "C", "D"]
    assert charts.score_chart(snapshots[1:2], now=start) is None


def test_a_merchant_with_too_few_cases_is_shown_as_not_rated(client):
    merchant = MerchantFactory()
    decided_case(merchant, "resolved_by_merchant")
    services.credit_recompute(merchant_ids=[merchant.pk], now=NOW)

    html = _page(client, merchant)

    assert "Not rated" in html
    assert "Too few complaints have been decided to rate this merchant: 1 case counted" in html
    assert "<svg" not in html  # no score to draw


def test_a_merchant_never_computed_is_not_rated(client):
    html = _page(client, MerchantFactory())

    assert "Not rated" in html
    assert "No complaint about this merchant has been decided yet." in html
    assert "No complaint about this merchant has been accepted for mediation." in html


def test_complaint_statistics_computed_by_hand(rated):
    merchant = rated
    open_case(merchant, age_days=3)  # counted, not decided
    decided_case(merchant, "rejected_unfounded", category="fraud")  # not counted
    decided_case(merchant, "withdrawn", category="customs")  # not counted

    stats = selectors.complaint_statistics(merchant.pk)

    assert stats["total"] == 4
    # The open case has the factory's category, non_delivery.
    assert stats["by_category"] == [
        {"category": "non_delivery", "count": 3},
        {"category": "fraud", "count": 1},
    ]
    assert (stats["decided"], stats["resolved"]) == (3, 2)
    assert stats["resolution_rate"] == pytest.approx(2 / 3)
    # Resolved after 4 and 10 days: the median of two is their mean.
    assert stats["median_days_to_resolve"] == pytest.approx(7.0)


def test_the_median_of_an_odd_number_is_the_middle_one():
    merchant = MerchantFactory()
    for days in (30, 2, 9):
        decided_case(merchant, "resolved_by_merchant", closed_after_days=days)

    assert selectors.complaint_statistics(merchant.pk)["median_days_to_resolve"] == pytest.approx(9)


def test_ratings_count_each_case_once_even_if_the_merchant_is_named_twice(rated):
    merchant = rated
    cases = [r.complaint.case for r in merchant.respondent_in.select_related("complaint__case")]
    CaseRating.objects.create(case=cases[0], score=5)
    CaseRating.objects.create(case=cases[1], score=2)
    RespondentFactory(complaint=cases[1].complaint, merchant=merchant, role="purchasing_agent")

    ratings = selectors.complaint_statistics(merchant.pk)["ratings"]

    assert ratings == {"average": 3.5, "count": 2}


def test_the_page_shows_the_statistics(client, rated):
    merchant = rated
    case = merchant.respondent_in.first().complaint.case
    CaseRating.objects.create(case=case, score=4)

    html = _page(client, merchant)

    assert "67% (2 of 3 decided complaints resolved or settled)" in html
    assert "7 days from acceptance to resolution" in html
    assert "4.0 of 5 (1 rating)" in html
    rows = re.findall(r"<tr><td>([^<]+)</td><td>(\d+)</td></tr>", html)
    assert ("Not delivered or delivered late", "2") in rows
    assert ("Fraud (low-price trap, deposit scam, auction fraud)", "1") in rows


def test_the_section_is_translated(client, rated):
    html = _page(client, rated, HTTP_ACCEPT_LANGUAGE="zh-hans")
    chinese = client.get("/zh-hans" + rated.get_absolute_url()).content.decode()

    assert "Credit grade and complaints" in html  # no prefix: the default language
    assert "信用等级与投诉情况" in chinese
    assert "解决情况" in chinese


def test_the_credit_section_adds_a_fixed_number_of_queries(
    client, rated, django_assert_max_num_queries
):
    for n in range(12):
        decided_case(rated, "resolved_by_merchant", category="defective", closed_after_days=n)
        snapshot(rated, at=NOW - (n + 1) * DAY, score=700 + n, grade="B")

    # As many as for a merchant without any (tests/merchants/test_public_pages.py).
    with django_assert_max_num_queries(12):
        client.get(rated.get_absolute_url())


def test_the_figures_come_from_the_cache_on_the_next_visit(client, rated):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as first:
        before = _page(client, rated)
    with CaptureQueriesContext(connection) as second:
        after = _page(client, rated)

    assert after == before
    # By category, the median's middle durations, the ratings: read once, not on every visit.
    assert len(first) - len(second) == 3
    assert not [q for q in second.captured_queries if "odr_caserating" in q["sql"]]


def test_a_new_snapshot_shows_new_figures_at_once(client, rated):
    assert "67% (2 of 3 decided complaints resolved or settled)" in _page(client, rated)

    decided_case(rated, "resolved_by_merchant", category="defective", closed_after_days=2)
    services.credit_recompute(merchant_ids=[rated.pk], now=NOW + DAY)

    assert "75% (3 of 4 decided complaints resolved or settled)" in _page(client, rated)


def test_figures_that_do_not_move_the_credit_are_shown_once_the_cache_expires(
    client, rated, settings, monkeypatch
):
    from django.core.cache.backends.locmem import LocMemCache

    # A cache in this process, whose entries expire on the travelling clock (Redis's do not).
    local = LocMemCache("statistics-test", {})
    monkeypatch.setattr("core.cache.kept_cache", lambda: local)
    settings.CREDIT_STATISTICS_CACHE_SECONDS = 300
    case = rated.respondent_in.first().complaint.case
    with time_machine.travel(NOW, tick=False):
        assert "No rating yet." in _page(client, rated)
        CaseRating.objects.create(case=case, score=4)  # a rating does not recompute the credit
        assert "No rating yet." in _page(client, rated)
    with time_machine.travel(NOW + dt.timedelta(seconds=301), tick=False):
        assert "4.0 of 5 (1 rating)" in _page(client, rated)
