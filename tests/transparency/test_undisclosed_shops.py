"""Warnings on shops nobody disclosed (issue 17, item 3): a directory lookup that finds no
merchant for a name or link tells how many screened complaints name that shop, with their
categories and dates, on the page and in the API; mediators see those names ranked."""

from __future__ import annotations

import datetime as dt

import pytest
from django.urls import reverse

from tests.factories import CaseFactory, ComplaintFactory, MerchantFactory, RespondentFactory

pytestmark = pytest.mark.django_db

SEARCH = "/merchants/"
MERCHANTS_API = reverse("api:merchant-list")
RANKING = "/admin/transparency/undisclosedshop/"


def _named(name, url="", *, state="awaiting_merchant", category="non_delivery", day=1, **kw):
    """A complaint whose case is in ``state``, submitted on 2026-11-``day``, naming a seller
    the directory does not have."""
    case = CaseFactory(
        state=state,
        complaint__category=category,
        complaint__submitted_at=dt.datetime(2026, 11, day, 9, 0, tzinfo=dt.UTC),
    )
    RespondentFactory(complaint=case.complaint, named_name=name, named_url=url, **kw)
    return case


@pytest.fixture
def sunny_audio():
    """Three screened complaints name Sunny Audio; others must not count."""
    _named("Sunny Audio", "https://mall.example/shop/sunny-audio", day=3)
    _named("Sunny Audio", "", category="not_as_described", state="negotiation", day=10)
    _named("sunny audio", "", state="resolved", day=20)
    # Not counted: still being screened, rejected at screening, a draft, linked to a merchant,
    # and a marketplace the consumer named with that name.
    _named("Sunny Audio", state="submitted", day=21)
    _named("Sunny Audio", state="rejected", day=22)
    RespondentFactory(complaint=ComplaintFactory(), named_name="Sunny Audio")
    linked = _named("Sunny Audio", day=23)
    linked.complaint.respondents.update(merchant=MerchantFactory(legal_name="Other Ltd."))
    _named("Sunny Audio", day=24, role="platform_operator")


def test_a_name_nobody_disclosed_shows_the_complaints_that_name_it(client, sunny_audio):
    page = client.get(SEARCH, {"q": "Sunny Audio"}).content.decode()

    assert "3 complaints name this shop; its operator has not disclosed who they are" in page
    assert "Not delivered or delivered late: 2" in page
    assert "Not as described or counterfeit: 1" in page
    assert "between Nov 3, 2026 and Nov 20, 2026" in page
    assert "No merchant matches this search." not in page


def test_the_name_is_compared_as_the_directory_compares_names(client, sunny_audio):
    page = client.get(SEARCH, {"q": "ＳＵＮＮＹ   AUDIO"}).content.decode()  # noqa: RUF001

    assert "3 complaints name this shop" in page


def test_a_partial_name_is_not_a_warning(client, sunny_audio):
    page = client.get(SEARCH, {"q": "Sunny"}).content.decode()

    assert "name this shop" not in page
    assert "No merchant matches this search." in page


def test_the_warning_is_in_chinese_on_the_chinese_page(client, sunny_audio):
    page = client.get("/zh-hans" + SEARCH, {"q": "Sunny Audio"}).content.decode()

    assert "有 3 件投诉指向这家店铺，其经营者尚未披露身份" in page  # noqa: RUF001


def test_a_merchant_in_the_directory_is_found_and_no_warning_is_shown(client, sunny_audio):
    MerchantFactory(legal_name="Sunny Audio")

    page = client.get(SEARCH, {"q": "Sunny Audio"}).content.decode()

    assert "1 merchant found" in page
    assert "name this shop" not in page


@pytest.mark.parametrize(
    ("looked_up", "expected"),
    [
        # the shop's own link, however it is written
        ("https://mall.example/shop/sunny-audio", 2),
        ("mall.example/shop/sunny-audio/?utm_source=x", 2),
        # a product link under the shop: the complaint naming the shop counts
        ("https://mall.example/shop/sunny-audio/item/3", 1),
        # the marketplace itself is not the shop
        ("https://mall.example", 0),
        ("https://mall.example/shop/other", 0),
    ],
)
def test_a_link_counts_the_complaints_naming_it_or_the_links_below_it(client, looked_up, expected):
    _named("Sunny Audio", "https://mall.example/shop/sunny-audio")
    _named("Sunny Audio", "https://mall.example/shop/sunny-audio/item/9?spm=abc")

    page = client.get(SEARCH, {"q": looked_up}).content.decode()

    if expected:
        assert f"{expected} complaint" in page and "name this shop" in page
    else:
        assert "name this shop" not in page


