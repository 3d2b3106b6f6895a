"""transparency.statistics.public_statistics: every figure on a hand-made dataset (conftest),
each filter, what never counts, the cache and the number of queries."""

from __future__ import annotations

import datetime as dt

import pytest

from transparency.statistics import NO_PLATFORM, Filters, public_statistics

from .conftest import NOW, complaint_case

pytestmark = pytest.mark.django_db

LAST_12_MONTHS = {"first_month": dt.date(2025, 7, 1), "last_month": dt.date(2026, 6, 1)}


def figures(**filters):
    return public_statistics(Filters(**{**LAST_12_MONTHS, **filters}), now=NOW)


def test_every_figure_of_the_last_12_months_counted_by_hand(dataset):
    found = figures()

    assert found["total"] == 5
    assert found["first_month"] == "2025-07"
    assert found["last_month"] == "2026-06"
    assert found["months"] == [
        {"month": "2025-07", "count": 0},
        {"month": "2025-08", "count": 0},
        {"month": "2025-09", "count": 0},
        {"month": "2025-10", "count": 0},
        {"month": "2025-11", "count": 0},
        {"month": "2025-12", "count": 0},
        {"month": "2026-01", "count": 0},
        {"month": "2026-02", "count": 0},
        {"month": "2026-03", "count": 0},
        {"month": "2026-04", "count": 0},
        {"month": "2026-05", "count": 2},
        {"month": "2026-06", "count": 3},
    ]
    assert found["by_category"] == [
        {"category": "non_delivery", "count": 3},
        {"category": "fraud", "count": 2},
    ]
    assert found["pairs"] == [
        {"consumer_country": "FR", "merchant_country": "DE", "count": 2},
        {"consumer_country": "CN", "merchant_country": "DE", "count": 1},
        {"consumer_country": "FR", "merchant_country": "CN", "count": 1},
        {"consumer_country": "FR", "merchant_country": "", "count": 1},  # the seller only named
    ]
    assert [(p["legal_name"], p["count"]) for p in found["platforms"]] == [
        ("Alpha Marketplace Inc", 2),
        ("Beta Bazaar Ltd", 1),
    ]
    assert found["platforms"][0]["public_id"] == str(dataset["p1"].public_id)
    assert found["without_platform"] == 2
    # Answer due and known: 1, 2 and 5 answered, 3's deadline passed; 4's is still to come.
    assert (found["answer_known"], found["answered"], found["answered_in_time"]) == (4, 3, 2)
    assert found["answer_rate"] == 0.75
    assert found["in_time_rate"] == 0.5
    # Decided: 1, 2 and 3; resolved: 1 and 2 (4 and 16 days from acceptance).
    assert (found["decided"], found["resolved"]) == (3, 2)
    assert found["resolution_rate"] == pytest.approx(2 / 3)
    assert found["median_days_to_resolve"] == pytest.approx(10.0)


def test_the_median_of_an_odd_number_is_the_middle_one(dataset):
    complaint_case(
        submitted=dt.datetime(2026, 5, 10, tzinfo=dt.UTC),
        state="resolved",
        outcome="resolved_by_merchant",
        responded_after_days=1,
        closed_after_days=30,
    )

    found = figures()

    assert found["resolved"] == 3
    assert found["median_days_to_resolve"] == pytest.approx(16.0)  # of 4, 16 and 30


def test_nothing_counted_gives_no_rates_rather_than_zero(db):
    found = figures()

    assert found["total"] == 0
    assert [m["count"] for m in found["months"]] == [0] * 12
    assert found["by_category"] == found["pairs"] == found["platforms"] == []
    assert found["answer_rate"] is None
    assert found["in_time_rate"] is None
    assert found["resolution_rate"] is None
    assert found["median_days_to_resolve"] is None


def test_held_rejected_withdrawn_and_unscreened_complaints_never_count(merchants):
    june = dt.datetime(2026, 6, 2, tzinfo=dt.UTC)
    seller = merchants["de"]
    complaint_case(submitted=june, seller=seller, held_at=june, held_reason="repeated")
    complaint_case(
        submitted=june,
        seller=seller,
        held_at=june,
        held_reason="repeated",
        hold_decision="rejected",
    )
    complaint_case(
        submitted=june,
        seller=seller,
        state="rejected",
        outcome="rejected_unfounded",
        accepted=False,
    )
    complaint_case(
        submitted=june,
        seller=seller,
        state="rejected",
        outcome="rejected_unfounded",
        closed_after_days=3,
    )
    complaint_case(
        submitted=june, seller=seller, state="withdrawn", outcome="withdrawn", closed_after_days=3
    )
    complaint_case(submitted=june, seller=seller, state="submitted", accepted=False)

    assert figures()["total"] == 0

    complaint_case(submitted=june, seller=seller, held_at=june, hold_decision="accepted")

    assert figures()["total"] == 1


