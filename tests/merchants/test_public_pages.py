"""The public directory: search by name, number or link, filters, the merchant page."""
# ruff: noqa: RUF001 - full-width and ideographic characters are the point of these tests

from __future__ import annotations

import datetime as dt
import re

import pytest
from django.urls import reverse

from merchants import services
from tests.factories import MerchantFactory, ShopFactory

pytestmark = pytest.mark.django_db

SEARCH = reverse("merchants:search")


@pytest.fixture
def yuegou():
    return MerchantFactory(
        legal_name="杭州悦购代购服务有限公司",
        legal_name_latin="Hangzhou Yuegou Purchasing Services Co., Ltd.",
        trade_names=["Yuegou Global"],
        country="CN",
        roles=["agent_spot"],
        registration_number="91330105MA2KX8L21P",
    )


@pytest.fixture
def nordlicht():
    return MerchantFactory(
        legal_name="Nordlicht Naturkosmetik GmbH", country="DE", roles=["supplier"]
    )


def _names(response) -> list[str]:
    return [m.legal_name for m in response.context["merchants"]]


@pytest.mark.parametrize(
    "q",
    [
        "悦购",
        "杭州悦购代购",
        "yuegou",
        "YUEGOU GLOBAL",
        "ｙｕｅｇｏｕ",
        "purchasing services",
        "  Hangzhou   Yuegou ",
    ],
)
def test_a_name_is_found_in_any_script_and_in_part(client, yuegou, nordlicht, q):
    response = client.get(SEARCH, {"q": q})

    assert response.status_code == 200
    assert _names(response) == [yuegou.legal_name]


@pytest.mark.parametrize(
    "q", ["91330105-MA2K-X8L2-1P", "91330105ma2kx8l21p", " 9133 0105 MA2K X8L2 1P "]
)
def test_a_registration_number_is_found_however_it_is_typed(client, yuegou, nordlicht, q):
    assert _names(client.get(SEARCH, {"q": q})) == [yuegou.legal_name]


def test_a_pasted_link_goes_straight_to_the_merchant_page(client, yuegou):
    ShopFactory(merchant=yuegou, url="https://shop57321.xinghe.example/")

    response = client.get(
        SEARCH, {"q": "HTTPS://WWW.Shop57321.Xinghe.example/?spm=a1z10.1&utm_source=wx"}
    )

    assert response.status_code == 302
    assert response.url == yuegou.get_absolute_url()


def test_a_pasted_share_message_goes_to_the_merchant_of_its_link(client, yuegou):
    ShopFactory(merchant=yuegou, url="https://shop57321.xinghe.example/")
    message = (
        "【星河集市】悦购海外精品店 https://shop57321.xinghe.example/?spm=a1z10 点击链接直接打开"
    )

    response = client.get(SEARCH, {"q": message})

    assert response.status_code == 302
    assert response.url == yuegou.get_absolute_url()


def test_a_message_with_an_unknown_link_says_so_and_keeps_what_was_typed(client, yuegou):
    response = client.get(SEARCH, {"q": "悦购 https://unknown.example/x"})

    html = response.content.decode()
    assert response.status_code == 200
    assert _names(response) == []
    assert "No merchant in the directory has this shop yet" in html
    assert 'value="悦购 https://unknown.example/x"' in html


def test_a_link_two_merchants_claim_lists_both(client, yuegou, nordlicht):
    ShopFactory(merchant=yuegou, url="https://shop.example/a")
    ShopFactory(merchant=nordlicht, url="https://shop.example/a/")

    response = client.get(SEARCH, {"q": "https://shop.example/a"})

    assert response.status_code == 200
    assert sorted(_names(response)) == sorted([yuegou.legal_name, nordlicht.legal_name])


def test_an_unknown_link_says_so_and_suggests_a_complaint(client, yuegou):
    response = client.get(SEARCH, {"q": "https://unknown-shop.example/item/1"})

    assert response.status_code == 200
    assert _names(response) == []
    assert "No merchant in the directory has this shop yet" in response.content.decode()


def test_a_malformed_link_is_a_field_error_that_keeps_what_was_typed(client, yuegou):
    response = client.get(SEARCH, {"q": "https://"})

    html = response.content.decode()
    assert response.status_code == 200
    assert "no valid host name" in html
    assert 'value="https://"' in html


