"""A real Chromium: a mediator sends a referred case to a body from the admin, choosing among
the bodies Redress proposes; the consumer finds it on the case page and downloads the signed
PDF, which the verification page confirms (issue 15)."""

from __future__ import annotations

import hashlib

import pytest
from playwright.sync_api import Page, expect

from odr.models import CaseState
from referrals.models import Referral

from ..factories import DEFAULT_PASSWORD
from ..odr.builders import build

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

ECC = "European Consumer Centres Network (ECC-Net)"


def _sign_in(page: Page, base: str, email: str) -> None:
    page.goto(base + "/accounts/login/")
    page.get_by_label("E-mail address").fill(email)
    page.get_by_label("Password").fill(DEFAULT_PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    expect(page.get_by_role("button", name="Sign out")).to_be_visible()


def test_a_mediator_refers_and_the_consumer_downloads_the_signed_pdf(
    live_server, page: Page, mediator, tmp_path
):
    w = build(CaseState.REFERRED, mediator)
    complaint = w.case.complaint
    complaint.consumer_country = "DE"
    complaint.save()
    w.merchant.country = "FR"
    w.merchant.save()

    _sign_in(page, live_server.url, mediator.email)
    page.goto(f"{live_server.url}/admin/odr/case/{w.case.pk}/change/")
    page.get_by_role("link", name="Send to an outside body").click()
    expect(page.get_by_text("It serves consumers living in Germany.").first).to_be_visible()
    page.get_by_label("Body:").select_option(label=ECC)
    expect(page.get_by_label("Covering letter")).to_contain_text(complaint.reference)
    page.get_by_role("button", name="Save", exact=True).click()
    expect(page.locator(".messagelist")).to_contain_text("was added successfully")
    referral = Referral.objects.select_related("dossier").get(case=w.case)
    assert referral.body.name == ECC

    page.context.clear_cookies()
    _sign_in(page, live_server.url, w.consumer.email)
    page.goto(f"{live_server.url}/cases/{complaint.reference}/")
    page.get_by_role("link", name="Where the case goes next").click()
    expect(page.get_by_role("heading", name=ECC)).to_be_visible()
    with page.expect_download() as download_info:
        page.get_by_role("link", name="Download the signed dossier (PDF)").click()
    saved = tmp_path / "dossier.pdf"
    download_info.value.save_as(saved)
    content = saved.read_bytes()
    assert content.startswith(b"%PDF-")
    assert hashlib.sha256(content).hexdigest() == referral.dossier.pdf_sha256

    page.get_by_role("link", name="Check it").click()
    expect(page.get_by_text("Authentic.")).to_be_visible()
