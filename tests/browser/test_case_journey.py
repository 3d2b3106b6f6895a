"""A real Chromium: the merchant's representative makes an offer, the consumer accepts it,
confirms the payment and sees the case resolved; times are shown in the browser's zone."""

from __future__ import annotations

import re
from datetime import UTC, datetime

import pytest
from playwright.sync_api import Page, expect

from odr.models import Case, CaseState

from ..factories import DEFAULT_PASSWORD
from ..odr.builders import build

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def _sign_in(page: Page, base: str, email: str) -> None:
    page.goto(base + "/accounts/login/")
    page.get_by_label("E-mail address").fill(email)
    page.get_by_label("Password").fill(DEFAULT_PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    expect(page.get_by_role("button", name="Sign out")).to_be_visible()


def _sign_out(page: Page) -> None:
    page.get_by_role("button", name="Sign out").click()
    expect(page.get_by_role("link", name="Sign in")).to_be_visible()


def test_offer_accepted_paid_and_resolved(live_server, page: Page, superuser):
    w = build(CaseState.AWAITING_MERCHANT, superuser)
    reference = w.case.complaint.reference
    case_url = f"{live_server.url}/cases/{reference}/"

    _sign_in(page, live_server.url, w.rep.email)
    page.goto(case_url)
    expect(page.get_by_test_id("case-state")).to_have_text("Waiting for the merchant's answer")
    page.get_by_label("What is offered").select_option("partial_refund")
    page.get_by_label("Amount").fill("80.00")
    page.get_by_label("Terms").fill("80 EUR back to the original card within 5 days.")
    page.get_by_role("button", name="Send the offer").click()
    expect(page.get_by_text("Your offer was sent.")).to_be_visible()
    expect(page.get_by_test_id("case-state")).to_have_text("Negotiation")
    _sign_out(page)

    _sign_in(page, live_server.url, w.consumer.email)
    expect(
        page.get_by_role("link", name=re.compile(r"Notifications \(\d+ unread\)"))
    ).to_be_visible()
    page.goto(case_url)
    expect(
        page.get_by_role("cell", name="80 EUR back to the original card within 5 days.")
    ).to_be_visible()
    page.get_by_role("button", name="Accept this offer").click()
    expect(page.get_by_text("You accepted the offer. The case is settled.")).to_be_visible()
    expect(page.get_by_test_id("case-state")).to_have_text("Settled, waiting for payment")

    page.get_by_role("button", name="I have received the settlement").click()

    expect(page.get_by_test_id("case-state")).to_have_text("Resolved")
    expect(page.get_by_text("Thank you. The case is resolved.")).to_be_visible()
    expect(page.get_by_role("heading", name="Rate how your case was handled")).to_be_visible()
    case = Case.objects.get(pk=w.case.pk)
    assert case.state == CaseState.RESOLVED
    assert case.outcome == "resolved_by_merchant"


@pytest.mark.browser_context_args(timezone_id="Asia/Shanghai")
def test_times_are_shown_in_the_browsers_zone(live_server, page: Page, superuser):
    w = build(CaseState.AWAITING_MERCHANT, superuser)
    # 20:30 UTC on 31 December is 04:30 on 1 January in Shanghai.
    Case.objects.filter(pk=w.case.pk).update(deadline_at=datetime(2026, 12, 31, 20, 30, tzinfo=UTC))
    case_url = f"{live_server.url}/cases/{w.case.complaint.reference}/"
    deadline = page.locator(".case-status time[data-local-time]")

    # Any page tells the server the browser's zone (here the sign-in page) ...
    _sign_in(page, live_server.url, w.consumer.email)
    assert _zone_cookie(page) == "Asia/Shanghai"
    # ... so the server renders the case page in it (the title keeps the server's text) ...
    page.goto(case_url)
    expect(deadline).to_have_attribute("title", "Jan 1, 2027, 04:30 AM CST")
    # The browser writes the same format (only its name of the zone may differ).
    expect(deadline).to_have_text(re.compile(r"^Jan 1, 2027, 04:30 AM \S+$"))

    # ... and without the cookie yet, the server writes UTC and the browser rewrites it.
    page.context.clear_cookies(name="redress_tz")
    page.reload()
    expect(deadline).to_have_attribute("title", "Dec 31, 2026, 08:30 PM UTC")
    expect(deadline).to_have_text(re.compile(r"^Jan 1, 2027, 04:30 AM \S+$"))
    assert _zone_cookie(page) == "Asia/Shanghai"


def _zone_cookie(page: Page) -> str | None:
    return next((c["value"] for c in page.context.cookies() if c["name"] == "redress_tz"), None)
