"""With JavaScript, the evidence step uploads each chosen file on its own with a progress bar,
and says beside each file whether it was kept or why it was refused."""

from __future__ import annotations

import pytest
from playwright.sync_api import Page, expect

from complaints.models import EvidenceItem
from tests.complaints.conftest import png_bytes
from tests.factories import DEFAULT_PASSWORD, ComplaintFactory, UserFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
EXE = b"MZ\x90\x00\x03\x00\x00\x00" + b"\x00" * 200


def test_each_file_shows_its_progress_and_its_result(live_server, page: Page):
    consumer = UserFactory(email="wang.fang@example.test")
    complaint = ComplaintFactory(consumer=consumer, draft_step="evidence")

    page.goto(live_server.url + "/accounts/login/")
    page.get_by_label("E-mail address").fill(consumer.email)
    page.get_by_label("Password").fill(DEFAULT_PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    page.goto(f"{live_server.url}/complaints/{complaint.public_id}/edit/evidence/")

    page.get_by_label("Files").set_input_files(
        files=[
            {"name": "parcel.png", "mimeType": "image/png", "buffer": png_bytes()},
            {"name": "invoice.png", "mimeType": "image/png", "buffer": EXE},
        ]
    )
    page.get_by_role("button", name="Add to my evidence").click()

    results = page.locator(".upload-results li")
    expect(results).to_have_count(2)
    expect(results.nth(0)).to_contain_text("parcel.png")
    expect(results.nth(0)).to_contain_text("Added to your evidence.")
    expect(results.nth(1)).to_contain_text("invoice.png was refused")
    expect(results.nth(0).locator("progress")).to_have_attribute("value", "100")
    # The refusal stays on the page beside its file; the kept file is in the evidence.
    assert list(
        EvidenceItem.objects.filter(complaint=complaint).values_list("label", flat=True)
    ) == ["parcel.png"]


@pytest.mark.parametrize("javascript", [True, False], ids=["with-js", "without-js"])
def test_adding_nothing_says_nothing_was_added(live_server, browser, javascript):
    consumer = UserFactory(email="li.na@example.test")
    complaint = ComplaintFactory(consumer=consumer, draft_step="evidence")
    context = browser.new_context(java_script_enabled=javascript)
    page = context.new_page()
    try:
        page.goto(live_server.url + "/accounts/login/")
        page.get_by_label("E-mail address").fill(consumer.email)
        page.get_by_label("Password").fill(DEFAULT_PASSWORD)
        page.get_by_role("button", name="Sign in").click()
        page.goto(f"{live_server.url}/complaints/{complaint.public_id}/edit/evidence/")

        page.get_by_role("button", name="Add to my evidence").click()

        expect(
            page.get_by_text(
                "Choose at least one file, write a statement or paste the listing: nothing was "
                "added."
            )
        ).to_be_visible()
        expect(page.get_by_text("Your evidence was added.")).to_have_count(0)
        assert not EvidenceItem.objects.filter(complaint=complaint).exists()
    finally:
        context.close()