def test_a_pseudonymised_complaint_still_counts(merchants):
    from django.utils import timezone

    complaint_case(
        submitted=dt.datetime(2026, 6, 2, tzinfo=dt.UTC),
        category="fraud",
        consumer_country="CN",
        seller=merchants["de"],
        pseudonymised_at=timezone.now(),
        pseudonymised_reason="erasure",
    )

    found = figures()

    # Erasure removes what identifies the consumer; what the figures rest on stays.
    assert found["by_category"] == [{"category": "fraud", "count": 1}]
    assert found["pairs"] == [{"consumer_country": "CN", "merchant_country": "DE", "count": 1}]


@pytest.mark.parametrize(
    ("filters", "total", "expected"),
    [
        ({"category": "fraud"}, 2, {"decided": 1, "resolved": 0, "resolution_rate": 0.0}),
        ({"category": "defective"}, 0, {"by_category": []}),
        (
            {"consumer_country": "CN"},
            1,
            {"pairs": [{"consumer_country": "CN", "merchant_country": "DE", "count": 1}]},
        ),
        ({"merchant_country": "DE"}, 3, {"answer_known": 3, "answered": 2}),
        ({"merchant_country": "CN"}, 1, {"answer_known": 0, "answer_rate": None}),
        ({"platform": NO_PLATFORM}, 2, {"without_platform": 2, "platforms": []}),
        # Two filters at once: the fraud complaints bought in France.
        ({"category": "fraud", "consumer_country": "FR"}, 1, {"without_platform": 0}),
    ],
)
def test_each_filter_narrows_every_figure(dataset, filters, total, expected):
    found = figures(**filters)

    assert found["total"] == total
    assert sum(m["count"] for m in found["months"]) == total
    assert sum(row["count"] for row in found["by_category"]) == total
    for name, value in expected.items():
        assert found[name] == value


def test_the_platform_filter_keeps_that_marketplace_s_complaints(dataset):
    found = figures(platform=dataset["p1"].pk)

    assert found["total"] == 2
    assert [(p["legal_name"], p["count"]) for p in found["platforms"]] == [
        ("Alpha Marketplace Inc", 2)
    ]
    assert found["median_days_to_resolve"] == pytest.approx(10.0)


def test_the_period_counts_by_month_of_submission(dataset):
    two_years = figures(first_month=dt.date(2024, 7, 1))
    may_2025 = figures(first_month=dt.date(2025, 5, 1), last_month=dt.date(2025, 5, 1))
    june_2026 = figures(first_month=dt.date(2026, 6, 1))

    assert two_years["total"] == 6
    assert len(two_years["months"]) == 24
    assert may_2025["months"] == [{"month": "2025-05", "count": 1}]
    assert may_2025["by_category"] == [{"category": "defective", "count": 1}]
    assert may_2025["median_days_to_resolve"] == pytest.approx(20.0)
    assert june_2026["total"] == 3


def test_a_month_is_the_site_s_month_even_at_its_edges(merchants):
    complaint_case(submitted=dt.datetime(2026, 5, 31, 23, 59, tzinfo=dt.UTC))
    complaint_case(submitted=dt.datetime(2026, 6, 1, 0, 0, tzinfo=dt.UTC))

    found = figures(first_month=dt.date(2026, 5, 1))

    assert found["months"] == [{"month": "2026-05", "count": 1}, {"month": "2026-06", "count": 1}]


def test_the_seller_s_country_is_the_first_seller_s_not_another_party_s(merchants):
    from complaints.models import Respondent
    from tests.factories import CaseFactory, RespondentFactory

    case = CaseFactory(
        complaint__submitted_at=dt.datetime(2026, 6, 2, tzinfo=dt.UTC),
        complaint__consumer_country="CN",
    )
    # Named first: the purchasing agent (CN) and the platform (US); then the seller (DE).
    RespondentFactory(
        complaint=case.complaint, merchant=merchants["cn"], role=Respondent.Role.PURCHASING_AGENT
    )
    RespondentFactory(
        complaint=case.complaint, merchant=merchants["p1"], role=Respondent.Role.PLATFORM_OPERATOR
    )
    RespondentFactory(complaint=case.complaint, merchant=merchants["de"])
    RespondentFactory(complaint=case.complaint, merchant=merchants["p2"])  # a second seller

    assert figures()["pairs"] == [{"consumer_country": "CN", "merchant_country": "DE", "count": 1}]
    assert figures(merchant_country="DE")["total"] == 1
    assert figures(merchant_country="CN")["total"] == 0
    assert figures(merchant_country="GB")["total"] == 0