@pytest.mark.parametrize(
    ("params", "field"),
    [
        ({"country": "XX"}, "country"),
        ({"role": "wholesaler"}, "role"),
        ({"verification_state": "gold"}, "verification_state"),
    ],
)
def test_unknown_filter_values_are_field_errors(client, yuegou, params, field):
    response = client.get(SEARCH, params)

    assert response.status_code == 200
    assert field in response.context["form"].errors
    assert _names(response) == []


def test_filters_narrow_the_directory(client, yuegou, nordlicht, mediator):
    carrier = MerchantFactory(
        legal_name="Xunda Freight", country="HK", roles=["carrier", "supplier"]
    )
    services.verification_verify(merchant_id=nordlicht.pk, reviewer=mediator)

    assert _names(client.get(SEARCH, {"country": "cn"})) == [yuegou.legal_name]
    assert _names(client.get(SEARCH, {"role": "supplier"})) == [
        nordlicht.legal_name,
        carrier.legal_name,
    ]
    assert _names(client.get(SEARCH, {"verification_state": "verified"})) == [nordlicht.legal_name]
    assert _names(client.get(SEARCH, {"role": "supplier", "country": "HK"})) == [carrier.legal_name]


def test_the_directory_is_paginated_with_the_query_kept(client, django_assert_max_num_queries):
    for n in range(25):
        MerchantFactory(legal_name=f"Example Shop {n:02d}")

    with django_assert_max_num_queries(6):
        first = client.get(SEARCH, {"q": "example shop"})
    second = client.get(SEARCH, {"q": "example shop", "page": 2})

    assert len(first.context["merchants"]) == 20
    assert len(second.context["merchants"]) == 5
    assert "q=example+shop&amp;page=2" in first.content.decode()


def test_the_merchant_page_shows_identity_shops_links_and_history(
    client, yuegou, nordlicht, mediator
):
    platform = MerchantFactory(
        legal_name="星河集市", legal_name_latin="Xinghe Bazaar", roles=["platform"], country="CN"
    )
    ShopFactory(
        merchant=yuegou,
        platform=platform,
        name="悦购海外精品店",
        url="https://shop57321.xinghe.example/",
    )
    services.link_create(
        source_id=yuegou.pk,
        target_id=nordlicht.pk,
        kind="agent_supplier",
        started_on=dt.date(2023, 3, 1),
    )
    services.link_create(source_id=yuegou.pk, target_id=platform.pk, kind="seller_platform")
    services.merchant_update(
        merchant_id=yuegou.pk, actor=mediator, data={"registered_address": "新地址 5 楼"}
    )

    response = client.get(yuegou.get_absolute_url())

    html = response.content.decode()
    assert response.status_code == 200
    assert (
        "杭州悦购代购服务有限公司" in html
        and "Hangzhou Yuegou Purchasing Services Co., Ltd." in html
    )
    assert "91330105MA2KX8L21P" in html
    assert "Purchasing agent, spot (现货代购)" in html
    assert "悦购海外精品店" in html and platform.get_absolute_url() in html
    assert "buys from supplier" in html and nordlicht.get_absolute_url() in html
    assert "sells on platform" in html
    assert "Version 2" in html and "新地址 5 楼" in html and "edited by staff" in html
    assert "Version 1" in html


def test_the_merchant_page_has_the_credit_section(client, yuegou):
    html = client.get(yuegou.get_absolute_url()).content.decode()

    assert '<section id="credit"' in html
    assert "Not rated" in html  # tests/credit/test_merchant_page.py covers the rest


def test_a_verified_merchant_shows_the_badge_and_the_date(client, yuegou, mediator):
    services.verification_verify(
        merchant_id=yuegou.pk, reviewer=mediator, now=dt.datetime(2026, 3, 2, 10, 0, tzinfo=dt.UTC)
    )

    html = client.get(yuegou.get_absolute_url()).content.decode()

    assert "✓ Verified" in html
    assert "Mar 2, 2026" in html  # the site's one date format in English


