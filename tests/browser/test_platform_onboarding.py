"""A real Chromium: an organisation asks for API access from its own account, an administrator
approves it in the admin, and the platform creates its first key, shown once (issue 19 item 6)."""

from __future__ import annotations

import pytest
from playwright.sync_api import Page, expect

from credit.selectors import api_key_for_secret

from ..factories import DEFAULT_PASSWORD, UserFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def _sign_in(page: Page, base: str, email: str) -> None:
    page.goto(base + "/accounts/login/")
    page.get_by_label("E-mail address").fill(email)
    page.get_by_label("Password").fill(DEFAULT_PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    expect(page.get_by_role("button", name="Sign out")).to_be_visible()


def test_a_platform_asks_is_approved_and_creates_its_key(live_server, page: Page, superuser):
    applicant = UserFactory(role="consumer")

    _sign_in(page, live_server.url, applicant.email)
    page.get_by_role("link", name="For platforms").click()
    page.get_by_role("link", name="Ask for API access").click()
    page.get_by_label("Organisation").fill("Example Marketplace Ltd")
    page.get_by_label("Website").fill("market.example.test")
    page.get_by_label("What will you use the API for?").fill("Grades at checkout.")
    page.get_by_role("button", name="Send the request").click()
    expect(page.get_by_text("Thank you: your request is waiting for review")).to_be_visible()

    page.context.clear_cookies()
    _sign_in(page, live_server.url, superuser.email)
    page.goto(live_server.url + "/admin/credit/platformaccessrequest/")
    page.get_by_role("link", name="Example Marketplace Ltd").click()
    page.get_by_role("button", name="Approve: the account becomes a platform client").click()
    expect(page.locator(".messagelist")).to_be_visible()

    page.context.clear_cookies()
    _sign_in(page, live_server.url, applicant.email)
    page.goto(live_server.url + "/platforms/keys/")
    page.get_by_label("Name of the new key").fill("checkout, production")
    page.get_by_role("button", name="Create the key").click()
    secret = page.get_by_test_id("new-secret").inner_text()
    assert api_key_for_secret(secret).client == applicant

    # Shown once: the keys page shows the key's name and prefix, never its secret again.
    page.goto(live_server.url + "/platforms/keys/")
    expect(page.get_by_test_id("new-secret")).to_have_count(0)
    expect(page.get_by_role("cell", name="checkout, production")).to_be_visible()