def test_the_api_gives_the_warning_instead_of_nothing(platform_api_client, sunny_audio):
    body = platform_api_client.get(MERCHANTS_API, {"q": "Sunny Audio"}).json()

    assert body["count"] == 0
    assert body["results"] == []
    assert body["undisclosed_shop"] == {
        "complaints": 3,
        "categories": [
            {"category": "non_delivery", "complaints": 2},
            {"category": "not_as_described", "complaints": 1},
        ],
        "first_on": "2026-11-03",
        "latest_on": "2026-11-20",
        "recent": [
            {"submitted_on": "2026-11-20", "category": "non_delivery"},
            {"submitted_on": "2026-11-10", "category": "not_as_described"},
            {"submitted_on": "2026-11-03", "category": "non_delivery"},
        ],
    }


def test_the_api_looks_the_shop_link_up_too(platform_api_client, sunny_audio):
    body = platform_api_client.get(
        MERCHANTS_API, {"shop_url": "https://mall.example/shop/sunny-audio"}
    ).json()

    assert body["undisclosed_shop"]["complaints"] == 1


def test_the_api_says_null_when_merchants_are_found_or_no_complaint_names_it(
    platform_api_client, sunny_audio
):
    MerchantFactory(legal_name="Sunny Audio")

    found = platform_api_client.get(MERCHANTS_API, {"q": "Sunny Audio"}).json()
    unknown = platform_api_client.get(MERCHANTS_API, {"q": "Nobody Named This"}).json()
    everything = platform_api_client.get(MERCHANTS_API).json()

    assert found["count"] == 1 and found["undisclosed_shop"] is None
    assert unknown["count"] == 0 and unknown["undisclosed_shop"] is None
    assert everything["undisclosed_shop"] is None


def test_the_schema_documents_the_warning(client):
    schema = client.get("/api/schema/?format=json").json()
    page = schema["components"]["schemas"]["PaginatedMerchantWithGradeList"]

    assert page["properties"]["undisclosed_shop"]["nullable"] is True
    assert "undisclosed_shop" in page["required"]


def test_a_warning_lists_the_ten_latest_and_counts_them_all(platform_api_client):
    for day in range(1, 13):
        _named("Many Complaints Shop", day=day)

    body = platform_api_client.get(MERCHANTS_API, {"q": "Many Complaints Shop"}).json()

    warning = body["undisclosed_shop"]
    assert warning["complaints"] == 12
    assert [row["submitted_on"] for row in warning["recent"]] == [
        f"2026-11-{day:02d}" for day in range(12, 2, -1)
    ]


def _queries_of_a_lookup(client, django_assert_max_num_queries, n):
    for day in range(1, n + 1):
        _named("Counted Shop", category="defective" if day % 2 else "non_delivery", day=day)
    with django_assert_max_num_queries(6) as captured:
        response = client.get(SEARCH, {"q": "Counted Shop"})
    assert f"{n} complaints name this shop" in response.content.decode()
    return len(captured)


def test_the_warning_costs_the_same_queries_whatever_the_number_of_complaints(
    client, django_assert_max_num_queries
):
    few = _queries_of_a_lookup(client, django_assert_max_num_queries, 2)
    RespondentFactory._meta.model.objects.all().delete()
    many = _queries_of_a_lookup(client, django_assert_max_num_queries, 14)

    assert few == many


def test_mediators_see_the_shops_nobody_disclosed_the_most_named_first(client, mediator):
    _named("Sunny Audio", "https://mall.example/shop/sunny-audio", day=3)
    _named("Sunny Audio", "https://mall.example/shop/sunny-audio", day=5)
    _named("Quiet Kettle", day=4)
    _named("Never Screened", state="submitted", day=6)
    client.force_login(mediator)

    page = client.get(RANKING).content.decode()

    assert page.index("https://mall.example/shop/sunny-audio") < page.index("Quiet Kettle")
    assert "Never Screened" not in page
    assert "merchant__isempty=1" in page


def test_the_ranking_is_for_staff_with_the_permission(client, consumer):
    client.force_login(consumer)

    assert client.get(RANKING).status_code == 302
