"""A real Chromium: in mediation the representative sees the mediator's proposal before the
consumer's full claim, each button naming its amount; the full claim is settled only once its
box is ticked (a representative meaning to accept a 120 € proposal once settled a 189 € claim)."""

from __future__ import annotations

from decimal import Decimal

import pytest
from playwright.sync_api import Page, expect

from odr.models import Case, CaseState, Settlement

from ..factories import DEFAULT_PASSWORD
from ..odr.builders import mediation_with_a_proposal

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def _open_case_as_representative(page: Page, base: str, w) -> None:
    page.goto(base + "/accounts/login/")
    page.get_by_label("E-mail address").fill(w.rep.email)
    page.get_by_label("Password").fill(DEFAULT_PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    expect(page.get_by_role("button", name="Sign out")).to_be_visible()
    page.goto(f"{base}/cases/{w.case.complaint.reference}/")


def test_the_proposal_comes_first_and_the_full_claim_needs_its_box(
    live_server, page: Page, superuser
):
    w, proposal = mediation_with_a_proposal(superuser)
    _open_case_as_representative(page, live_server.url, w)

    accept_proposal = page.get_by_role("button", name="Accept the mediator's proposal: €120.00")
    accept_claim = page.get_by_role("button", name="Accept the consumer's full claim: €189.00")
    expect(accept_proposal).to_be_visible()
    expect(accept_claim).to_be_visible()
    # The proposal's button is above the claim's on the page, and they look different.
    assert accept_proposal.bounding_box()["y"] < accept_claim.bounding_box()["y"]
    assert "secondary" not in (accept_proposal.get_attribute("class") or "")
    assert "secondary" in (accept_claim.get_attribute("class") or "")

    # The full claim without its box: refused, nothing settled, the reason given.
    accept_claim.click()
    expect(
        page.get_by_text(
            "Tick the box to confirm that you accept the consumer's full claim. To accept the "
            "mediator's proposal instead, use its own button."
        )
    ).to_be_visible()
    assert Case.objects.get(pk=w.case.pk).state == CaseState.MEDIATION

    # The proposal's own button accepts the proposal, not the claim.
    page.get_by_role("button", name="Accept the mediator's proposal: €120.00").click()
    proposal.refresh_from_db()
    assert proposal.merchant_accepted_at is not None
    case = Case.objects.get(pk=w.case.pk)
    assert case.state == CaseState.MEDIATION  # the consumer has yet to accept it
    assert not Settlement.objects.filter(case=case).exists()


def test_the_full_claim_settles_once_its_box_is_ticked(live_server, page: Page, superuser):
    w, _proposal = mediation_with_a_proposal(superuser)
    _open_case_as_representative(page, live_server.url, w)

    page.get_by_label("I accept the consumer's full claim: €189.00").check()
    page.get_by_role("button", name="Accept the consumer's full claim: €189.00").click()

    expect(page.get_by_test_id("case-state")).to_have_text("Settled, waiting for payment")
    case = Case.objects.get(pk=w.case.pk)
    assert case.state == CaseState.SETTLED
    assert case.settlement.amount == Decimal("189.00")
