"""A consumer signs in, files a complaint through every step with a photo, sees on the review
step until when they may still withdraw, and finds the complaint in My complaints with its
reference and, on its page, the photo's SHA-256."""

from __future__ import annotations

import hashlib
from datetime import timedelta

import pytest
from django.utils import timezone
from django.utils.formats import date_format
from playwright.sync_api import Page, expect

from complaints.models import Complaint
from tests.complaints.conftest import png_bytes
from tests.factories import DEFAULT_PASSWORD, UserFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_consumer_files_a_complaint_with_a_photo(live_server, page: Page):
    consumer = UserFactory(email="li.na@example.test")
    photo = png_bytes(size=(64, 48), color="orange")
    order_date = (timezone.localdate() - timedelta(days=12)).isoformat()
    delivered = timezone.localdate() - timedelta(days=3)
    # Directive 2011/83/EU art. 9: fourteen days counted from the day after delivery.
    withdraw_until = date_format(delivered + timedelta(days=14), "DATE_FORMAT")

    page.goto(live_server.url + "/")
    page.get_by_role("link", name="Start a complaint").click()
    # Sent to sign in, then brought back to the form.
    page.get_by_label("E-mail address").fill(consumer.email)
    page.get_by_label("Password").fill(DEFAULT_PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("The purchase")

    page.get_by_label("Through a marketplace").check()
    page.get_by_label("Shop or product link").fill("https://mall.example.test/shop/42")
    page.get_by_label("Shop name").fill("Sunny Trading")
    page.get_by_label("Marketplace or platform, if any").fill("Example Mall")
    page.get_by_label("Order number").fill("A-1001")
    page.get_by_label("Order date").fill(order_date)
    page.get_by_label("What you bought").fill("Leather handbag")
    page.get_by_label("Amount paid").fill("1299.00")
    page.get_by_label("Currency").select_option("CNY")
    page.get_by_label("How you paid").select_option("alipay")
    page.get_by_label("Your country of residence").select_option("DE")
    page.get_by_label("Delivered", exact=True).check()
    page.get_by_label("Delivery date").fill(delivered.isoformat())
    page.get_by_role("group", name="Did the seller tell you").get_by_label("Yes").check()
    page.get_by_role("button", name="Save and continue").click()

    expect(page.get_by_role("heading", level=1)).to_have_text("What went wrong")
    page.get_by_label("Not as described or counterfeit").check()
    page.get_by_label("What happened").fill("The bag arrived with a fake serial tag.")
    page.get_by_role("button", name="Save and continue").click()

    expect(page.get_by_role("heading", level=1)).to_have_text("What you want")
    page.get_by_label("Refund", exact=True).check()
    page.get_by_role("button", name="Save and continue").click()

    expect(page.get_by_role("heading", level=1)).to_have_text("Who is responsible")
    # The seller is suggested from the shop name typed on the first step, and the rule explains
    # why the marketplace answers too.
    expect(page.locator(".proposal")).to_contain_text("Sunny Trading")
    expect(page.locator(".proposal")).to_contain_text("so the platform answers too")
    page.get_by_role("button", name="Save and continue").click()

    expect(page.get_by_role("heading", level=1)).to_have_text("Evidence")
    page.get_by_label("Files").set_input_files(
        files=[{"name": "serial tag.png", "mimeType": "image/png", "buffer": photo}]
    )
    page.get_by_role("button", name="Save and continue").click()

    expect(page.get_by_role("heading", level=1)).to_have_text("Review and submit")
    expect(page.get_by_role("main")).to_contain_text("serial tag.png")
    expect(page.locator(".rights")).to_contain_text(
        f"You may still withdraw from the contract until {withdraw_until}."
    )
    page.get_by_label("I agree that this complaint").check()
    page.get_by_role("button", name="Submit the complaint").click()

    reference = Complaint.objects.get(consumer=consumer).reference
    assert reference and reference.startswith("RD-")
    expect(page.get_by_role("heading", level=1)).to_have_text(f"Complaint {reference}")

    page.get_by_role("link", name="My complaints").first.click()
    expect(page.get_by_role("table")).to_contain_text(reference)
    page.get_by_role("link", name=reference).click()

    expect(page.locator("#evidence")).to_contain_text(hashlib.sha256(photo).hexdigest())
