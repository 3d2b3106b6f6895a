"""The open complaint data (issue 17, item 1): a complaint whose consumer agreed is published
without personal data once the merchant answered or 15 days after the case was accepted; the
page, the public API and the exports show the same entries; a withdrawal or an erasure removes
the entry from all of them."""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
from decimal import Decimal

import pytest
from django.core.cache import caches

from complaints.models import Complaint
from tests.factories import CaseFactory, MerchantFactory, RespondentFactory
from transparency import services, tasks
from transparency.models import OpenComplaint

pytestmark = pytest.mark.django_db

API = "/api/v1/open-complaints/"
PAGE = "/open-data/"
NOW = dt.datetime(2026, 12, 1, 12, 0, tzinfo=dt.UTC)
ACCEPTED = dt.datetime(2026, 11, 2, 9, 0, tzinfo=dt.UTC)


def _case(*, publish=True, answered_at=None, accepted_at=ACCEPTED, state="negotiation", **kw):
    """A case of a complaint submitted on 2026-11-01 and accepted the next day, whose merchant
    had until 2026-11-12 to answer."""
    complaint = {
        "complaint__submitted_at": dt.datetime(2026, 11, 1, 9, 0, tzinfo=dt.UTC),
        "complaint__publish_consent_at": NOW if publish else None,
        "complaint__consumer_country": "CN",
        "complaint__amount": Decimal("2399.00"),
        "complaint__currency": "CNY",
        "complaint__category": "not_as_described",
        "complaint__purchase_mode": "marketplace",
        "complaint__platform_name": "Example Mall",
    }
    complaint.update({k: v for k, v in kw.items() if k.startswith("complaint__")})
    case_fields = {k: v for k, v in kw.items() if not k.startswith("complaint__")}
    case = CaseFactory(
        state=state,
        accepted_at=accepted_at,
        merchant_response_due_at=dt.datetime(2026, 11, 12, 9, 0, tzinfo=dt.UTC)
        if accepted_at
        else None,
        merchant_responded_at=answered_at,
        **complaint,
        **case_fields,
    )
    # Nothing happened on it since it was accepted (the periodic refresh compares this).
    Complaint.objects.filter(pk=case.complaint_id).update(last_activity_at=ACCEPTED)
    return case


def _refresh(case, now=NOW):
    return services.open_complaint_refresh(complaint_id=case.complaint_id, now=now)


@pytest.fixture
def seller():
    return MerchantFactory(legal_name="Tokyo Spot Buyer K.K.", country="JP")


@pytest.fixture
def answered(seller):
    case = _case(answered_at=dt.datetime(2026, 11, 5, 9, 0, tzinfo=dt.UTC))
    RespondentFactory(complaint=case.complaint, merchant=seller)
    _refresh(case)
    return case


def test_a_complaint_without_consent_is_never_published():
    case = _case(publish=False, answered_at=dt.datetime(2026, 11, 5, 9, 0, tzinfo=dt.UTC))

    assert _refresh(case) is None
    assert OpenComplaint.objects.count() == 0


def test_an_answered_complaint_is_published_without_personal_data(client, answered, seller):
    body = client.get(API).json()

    assert body["count"] == 1
    entry = body["results"][0]
    assert entry.pop("id")
    assert entry == {
        "submitted_on": "2026-11-01",
        "published_at": "2026-12-01T12:00:00Z",
        "category": "not_as_described",
        "consumer_country": "CN",
        "merchant_country": "JP",
        "merchant": {"public_id": str(seller.public_id), "name": "Tokyo Spot Buyer K.K."},
        "platform": None,
        "platform_name": "Example Mall",
        "purchase_mode": "marketplace",
        "amount_band": "1000_9999",
        "currency": "CNY",
        "outcome": "",
        "closed_on": None,
        "answered": True,
        "answered_in_time": True,
        "narrative": "",
    }
    text = json.dumps(body)
    complaint = answered.complaint
    for private in (
        complaint.reference,
        complaint.order_number,
        complaint.consumer.email,
        str(complaint.public_id),
        complaint.description,
        "2399",
    ):
        assert private not in text


@pytest.mark.parametrize(
    ("now", "published"),
    [
        # 15 days after the case was accepted (2026-11-02 09:00), not before
        (dt.datetime(2026, 11, 17, 8, 59, tzinfo=dt.UTC), False),
        (dt.datetime(2026, 11, 17, 9, 0, tzinfo=dt.UTC), True),
    ],
)
def test_an_unanswered_complaint_is_published_fifteen_days_after_it_was_accepted(now, published):
    case = _case(state="mediation")

    assert (_refresh(case, now=now) is not None) is published


