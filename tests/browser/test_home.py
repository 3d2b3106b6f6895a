"""A real Chromium opens the home page and switches the language to 中文: as soon as it is
picked, and without JavaScript with the switcher's button; `/` opens in the browser's language."""

from __future__ import annotations

import pytest
from playwright.sync_api import Page, expect

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]


def test_visitor_switches_the_home_page_to_chinese(live_server, page: Page):
    page.goto(live_server.url + "/")
    expect(page.get_by_role("heading", level=1)).to_contain_text("Bought from abroad")

    page.get_by_label("Language").select_option("zh-hans")

    # Picking the language is enough: no button to press.
    expect(page).to_have_url(live_server.url + "/zh-hans/")
    expect(page.locator("html")).to_have_attribute("lang", "zh-hans")
    expect(page.get_by_role("heading", name="查询商家")).to_be_visible()


def test_home_page_is_keyboard_usable(live_server, page: Page):
    page.goto(live_server.url + "/")
    page.keyboard.press("Tab")
    expect(page.locator(":focus")).to_have_text("Skip to content")

    # The skip link takes keyboard focus past the header to the page's content.
    page.keyboard.press("Enter")
    expect(page.locator(":focus")).to_have_attribute("id", "main")


def test_the_language_is_switched_with_the_keyboard_alone(live_server, page: Page):
    page.goto(live_server.url + "/")
    select = page.get_by_label("Language")
    for _ in range(30):  # Tab through the header until the language menu has the focus
        page.keyboard.press("Tab")
        if select.evaluate("element => element === document.activeElement"):
            break
    expect(select).to_be_focused()

    page.keyboard.press("ArrowDown")  # English -> 简体中文: picked, so switched

    expect(page).to_have_url(live_server.url + "/zh-hans/")
    expect(page.get_by_role("heading", name="查询商家")).to_be_visible()


@pytest.mark.browser_context_args(java_script_enabled=False)
def test_without_javascript_the_switcher_s_button_switches(live_server, page: Page):
    page.goto(live_server.url + "/")
    page.get_by_label("Language").select_option("zh-hans")
    expect(page).to_have_url(live_server.url + "/")  # nothing happens before the button

    page.get_by_role("button", name="Switch").click()

    expect(page).to_have_url(live_server.url + "/zh-hans/")


@pytest.mark.browser_context_args(locale="zh-CN")
def test_a_chinese_browser_opens_the_home_page_in_chinese(live_server, page: Page):
    page.goto(live_server.url + "/")

    expect(page).to_have_url(live_server.url + "/zh-hans/")
    expect(page.get_by_role("heading", name="查询商家")).to_be_visible()

    # Choosing English in the switcher wins over the browser's language from then on.
    page.get_by_label("语言").select_option("en")
    expect(page).to_have_url(live_server.url + "/")
    page.goto(live_server.url + "/")
    expect(page).to_have_url(live_server.url + "/")


def test_pages_raise_no_content_security_policy_violations(live_server, page: Page, mediator):
    violations: list[str] = []
    page.on(
        "console",
        lambda msg: (
            violations.append(f"{page.url}: {msg.text}")
            if "Content Security Policy" in msg.text
            else None
        ),
    )
    page.goto(live_server.url + "/")
    page.goto(live_server.url + "/accounts/register/")
    page.goto(live_server.url + "/api/docs/")
    expect(page.locator(".swagger-ui")).to_be_visible()
    # The admin, signed in as a mediator.
    page.goto(live_server.url + "/admin/login/")
    page.get_by_label("E-mail address").fill(mediator.email)
    page.get_by_label("Password").fill("correct-horse-battery")
    page.get_by_role("button", name="Log in").click()
    expect(page.get_by_role("heading", name="Cases, merchants and credit")).to_be_visible()
    page.goto(live_server.url + f"/admin/accounts/user/{mediator.pk}/change/")

    assert violations == []
