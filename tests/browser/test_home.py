"""A real Chromium opens the home page and switches the language to 中文."""

from __future__ import annotations

import pytest
from playwright.sync_api import Page, expect

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_visitor_switches_the_home_page_to_chinese(live_server, page: Page):
    page.goto(live_server.url + "/")
    expect(page.get_by_role("heading", level=1)).to_contain_text("Bought from abroad")

    page.get_by_label("Language").select_option("zh-hans")
    page.get_by_role("button", name="Switch").click()

    expect(page).to_have_url(live_server.url + "/zh-hans/")
    expect(page.locator("html")).to_have_attribute("lang", "zh-hans")
    expect(page.get_by_role("heading", name="查询商家")).to_be_visible()


def test_home_page_is_keyboard_usable(live_server, page: Page):
    page.goto(live_server.url + "/")
    page.keyboard.press("Tab")
    expect(page.locator(":focus")).to_have_text("Skip to content")