def test_the_time_before_publication_is_configurable(settings):
    settings.TRANSPARENCY_PUBLISH_AFTER_DAYS = 30
    case = _case(state="mediation")

    assert _refresh(case, now=dt.datetime(2026, 11, 30, tzinfo=dt.UTC)) is None
    assert _refresh(case, now=dt.datetime(2026, 12, 3, tzinfo=dt.UTC)) is not None


def test_an_unanswered_entry_says_the_merchant_did_not_answer(client):
    _refresh(_case(state="mediation"))

    entry = client.get(API).json()["results"][0]

    assert (entry["answered"], entry["answered_in_time"]) == (False, False)


def test_a_late_answer_is_answered_but_not_in_time(client):
    _refresh(_case(answered_at=dt.datetime(2026, 11, 14, tzinfo=dt.UTC)))

    entry = client.get(API).json()["results"][0]

    assert (entry["answered"], entry["answered_in_time"]) == (True, False)


@pytest.mark.parametrize("state", ["submitted", "rejected"])
def test_a_complaint_not_accepted_at_screening_is_never_published(state):
    case = _case(state=state, accepted_at=None)

    assert _refresh(case, now=NOW + dt.timedelta(days=400)) is None


def test_a_held_complaint_is_not_published_until_a_mediator_accepts_the_hold():
    case = _case(
        answered_at=dt.datetime(2026, 11, 5, tzinfo=dt.UTC),
        complaint__held_at=dt.datetime(2026, 11, 1, tzinfo=dt.UTC),
        complaint__held_reason="flooding",
    )

    assert _refresh(case) is None


def test_withdrawing_consent_removes_the_entry_from_page_api_and_exports(
    client, answered, django_capture_on_commit_callbacks
):
    from complaints.services import complaint_set_publication

    complaint = answered.complaint
    with django_capture_on_commit_callbacks(execute=True):
        complaint_set_publication(
            complaint=complaint, consumer=complaint.consumer, publish=False, publish_narrative=False
        )

    assert OpenComplaint.objects.count() == 0
    assert client.get(API).json()["count"] == 0
    assert "Tokyo Spot Buyer" not in client.get(PAGE).content.decode()
    assert len(client.get(PAGE + "export.json").getvalue()) < 10


def test_a_withdrawn_entry_is_hidden_even_before_the_task_removed_it(client, answered):
    Complaint.objects.filter(pk=answered.complaint_id).update(publish_consent_at=None)

    assert OpenComplaint.objects.count() == 1
    assert client.get(API).json()["count"] == 0
    assert client.get(f"{API}{OpenComplaint.objects.get().public_id}/").status_code == 404
    assert b"Tokyo Spot Buyer" not in client.get(PAGE + "export.csv").getvalue()


def test_erasure_removes_the_entry(client, answered):
    Complaint.objects.filter(pk=answered.complaint_id).update(
        pseudonymised_at=NOW, pseudonymised_reason="erasure"
    )
    assert client.get(API).json()["count"] == 0

    _refresh(answered)

    assert OpenComplaint.objects.count() == 0


def test_the_periodic_refresh_publishes_what_became_due_and_removes_what_was_withdrawn(
    answered,
):
    due = _case(state="mediation")
    Complaint.objects.filter(pk=answered.complaint_id).update(publish_consent_at=None)

    import time_machine

    with time_machine.travel(NOW, tick=False):
        looked_at = tasks.refresh_open_complaints()

    assert looked_at == 2
    assert list(OpenComplaint.objects.values_list("complaint_id", flat=True)) == [due.complaint_id]
    with time_machine.travel(NOW, tick=False):
        assert tasks.refresh_open_complaints() == 0


def test_the_periodic_refresh_updates_an_entry_whose_case_moved(client, answered):
    import time_machine

    Complaint.objects.filter(pk=answered.complaint_id).update(
        last_activity_at=NOW + dt.timedelta(hours=1)
    )
    type(answered).objects.filter(pk=answered.pk).update(
        state="resolved", outcome="resolved_by_merchant", closed_at=NOW
    )
    with time_machine.travel(NOW + dt.timedelta(hours=2), tick=False):
        tasks.refresh_open_complaints()

    entry = client.get(API).json()["results"][0]
    assert (entry["outcome"], entry["closed_on"]) == ("resolved_by_merchant", "2026-12-01")


# --- the public API ---------------------------------------------------------------------------


