"""A real Chromium: a consumer whose case is against the same seller for the same problem as a
collective case is offered to join it ("Join 2 others"), joins, and the case page then shows
the collective case; a consumer whose case is against another seller is offered nothing."""

from __future__ import annotations

import pytest
from playwright.sync_api import Page, expect

from odr import services
from odr.models import Case

from ..factories import DEFAULT_PASSWORD, MerchantRepresentativeFactory
from ..odr.builders import new_world

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def _accepted(mediator, seller):
    w = new_world(mediator, representation=seller)
    services.case_accept(case_id=w.case.pk, mediator=mediator)
    w.reload()
    return w


def _sign_in(page: Page, base: str, email: str) -> None:
    page.goto(base + "/accounts/login/")
    page.get_by_label("E-mail address").fill(email)
    page.get_by_label("Password").fill(DEFAULT_PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    expect(page.get_by_role("button", name="Sign out")).to_be_visible()


def test_a_consumer_joins_a_collective_complaint(live_server, page: Page, superuser):
    seller = MerchantRepresentativeFactory()
    first, second, later = (_accepted(superuser, seller) for _ in range(3))
    collective = services.collective_create(
        case_ids=[first.case.pk, second.case.pk], mediator=superuser
    )
    elsewhere = _accepted(superuser, MerchantRepresentativeFactory())

    _sign_in(page, live_server.url, later.consumer.email)
    page.goto(f"{live_server.url}/cases/{later.case.complaint.reference}/")
    expect(page.get_by_role("heading", name="Join 2 others")).to_be_visible()
    page.get_by_role("button", name="Join the collective case").click()

    expect(
        page.get_by_text("You joined the collective case. The merchant now answers the group.")
    ).to_be_visible()
    expect(
        page.get_by_role("heading", name=f"Collective case {collective.reference}")
    ).to_be_visible()
    assert Case.objects.get(pk=later.case.pk).collective_id == collective.pk

    # The consumer of a case against another seller is not offered this group.
    page.get_by_role("button", name="Sign out").click()
    _sign_in(page, live_server.url, elsewhere.consumer.email)
    page.goto(f"{live_server.url}/cases/{elsewhere.case.complaint.reference}/")
    expect(page.get_by_role("heading", name="What you can do now")).to_be_visible()
    expect(page.get_by_text("Join the collective case")).to_have_count(0)
