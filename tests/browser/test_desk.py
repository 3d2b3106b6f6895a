"""A real Chromium: the mediator's queue opens on the work (the overdue case first, closed
cases out of the way) and the admin's index is the desk's dashboard (issue 19 item 2)."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone
from playwright.sync_api import Page, expect

from odr.models import Case, CaseState

from ..factories import DEFAULT_PASSWORD
from ..odr.builders import build

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_the_queue_starts_with_the_overdue_case(live_server, page: Page, mediator):
    for _ in range(3):
        build(CaseState.RESOLVED, mediator)  # closed, without a deadline
    later = build(CaseState.NEGOTIATION, mediator)
    overdue = build(CaseState.NEGOTIATION, mediator)
    Case.objects.filter(pk=overdue.case.pk).update(deadline_at=timezone.now() - timedelta(days=1))
    Case.objects.filter(pk=later.case.pk).update(deadline_at=timezone.now() + timedelta(days=4))

    page.goto(live_server.url + "/accounts/login/")
    page.get_by_label("E-mail address").fill(mediator.email)
    page.get_by_label("Password").fill(DEFAULT_PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    page.goto(live_server.url + "/admin/")
    expect(page.get_by_role("heading", name="Your desk")).to_be_visible()
    page.get_by_role("link", name="Overdue").first.click()
    expect(page.locator("#result_list tbody tr")).to_have_count(1)

    page.goto(live_server.url + "/admin/odr/case/")
    rows = page.locator("#result_list tbody tr")
    expect(rows).to_have_count(2)
    expect(rows.first).to_contain_text(overdue.case.complaint.reference)
    expect(page.get_by_role("link", name="Overdue (1)")).to_be_visible()

    page.get_by_role("link", name="All cases").first.click()
    expect(rows).to_have_count(5)