@pytest.fixture
def three(seller):
    """Three published entries: two categories, two consumer countries, one still open."""
    a = _case(answered_at=dt.datetime(2026, 11, 5, tzinfo=dt.UTC))
    RespondentFactory(complaint=a.complaint, merchant=seller)
    b = _case(
        state="resolved",
        outcome="resolved_by_merchant",
        closed_at=NOW,
        answered_at=dt.datetime(2026, 11, 20, tzinfo=dt.UTC),
        complaint__category="non_delivery",
        complaint__consumer_country="GB",
        complaint__submitted_at=dt.datetime(2026, 11, 3, tzinfo=dt.UTC),
    )
    c = _case(state="mediation", complaint__submitted_at=dt.datetime(2026, 11, 2, tzinfo=dt.UTC))
    for case in (a, b, c):
        _refresh(case)
    return a, b, c


def _dates(response):
    return [e["submitted_on"] for e in response.json()["results"]]


@pytest.mark.parametrize(
    ("params", "expected"),
    [
        ({}, ["2026-11-03", "2026-11-02", "2026-11-01"]),
        ({"category": "non_delivery"}, ["2026-11-03"]),
        ({"consumer_country": "CN"}, ["2026-11-02", "2026-11-01"]),
        ({"merchant_country": "JP"}, ["2026-11-01"]),
        ({"outcome": "open"}, ["2026-11-02", "2026-11-01"]),
        ({"outcome": "resolved_by_merchant"}, ["2026-11-03"]),
        ({"answered_in_time": "true"}, ["2026-11-01"]),
        ({"answered_in_time": "false"}, ["2026-11-03", "2026-11-02"]),
        ({"submitted_from": "2026-11-02", "submitted_to": "2026-11-02"}, ["2026-11-02"]),
        ({"q": "tokyo spot"}, ["2026-11-01"]),
        ({"amount_band": "under_100"}, []),
    ],
)
def test_the_api_filters(client, three, params, expected):
    assert _dates(client.get(API, params)) == expected


def test_the_api_filters_by_merchant_public_id(client, three, seller):
    assert _dates(client.get(API, {"merchant": str(seller.public_id)})) == ["2026-11-01"]


@pytest.mark.parametrize(
    ("params", "field"),
    [
        ({"category": "nope"}, "category"),
        ({"consumer_country": "XX"}, "consumer_country"),
        ({"outcome": "won"}, "outcome"),
        ({"submitted_from": "yesterday"}, "submitted_from"),
        ({"merchant": "not-a-uuid"}, "merchant"),
        ({"colour": "red"}, "colour"),
        ({"page": "0"}, "page"),
    ],
)
def test_a_bad_filter_is_a_400_naming_the_field(client, three, params, field):
    response = client.get(API, params)

    assert response.status_code == 400
    assert list(response.json()["error"]["fields"]) == [field]


def test_the_api_needs_no_key_and_is_throttled_per_address(client, settings, three):
    caches["limits"].clear()
    settings.TRANSPARENCY_API_RATE = "2/minute"

    answers = [client.get(API).status_code for _ in range(3)]

    assert answers == [200, 200, 429]
    caches["limits"].clear()


def test_the_api_is_paginated(client):
    for day in range(1, 53):
        case = _case(
            answered_at=dt.datetime(2026, 11, 5, tzinfo=dt.UTC),
            complaint__submitted_at=dt.datetime(2026, 10, 1, tzinfo=dt.UTC)
            + dt.timedelta(days=day),
        )
        _refresh(case)

    first = client.get(API).json()
    second = client.get(API, {"page": 2}).json()

    assert (first["count"], len(first["results"]), len(second["results"])) == (52, 50, 2)


def _queries(client, django_assert_max_num_queries, url, n):
    OpenComplaint.objects.all().delete()
    for day in range(n):
        case = _case(
            answered_at=dt.datetime(2026, 11, 5, tzinfo=dt.UTC),
            complaint__submitted_at=dt.datetime(2026, 10, 1, tzinfo=dt.UTC)
            + dt.timedelta(days=day),
        )
        RespondentFactory(complaint=case.complaint, merchant=MerchantFactory())
        _refresh(case)
    with django_assert_max_num_queries(8) as captured:
        assert client.get(url).status_code == 200
    return len(captured)


@pytest.mark.parametrize("url", [API, PAGE])
def test_the_queries_do_not_grow_with_the_entries(client, django_assert_max_num_queries, url):
    few = _queries(client, django_assert_max_num_queries, url, 2)
    many = _queries(client, django_assert_max_num_queries, url, 12)

    assert few == many