@pytest.mark.parametrize(
    ("state", "text"),
    [
        ("unverified", "Nobody has checked this disclosure"),
        ("pending", "staff have not checked them yet"),
        ("rejected", "could not verify"),
        ("expired", "ran out on"),
    ],
)
def test_every_verification_state_is_explained(client, yuegou, mediator, state, text):
    if state == "pending":
        services.verification_mark_pending(merchant_id=yuegou.pk, actor=mediator)
    elif state == "rejected":
        services.verification_reject(merchant_id=yuegou.pk, reviewer=mediator, reason="x")
    elif state == "expired":
        services.verification_verify(merchant_id=yuegou.pk, reviewer=mediator)
        services.verification_expire(merchant_id=yuegou.pk, actor=mediator)

    html = client.get(yuegou.get_absolute_url()).content.decode()

    assert text in html
    assert "✓ Verified" not in html


def test_the_page_says_what_the_disclosure_is_missing(client):
    thin = MerchantFactory(registry="", responsible_person="")

    html = client.get(thin.get_absolute_url()).content.decode()

    assert "78%" in html
    assert "issuing registry" in html and "responsible person" in html


def test_the_merchant_page_in_simplified_chinese(client, yuegou):
    response = client.get("/zh-hans" + yuegou.get_absolute_url())

    html = response.content.decode()
    assert response.status_code == 200
    assert '<html lang="zh-hans">' in html
    assert "信息披露历史" in html  # "Disclosure history"
    assert "中国" in html  # the country, in Chinese


def test_the_merchant_page_has_a_bounded_number_of_queries(
    client, yuegou, django_assert_max_num_queries
):
    for n in range(5):
        ShopFactory(merchant=yuegou, url=f"https://shop{n}.example/")
        services.merchant_update(
            merchant_id=yuegou.pk, actor=None, data={"contact_phone": f"+86 571 8100 000{n}"}
        )

    with django_assert_max_num_queries(12):
        client.get(yuegou.get_absolute_url())


def test_an_unknown_merchant_is_404(client):
    assert (
        client.get(
            reverse("merchants:detail", args=["00000000-0000-0000-0000-000000000000"])
        ).status_code
        == 404
    )


def test_the_home_page_links_to_the_search(client):
    assert f'href="{SEARCH}"' in client.get("/").content.decode()


def test_the_search_form_has_labels_and_no_inline_script(client, yuegou):
    html = client.get(SEARCH).content.decode()

    for field in ("id_q", "id_country", "id_role", "id_verification_state"):
        assert f'for="{field}"' in html
    # Scripts come only from static files (the CSP allows no inline script).
    assert all("src=" in tag for tag in re.findall(r"<script[^>]*>", html))
    assert "onclick" not in html


def test_a_platform_with_many_sellers_pages_its_links(client, django_assert_max_num_queries):
    platform = MerchantFactory(legal_name="Harbourline", roles=["platform"], country="GB")
    for n in range(25):
        seller = MerchantFactory(legal_name=f"Seller {n:02d}")
        services.link_create(source_id=seller.pk, target_id=platform.pk, kind="seller_platform")

    with django_assert_max_num_queries(12):
        first = client.get(platform.get_absolute_url())
    second = client.get(platform.get_absolute_url(), {"links_page": 2})

    assert len(first.context["links"].object_list) == 20
    assert "?links_page=2#links" in first.content.decode()
    assert [link.source.legal_name for link in second.context["links"].object_list] == [
        f"Seller {n}" for n in range(20, 25)
    ]


def test_the_merchant_page_pages_its_history_and_shops_separately(client):
    merchant = MerchantFactory()
    for n in range(11):  # versions 2..12: 12 versions, 10 a page
        services.merchant_update(
            merchant_id=merchant.pk, actor=None, data={"contact_phone": f"+49 40 0000 {n:04d}"}
        )
    for n in range(21):
        ShopFactory(merchant=merchant, name=f"Shop {n:02d}", url=f"https://s{n}.example/")

    first = client.get(merchant.get_absolute_url())
    history_2 = client.get(merchant.get_absolute_url(), {"page": 2, "shops_page": 2})

    assert [row["version"].number for row in first.context["history"]] == list(range(12, 2, -1))
    assert len(first.context["shops"].object_list) == 20
    html = first.content.decode()
    assert "?page=2#history" in html and "?shops_page=2#shops" in html
    # Each list keeps the other's page in its links.
    assert [row["version"].number for row in history_2.context["history"]] == [2, 1]
    assert [s.name for s in history_2.context["shops"].object_list] == ["Shop 20"]
    assert "page=2&amp;shops_page=1#shops" in history_2.content.decode()
