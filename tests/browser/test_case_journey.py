"""A real Chromium: the merchant's representative makes an offer, the consumer accepts it,
confirms the payment and sees the case resolved."""

from __future__ import annotations

import re

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
