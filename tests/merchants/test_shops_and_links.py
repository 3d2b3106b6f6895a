"""Shops (found by any messy link to them), links between merchants, representatives."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from merchants import selectors, services
from merchants.models import MerchantLink, MerchantRepresentative, Shop
from tests.factories import MerchantFactory, ShopFactory, UserFactory

pytestmark = pytest.mark.django_db


def test_a_shop_keeps_its_normalised_url_in_step(merchant, platform):
    shop = services.shop_create(
        merchant_id=merchant.pk,
        platform_id=platform.pk,
        name=" Nordlicht  Store ",
        url="HTTPS://WWW.Harbourline.example/store/nordlicht/?utm_source=x",
    )

    assert shop.name == "Nordlicht Store"
    assert shop.url_normalized == "harbourline.example/store/nordlicht"

    services.shop_update(
        shop_id=shop.pk,
        name=shop.name,
        url="harbourline.example/store/nordlicht-de",
        platform_id=platform.pk,
    )
    shop.refresh_from_db()
    assert shop.url == "https://harbourline.example/store/nordlicht-de"
    assert shop.url_normalized == "harbourline.example/store/nordlicht-de"


@pytest.mark.parametrize(
    ("fields", "field"),
    [
        ({"url": "javascript:alert(1)"}, "url"),
        ({"url": "not a link"}, "url"),
        ({"name": "   "}, "name"),
        ({"name": "n" * 301}, "name"),
    ],
)
def test_bad_shops_are_field_errors(merchant, fields, field):
    with pytest.raises(ValidationError) as raised:
        services.shop_create(
            merchant_id=merchant.pk, **{"name": "Shop", "url": "https://shop.example/", **fields}
        )

    assert field in raised.value.message_dict
    assert not Shop.objects.exists()


def test_the_platform_of_a_shop_must_be_a_platform(merchant):
    not_a_platform = MerchantFactory(roles=["carrier"])

    with pytest.raises(ValidationError) as raised:
        services.shop_create(
            merchant_id=merchant.pk,
            platform_id=not_a_platform.pk,
            name="S",
            url="https://s.example/",
        )

    assert "platform" in raised.value.message_dict


def test_the_same_shop_twice_on_one_merchant_is_a_duplicate(merchant):
    services.shop_create(merchant_id=merchant.pk, name="S", url="https://www.shop.example/a/")

    with pytest.raises(ValidationError) as raised:
        services.shop_create(
            merchant_id=merchant.pk, name="S again", url="http://shop.example/a?utm_source=x"
        )

    assert "url" in raised.value.message_dict


def test_a_pasted_product_link_finds_the_shop_it_belongs_to(merchant, platform):
    own_site = ShopFactory(merchant=merchant, url="https://nordlicht.example/")
    store = ShopFactory(
        merchant=merchant, platform=platform, url="https://harbourline.example/store/nordlicht"
    )
    other = ShopFactory(platform=platform, url="https://harbourline.example/store/sakura")

    assert list(
        selectors.shops_matching_url("https://www.nordlicht.example/products/serum?utm_source=ig")
    ) == [own_site]
    assert list(selectors.shops_matching_url("harbourline.example/store/nordlicht/items/42")) == [
        store
    ]
    assert list(selectors.shops_matching_url("https://harbourline.example/store/sakura/")) == [
        other
    ]
    assert list(selectors.shops_matching_url("https://harbourline.example/store/unknown")) == []
    assert list(selectors.shops_matching_url("not a link")) == []


def test_a_seller_page_matches_whatever_else_is_in_its_query(merchant):
    shop = ShopFactory(merchant=merchant, url="https://www.amazon.example/sp?seller=A1B2C3")

    pasted = "https://www.amazon.example/sp?ie=UTF8&seller=A1B2C3&ref_=dp_merchant_link&isAmazonFulfilled=1"
    assert list(selectors.shops_matching_url(pasted)) == [shop]
    assert list(selectors.shops_matching_url("https://www.amazon.example/sp?seller=ZZZ")) == []


def test_the_most_specific_shop_wins_over_a_platform_front_page(merchant, platform):
    front = ShopFactory(merchant=platform, url="https://harbourline.example/")
    store = ShopFactory(
        merchant=merchant, platform=platform, url="https://harbourline.example/store/nordlicht"
    )

    assert list(selectors.shops_matching_url("https://harbourline.example/store/nordlicht/x")) == [
        store
    ]
    assert list(selectors.shops_matching_url("https://harbourline.example/help")) == [front]


def test_links_record_who_works_with_whom():
    agent = MerchantFactory(roles=["agent_spot"])
    supplier = MerchantFactory(roles=["supplier"])
    carrier = MerchantFactory(roles=["carrier"])
    platform = MerchantFactory(roles=["platform"])

    services.link_create(
        source_id=agent.pk,
        target_id=supplier.pk,
        kind="agent_supplier",
        started_on=dt.date(2024, 1, 1),
    )
    services.link_create(source_id=supplier.pk, target_id=carrier.pk, kind="seller_carrier")
    services.link_create(source_id=supplier.pk, target_id=platform.pk, kind="seller_platform")

    assert set(supplier.links_out.values_list("kind", flat=True)) == {
        "seller_carrier",
        "seller_platform",
    }
    assert supplier.links_in.get().source == agent


@pytest.mark.parametrize(
    ("source_roles", "target_roles", "kind", "field"),
    [
        (["supplier"], ["supplier"], "agent_supplier", "source"),
        (["agent_spot"], ["carrier"], "agent_supplier", "target"),
        (["supplier"], ["supplier"], "seller_carrier", "target"),
        (["supplier"], ["carrier"], "seller_platform", "target"),
    ],
)
def test_a_link_needs_the_roles_it_names(source_roles, target_roles, kind, field):
    source = MerchantFactory(roles=source_roles)
    target = MerchantFactory(roles=target_roles)

    with pytest.raises(ValidationError) as raised:
        services.link_create(source_id=source.pk, target_id=target.pk, kind=kind)

    assert field in raised.value.message_dict
    assert not MerchantLink.objects.exists()


def test_bad_links_are_refused():
    agent = MerchantFactory(roles=["agent_spot", "supplier"])
    supplier = MerchantFactory(roles=["supplier"])

    with pytest.raises(ValidationError, match="itself"):
        services.link_create(source_id=agent.pk, target_id=agent.pk, kind="agent_supplier")
    with pytest.raises(ValidationError, match="before"):
        services.link_create(
            source_id=agent.pk,
            target_id=supplier.pk,
            kind="agent_supplier",
            started_on=dt.date(2024, 5, 1),
            ended_on=dt.date(2024, 1, 1),
        )
    services.link_create(source_id=agent.pk, target_id=supplier.pk, kind="agent_supplier")
    with pytest.raises(ValidationError, match="already"):
        services.link_create(source_id=agent.pk, target_id=supplier.pk, kind="agent_supplier")


def test_staff_link_a_representative_account_once(merchant, mediator):
    rep = UserFactory(role="merchant_rep")

    first = services.representative_link(merchant_id=merchant.pk, user=rep, actor=mediator)
    again = services.representative_link(merchant_id=merchant.pk, user=rep, actor=mediator)

    assert first == again
    assert selectors.merchant_ids_represented_by(rep) == {merchant.pk}


def test_only_representative_accounts_represent_and_only_staff_link_them(
    merchant, mediator, consumer
):
    with pytest.raises(ValidationError):
        services.representative_link(merchant_id=merchant.pk, user=consumer, actor=mediator)
    rep = UserFactory(role="merchant_rep")
    with pytest.raises(PermissionDenied):
        services.representative_link(merchant_id=merchant.pk, user=rep, actor=rep)
    assert not MerchantRepresentative.objects.exists()
