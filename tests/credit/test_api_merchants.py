"""The merchant list for platforms: each merchant's current grade, and the grade filter."""

from __future__ import annotations

import pytest
from django.urls import reverse

from tests.factories import MerchantFactory

from .helpers import snapshot

pytestmark = pytest.mark.django_db

MERCHANTS = reverse("api:merchant-list")


def _rated(name: str, grade: str, score: int | None, **merchant) -> object:
    merchant = MerchantFactory(legal_name=name, **merchant)
    # An older snapshot with another grade: only the current one counts.
    snapshot(merchant, score=650, grade="C")
    snapshot(merchant, score=score, grade=grade, current=True)
    return merchant


@pytest.fixture
def merchants():
    return {
        "top": _rated("Top Ltd", "A+", 950),
        "good": _rated("Good Ltd", "A", 850, country="CN"),
        "poor": _rated("Poor Ltd", "F", 300),
        "few": _rated("Few Cases Ltd", "NR", None),
        "new": MerchantFactory(legal_name="Never Computed Ltd"),
    }


def _names(response) -> list[str]:
    assert response.status_code == 200, response.content
    return [row["legal_name"] for row in response.json()["results"]]


def test_each_row_carries_the_current_grade_score_and_credit_link(platform_api_client, merchants):
    rows = {r["legal_name"]: r for r in platform_api_client.get(MERCHANTS).json()["results"]}

    assert (rows["Top Ltd"]["grade"], rows["Top Ltd"]["score"]) == ("A+", 950)
    assert (rows["Poor Ltd"]["grade"], rows["Poor Ltd"]["score"]) == ("F", 300)
    assert (rows["Few Cases Ltd"]["grade"], rows["Few Cases Ltd"]["score"]) == ("NR", None)
    assert (rows["Never Computed Ltd"]["grade"], rows["Never Computed Ltd"]["score"]) == (
        "NR",
        None,
    )
    top = merchants["top"]
    assert rows["Top Ltd"]["credit_url"].endswith(f"/api/v1/merchants/{top.public_id}/credit/")


@pytest.mark.parametrize(
    ("params", "expected"),
    [
        ({"grade": "A+"}, ["Top Ltd"]),
        ({"grade": "a"}, ["Good Ltd"]),
        ({"grade": "F"}, ["Poor Ltd"]),
        ({"grade": "B"}, []),
        ({"grade": "NR"}, ["Few Cases Ltd", "Never Computed Ltd"]),
        ({"grade": "A", "country": "CN"}, ["Good Ltd"]),
        ({"grade": "A", "country": "DE"}, []),
        ({"grade": "C"}, []),  # an old snapshot's grade does not match
    ],
)
def test_the_list_filters_by_current_grade(platform_api_client, merchants, params, expected):
    assert _names(platform_api_client.get(MERCHANTS, params)) == expected


def test_a_plus_typed_into_the_url_is_read_as_a_plus(platform_api_client, merchants):
    # In a query string "+" is a space: ?grade=A+ arrives as "A ".
    assert _names(platform_api_client.get(f"{MERCHANTS}?grade=A+")) == ["Top Ltd"]


@pytest.mark.parametrize("grade", ["Z", "A++", "E", "NR+"])
def test_an_unknown_grade_is_a_400_naming_it(platform_api_client, merchants, grade):
    response = platform_api_client.get(MERCHANTS, {"grade": grade})

    assert response.status_code == 400
    assert list(response.json()["error"]["fields"]) == ["grade"]


def test_an_empty_grade_is_no_filter(platform_api_client, merchants):
    assert platform_api_client.get(MERCHANTS, {"grade": ""}).json()["count"] == 5


def test_the_grade_adds_no_query_per_merchant(
    platform_api_client, merchants, django_assert_max_num_queries
):
    for n in range(10):
        _rated(f"More {n} Ltd", "B", 750)

    # The key, the count, the page, the roles: grades come with the page.
    with django_assert_max_num_queries(5):
        response = platform_api_client.get(MERCHANTS, {"grade": "B"})

    assert response.json()["count"] == 10
