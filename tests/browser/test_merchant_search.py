"""A visitor pastes a messy shop link into the merchant search and lands on the merchant's page."""

from __future__ import annotations

import pytest
from playwright.sync_api import Page, expect

from tests.factories import MerchantFactory, ShopFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_a_pasted_shop_link_leads_to_the_merchant(live_server, page: Page):
    platform = MerchantFactory(
        legal_name="Harbourline Marketplace Ltd.", country="GB", roles=["platform"]
    )
    merchant = MerchantFactory(
        legal_name="杭州悦购代购服务有限公司",
        legal_name_latin="Hangzhou Yuegou Purchasing Services Co., Ltd.",
        country="CN",
        roles=["agent_spot"],
    )
    MerchantFactory(legal_name="Someone Else Ltd", roles=["supplier"])
    ShopFactory(
        merchant=merchant,
        platform=platform,
        name="悦购海外精品店",
        url="https://harbourline.example/store/yuegou",
    )

    page.goto(live_server.url + "/")
    page.get_by_role("link", name="Search merchants").click()
    page.get_by_label("Name, registration number or shop link").fill(
        "  HTTPS://WWW.Harbourline.Example/store/yuegou/?utm_source=wechat&spm=a21bo.1&fbclid=IwA  "
    )
    page.get_by_role("button", name="Search").click()

    expect(page).to_have_url(live_server.url + merchant.get_absolute_url())
    expect(page.get_by_role("heading", level=1)).to_have_text("杭州悦购代购服务有限公司")
    expect(page.locator("#credit")).to_contain_text("Not rated")
    expect(page.get_by_role("link", name="Harbourline Marketplace Ltd.")).to_be_visible()


def test_the_search_is_keyboard_usable(live_server, page: Page):
    MerchantFactory(legal_name="Nordlicht Naturkosmetik GmbH")

    page.goto(live_server.url + "/merchants/")
    page.get_by_label("Name, registration number or shop link").fill("nordlicht")
    page.keyboard.press("Enter")

    expect(page.get_by_role("link", name="Nordlicht Naturkosmetik GmbH")).to_be_visible()