# --- the page and the exports -------------------------------------------------------------------


def test_the_page_lists_the_entries_in_both_languages(client, three):
    english = client.get(PAGE).content.decode()
    chinese = client.get("/zh-hans" + PAGE).content.decode()

    assert "3 complaints" in english
    assert "Not as described or counterfeit" in english
    assert "Tokyo Spot Buyer K.K." in english
    assert "3 件投诉" in chinese
    assert "公开投诉数据" in chinese


def test_the_page_refuses_a_bad_filter_naming_it_in_both_languages(client, three):
    english = client.get(PAGE, {"category": "nope"})
    chinese = client.get("/zh-hans" + PAGE, {"category": "nope"})

    assert english.status_code == chinese.status_code == 400
    assert "Select a valid choice. nope is not one of the available choices." in (
        english.content.decode()
    )
    assert "nope" in chinese.content.decode() and "选择一个有效的选项" in chinese.content.decode()


def test_the_csv_export_streams_every_matching_entry(client, three, seller):
    response = client.get(PAGE + "export.csv", {"category": "not_as_described"})

    assert response.streaming
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    rows = list(csv.reader(io.StringIO(response.getvalue().decode())))
    assert rows[0] == [
        "id", "submitted_on", "published_at", "category", "consumer_country",
        "merchant_country", "merchant_id", "merchant_name", "platform_id", "platform_name",
        "purchase_mode", "amount_band", "currency", "outcome", "closed_on", "answered",
        "answered_in_time", "narrative",
    ]  # fmt: skip
    assert [row[1:] for row in rows[1:]] == [
        ["2026-11-02", "2026-12-01 12:00:00+00:00", "not_as_described", "CN", "", "", "",
         "", "Example Mall", "marketplace", "1000_9999", "CNY", "", "", "False", "False",
         ""],
        ["2026-11-01", "2026-12-01 12:00:00+00:00", "not_as_described", "CN", "JP",
         str(seller.public_id), "Tokyo Spot Buyer K.K.", "", "Example Mall", "marketplace",
         "1000_9999", "CNY", "", "", "True", "True", ""],
    ]  # fmt: skip


def test_the_json_export_is_the_same_entries(client, three):
    response = client.get(PAGE + "export.json", {"outcome": "resolved_by_merchant"})

    assert response.streaming
    entries = json.loads(response.getvalue())
    assert [(e["submitted_on"], e["consumer_country"], e["outcome"]) for e in entries] == [
        ("2026-11-03", "GB", "resolved_by_merchant")
    ]


def test_an_export_with_a_bad_filter_is_a_400(client, three):
    assert client.get(PAGE + "export.csv", {"amount_band": "huge"}).status_code == 400


def test_linking_the_seller_later_names_it_in_the_entry(
    client, seller, mediator, django_capture_on_commit_callbacks
):
    from complaints.services import respondent_link

    case = _case(answered_at=dt.datetime(2026, 11, 5, tzinfo=dt.UTC))
    named = RespondentFactory(complaint=case.complaint, named_name="Tokyo Spot")
    _refresh(case)
    assert client.get(API).json()["results"][0]["merchant"] is None

    with django_capture_on_commit_callbacks(execute=True):
        respondent_link(respondent=named, merchant=seller, by=mediator)

    entry = client.get(API).json()["results"][0]
    assert entry["merchant"]["name"] == "Tokyo Spot Buyer K.K."
    assert entry["merchant_country"] == "JP"


def test_the_number_of_entries_is_kept_a_minute_and_the_entries_are_fresh(
    client, settings, monkeypatch
):
    from django.core.cache.backends.locmem import LocMemCache

    local = LocMemCache("open-data-count", {})
    monkeypatch.setattr("core.cache.kept_cache", lambda: local)
    settings.TRANSPARENCY_COUNT_CACHE_SECONDS = 60
    _refresh(_case(answered_at=dt.datetime(2026, 11, 5, tzinfo=dt.UTC)))
    assert client.get(API).json()["count"] == 1
    assert "1 complaint" in client.get(PAGE).content.decode()

    _refresh(
        _case(
            answered_at=dt.datetime(2026, 11, 5, tzinfo=dt.UTC),
            complaint__submitted_at=dt.datetime(2026, 11, 4, tzinfo=dt.UTC),
        )
    )

    body = client.get(API).json()
    assert body["count"] == 1  # counted a minute ago
    assert len(body["results"]) == 2  # the page itself is read now
    assert "1 complaint" in client.get(PAGE).content.decode()
