"""On the respondents step a consumer finds the marketplace in the directory, chooses it and
applies the rule: the marketplace stays chosen even when the rule does not make it answer."""

from __future__ import annotations

import pytest
from django.urls import reverse
from playwright.sync_api import Page, expect

from tests.complaints.conftest import build_merchant
from tests.factories import DEFAULT_PASSWORD, ComplaintFactory, UserFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_the_chosen_marketplace_stays_chosen_after_applying_the_rule(live_server, page: Page):
    consumer = UserFactory(email="li.na@example.test")
    seller_merchant = build_merchant("Sunny Trading Co", roles=["supplier"])
    platform = build_merchant("Example Mall Ltd", roles=["platform"])
    complaint = ComplaintFactory(
        consumer=consumer,
        purchase_mode="marketplace",
        shop_url="",
        shop_name="",
        platform_name="",
        draft_step="respondents",
    )

    page.goto(
        live_server.url
        + reverse(
            "complaints:edit", kwargs={"public_id": complaint.public_id, "step": "respondents"}
        )
    )
    page.get_by_label("E-mail address").fill(consumer.email)
    page.get_by_label("Password").fill(DEFAULT_PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Who is responsible")

    search = page.get_by_label("Find a merchant in the directory by shop link or name")
    search.fill("Sunny")
    page.get_by_role("button", name="Search the directory").click()
    seller = page.get_by_role("group", name="The seller on the marketplace")
    seller.get_by_label("Chosen from the directory").select_option(str(seller_merchant.public_id))
    search.fill("Example Mall")
    page.get_by_role("button", name="Search the directory").click()
    marketplace = page.get_by_role("group", name="The marketplace", exact=True)
    marketplace.get_by_label("Chosen from the directory").select_option(str(platform.public_id))
    page.get_by_role("button", name="Apply the rule and show who answers").click()

    # The seller is verified, so only the seller answers; the marketplace is still chosen.
    expect(page.locator(".proposal")).to_contain_text("Sunny Trading Co")
    expect(marketplace.get_by_label("Chosen from the directory")).to_have_value(
        str(platform.public_id)
    )
