"""The REST read API for platforms: merchants and shops, list/search and detail, strict filters."""

from __future__ import annotations

import pytest
from django.urls import reverse

from merchants import services
from tests.factories import MerchantFactory, ShopFactory

pytestmark = pytest.mark.django_db

MERCHANTS = reverse("api:merchant-list")
SHOPS = reverse("api:merchants:shop-list")


@pytest.fixture
def directory(mediator):
    yuegou = MerchantFactory(
        legal_name="杭州悦购代购服务有限公司",
        legal_name_latin="Hangzhou Yuegou Purchasing Services Co., Ltd.",
        country="CN",
        roles=["agent_spot"],
        registration_number="91330105MA2KX8L21P",
    )
    platform = MerchantFactory(
        legal_name="Harbourline Marketplace Ltd.", country="GB", roles=["platform"]
    )
    nordlicht = MerchantFactory(
        legal_name="Nordlicht Naturkosmetik GmbH", country="DE", roles=["supplier", "carrier"]
    )
    ShopFactory(
        merchant=nordlicht,
        platform=platform,
        name="Nordlicht",
        url="https://harbourline.example/store/nordlicht",
    )
    services.verification_verify(merchant_id=nordlicht.pk, reviewer=mediator)
    return {"yuegou": yuegou, "platform": platform, "nordlicht": nordlicht}


def _names(response) -> list[str]:
    assert response.status_code == 200, response.content
    return [row["legal_name"] for row in response.json()["results"]]


def test_the_list_is_paginated_and_says_how_many(api_client, directory):
    body = api_client.get(MERCHANTS).json()

    assert body["count"] == 3
    assert {"next", "previous", "results"} <= set(body)
    row = next(r for r in body["results"] if r["legal_name"].startswith("Nordlicht"))
    assert row["country"] == "DE"
    assert row["roles"] == ["carrier", "supplier"]
    assert row["verification"]["state"] == "verified"
    assert row["verification"]["expires_at"]
    assert row["url"].endswith(f"/api/v1/merchants/{directory['nordlicht'].public_id}/")
    assert row["page_url"].endswith(f"/merchants/{directory['nordlicht'].public_id}/")


@pytest.mark.parametrize(
    ("params", "expected"),
    [
        ({"q": "悦购"}, ["杭州悦购代购服务有限公司"]),
        ({"q": "hangzhou yuegou"}, ["杭州悦购代购服务有限公司"]),
        ({"q": "9133-0105 ma2k"}, []),
        ({"country": "cn"}, ["杭州悦购代购服务有限公司"]),
        ({"country": "DE"}, ["Nordlicht Naturkosmetik GmbH"]),
        ({"role": "platform"}, ["Harbourline Marketplace Ltd."]),
        ({"verification_state": "verified"}, ["Nordlicht Naturkosmetik GmbH"]),
        ({"registration_number": "91330105-ma2k-x8l2-1p"}, ["杭州悦购代购服务有限公司"]),
        (
            {"shop_url": "HTTPS://WWW.harbourline.example/store/nordlicht/?utm_source=x"},
            ["Nordlicht Naturkosmetik GmbH"],
        ),
        (
            {"shop_url": "https://harbourline.example/store/nordlicht/items/42"},
            ["Nordlicht Naturkosmetik GmbH"],
        ),
        ({"role": "supplier", "country": "CN"}, []),
    ],
)
def test_filters(api_client, directory, params, expected):
    assert _names(api_client.get(MERCHANTS, params)) == expected


@pytest.mark.parametrize(
    ("params", "field"),
    [
        ({"country": "XX"}, "country"),
        ({"role": "wholesaler"}, "role"),
        ({"verification_state": "gold"}, "verification_state"),
        ({"registration_number": "91330105#MA2K"}, "registration_number"),
        ({"shop_url": "javascript:alert(1)"}, "shop_url"),
        ({"shop_url": "https://"}, "shop_url"),
        ({"page": "abc"}, "page"),
        ({"page": "0"}, "page"),
        ({"page": "-1"}, "page"),
        ({"q": "x" * 1001}, "q"),
    ],
)
def test_bad_parameters_are_a_400_naming_the_field(api_client, directory, params, field):
    response = api_client.get(MERCHANTS, params)

    assert response.status_code == 400
    assert field in response.json()["error"]["fields"]


@pytest.mark.parametrize(
    ("url", "params", "unknown"),
    [
        (MERCHANTS, {"colour": "red"}, ["colour"]),
        (MERCHANTS, {"country": "CN", "contry": "CN"}, ["contry"]),
        (SHOPS, {"merchnt": "x", "page": "1"}, ["merchnt"]),
        (reverse("api:merchants:shop-detail", args=[1]), {"page": "1"}, ["page"]),
    ],
)
def test_an_unknown_parameter_is_a_400_naming_it(api_client, directory, url, params, unknown):
    response = api_client.get(url, params)

    assert response.status_code == 400
    assert response.json()["error"]["fields"] == {name: ["Unknown parameter."] for name in unknown}