def test_the_top_lists_stop_at_ten(merchants):
    june = dt.datetime(2026, 6, 2, tzinfo=dt.UTC)
    for index, country in enumerate(["AT", "BE", "BG", "CY", "CZ", "DK", "EE", "ES", "FI", "GR"]):
        for _ in range(index + 1):
            complaint_case(submitted=june, consumer_country=country, seller=merchants["de"])
    complaint_case(submitted=june, consumer_country="HU", seller=merchants["de"])

    pairs = figures()["pairs"]

    assert len(pairs) == 10
    assert pairs[0] == {"consumer_country": "GR", "merchant_country": "DE", "count": 10}
    # Of the countries with one complaint, AT comes before HU, which is left out.
    assert pairs[-1] == {"consumer_country": "AT", "merchant_country": "DE", "count": 1}


def _more_complaints(merchants, count):
    for index in range(count):
        complaint_case(
            submitted=dt.datetime(2026, 1 + index % 5, 2, tzinfo=dt.UTC),
            category=["fraud", "defective", "customs"][index % 3],
            consumer_country=["JP", "KR", "US", "AU"][index % 4],
            seller=merchants["cn"],
            platform=merchants["p2"] if index % 2 else None,
            state="resolved",
            outcome="settled_in_mediation",
            responded_after_days=1,
            closed_after_days=index + 1,
        )


def test_the_queries_do_not_grow_with_the_complaints(dataset, django_assert_num_queries):
    # By month, by category (with the answer and resolution counts), country pairs, platforms,
    # the median's middle rows.
    with django_assert_num_queries(5):
        small = figures()
    _more_complaints(dataset, 30)
    with django_assert_num_queries(5):
        large = figures()
    with django_assert_num_queries(5):
        filtered = figures(merchant_country="CN", category="fraud", platform=NO_PLATFORM)

    assert (small["total"], large["total"]) == (5, 35)
    assert filtered["total"] == 5  # fraud is every third of the 30; without platform, even ones


def test_the_figures_are_kept_for_the_configured_seconds(dataset, settings, monkeypatch):
    import time_machine
    from django.core.cache.backends.locmem import LocMemCache
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    # A cache in this process, whose entries expire on the travelling clock (Redis's do not).
    local = LocMemCache("transparency-statistics-test", {})
    monkeypatch.setattr("core.cache.kept_cache", lambda: local)
    settings.TRANSPARENCY_STATISTICS_CACHE_SECONDS = 600
    june = dt.datetime(2026, 6, 3, tzinfo=dt.UTC)

    with time_machine.travel(NOW, tick=False):
        assert figures()["total"] == 5
        complaint_case(submitted=june)
        with CaptureQueriesContext(connection) as read:
            assert figures()["total"] == 5  # read from the cache
        assert len(read.captured_queries) == 0
        # Another filter is another entry, counted now.
        assert figures(category="non_delivery")["total"] == 4
        assert figures(category="fraud")["total"] == 2
    with time_machine.travel(NOW + dt.timedelta(seconds=601), tick=False):
        assert figures()["total"] == 6


def test_every_filter_is_part_of_the_cache_key(dataset, settings, monkeypatch):
    from django.core.cache.backends.locmem import LocMemCache

    monkeypatch.setattr("core.cache.kept_cache", lambda: LocMemCache("transparency-keys", {}))
    settings.TRANSPARENCY_STATISTICS_CACHE_SECONDS = 600
    may_2025 = dt.date(2025, 5, 1)

    assert figures()["total"] == 5
    assert figures(category="fraud")["total"] == 2
    assert figures(consumer_country="CN")["total"] == 1
    assert figures(merchant_country="DE")["total"] == 3
    assert figures(platform=dataset["p2"].pk)["total"] == 1
    assert figures(platform=NO_PLATFORM)["total"] == 2
    assert figures(first_month=dt.date(2026, 6, 1))["total"] == 3
    assert figures(first_month=may_2025, last_month=may_2025)["total"] == 1
    assert figures(first_month=may_2025, last_month=dt.date(2026, 5, 1))["total"] == 3
    assert figures()["total"] == 5


def test_the_tests_count_every_time(settings):
    # As ODR_DESK_CACHE_SECONDS: one test's figures must never be another's.
    assert settings.TRANSPARENCY_STATISTICS_CACHE_SECONDS == 0


def test_a_deadline_passes_with_the_clock(dataset):
    # Complaint 4 was accepted on 2026-06-14 at noon: its answer is due on 2026-06-24 at noon,
    # unknown before, unanswered after.
    later = public_statistics(
        Filters(**LAST_12_MONTHS), now=dt.datetime(2026, 6, 24, 13, tzinfo=dt.UTC)
    )

    assert later["answer_known"] == 5
    assert later["answer_rate"] == 0.6