def test_an_unknown_parameter_on_a_merchant_is_a_400(api_client, directory):
    url = reverse("api:merchants:merchant-detail", args=[directory["yuegou"].public_id])

    response = api_client.get(url, {"fields": "all"})

    assert response.status_code == 400
    assert response.json()["error"]["fields"] == {"fields": ["Unknown parameter."]}


def test_shop_filters_name_bad_values_too(api_client, directory):
    assert "merchant" in api_client.get(SHOPS, {"merchant": "not-a-uuid"}).json()["error"]["fields"]
    assert "url" in api_client.get(SHOPS, {"url": "not a link"}).json()["error"]["fields"]


def test_a_page_beyond_the_last_is_not_found(api_client, directory):
    assert api_client.get(MERCHANTS, {"page": 99}).status_code == 404


def test_the_detail_has_the_whole_disclosure_with_shops_and_links(api_client, directory):
    nordlicht = directory["nordlicht"]
    services.link_create(
        source_id=nordlicht.pk, target_id=directory["platform"].pk, kind="seller_platform"
    )

    body = api_client.get(
        reverse("api:merchants:merchant-detail", args=[nordlicht.public_id])
    ).json()

    assert body["legal_name"] == "Nordlicht Naturkosmetik GmbH"
    assert body["registered_address"] and body["responsible_person"]
    assert body["missing_items"] == []
    assert body["shops"][0]["url_normalized"] == "harbourline.example/store/nordlicht"
    assert body["shops"][0]["platform"]["public_id"] == str(directory["platform"].public_id)
    assert body["links"] == [
        {
            "kind": "seller_platform",
            "direction": "out",
            "merchant": {
                "public_id": str(directory["platform"].public_id),
                "name": "Harbourline Marketplace Ltd.",
                "url": f"http://testserver/api/v1/merchants/{directory['platform'].public_id}/",
            },
            "started_on": None,
            "ended_on": None,
        }
    ]


def test_shops_list_and_detail(api_client, directory):
    body = api_client.get(
        SHOPS, {"url": "http://harbourline.example/store/nordlicht#reviews"}
    ).json()

    assert body["count"] == 1
    shop = body["results"][0]
    assert shop["merchant"]["name"] == "Nordlicht Naturkosmetik GmbH"
    detail = api_client.get(reverse("api:merchants:shop-detail", args=[shop["id"]])).json()
    assert detail == shop
    assert (
        api_client.get(SHOPS, {"platform": str(directory["platform"].public_id)}).json()["count"]
        == 1
    )
    assert (
        api_client.get(SHOPS, {"merchant": str(directory["yuegou"].public_id)}).json()["count"] == 0
    )


def test_unknown_merchants_and_shops_are_404(api_client, db):
    assert (
        api_client.get(
            reverse("api:merchants:merchant-detail", args=["00000000-0000-0000-0000-000000000000"])
        ).status_code
        == 404
    )
    assert api_client.get(reverse("api:merchants:shop-detail", args=[999])).status_code == 404


def test_lists_have_a_bounded_number_of_queries(
    api_client, directory, django_assert_max_num_queries
):
    for n in range(10):
        ShopFactory(
            merchant=MerchantFactory(roles=["supplier", "carrier"]), url=f"https://s{n}.example/"
        )

    # One of these is the API key's own lookup (authentication).
    with django_assert_max_num_queries(5):
        api_client.get(MERCHANTS)
    with django_assert_max_num_queries(4):
        api_client.get(SHOPS)


def test_the_views_take_authentication_from_the_settings():
    from merchants.api import views

    for view in (
        views.MerchantListView,
        views.MerchantDetailView,
        views.ShopListView,
        views.ShopDetailView,
    ):
        assert "authentication_classes" not in vars(view)
        assert "permission_classes" not in vars(view)


def test_the_schema_documents_the_merchant_endpoints(api_client, db):
    response = api_client.get(reverse("api-schema"))

    assert response.status_code == 200
    schema = response.content.decode()
    assert "/api/v1/merchants/" in schema and "/api/v1/shops/{id}/" in schema
    assert "registration_number" in schema


def test_the_shop_list_is_paginated_strictly_too(api_client, directory):
    for n in range(25):
        ShopFactory(
            merchant=directory["yuegou"], name=f"Shop {n:02d}", url=f"https://s{n}.example/"
        )

    first = api_client.get(SHOPS).json()
    second = api_client.get(SHOPS, {"page": 2}).json()

    assert first["count"] == 26 and len(first["results"]) == 25
    assert first["next"].endswith("?page=2") and first["previous"] is None
    assert len(second["results"]) == 1
    assert "page" in api_client.get(SHOPS, {"page": "x"}).json()["error"]["fields"]
