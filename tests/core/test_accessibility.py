"""Every form control on our pages has a label a screen reader announces, and ids are unique."""

from __future__ import annotations

from collections import Counter
from html.parser import HTMLParser

import pytest
from django.urls import reverse

from odr.models import CaseState
from tests.factories import (
    ComplaintFactory,
    MerchantFactory,
    MerchantRepresentativeFactory,
    UserFactory,
)
from tests.odr.builders import build

pytestmark = pytest.mark.django_db

_UNLABELLED_TYPES = {"hidden", "submit", "button", "reset", "image"}


class _Controls(HTMLParser):
    """Form controls, the ids that labels point at, and every id on the page."""

    def __init__(self):
        super().__init__()
        self.controls: list[dict] = []
        self.label_for: set[str] = set()
        self.ids: list[str] = []
        self._open_labels = 0

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if a.get("id"):
            self.ids.append(a["id"])
        if tag == "label":
            self._open_labels += 1
            if a.get("for"):
                self.label_for.add(a["for"])
        elif tag in ("input", "select", "textarea"):
            if tag == "input" and a.get("type", "text") in _UNLABELLED_TYPES:
                return
            self.controls.append({**a, "_tag": tag, "_inside_label": self._open_labels > 0})

    def handle_endtag(self, tag):
        if tag == "label":
            self._open_labels -= 1

    def unlabelled(self) -> list[str]:
        return [
            f"<{c['_tag']} name={c.get('name')!r} id={c.get('id')!r}>"
            for c in self.controls
            if not (
                c["_inside_label"]
                or c.get("aria-label")
                or c.get("aria-labelledby")
                or (c.get("id") and c["id"] in self.label_for)
            )
        ]


def _pages(mediator):
    """(who signs in, address) for every page with a form."""
    yield None, reverse("home")
    yield None, reverse("register")
    yield None, reverse("login")
    yield None, reverse("password_reset")
    yield None, reverse("resend_verification")
    yield None, reverse("merchants:search")
    yield None, reverse("merchants:search") + "?q=%23%23%23&country=XX"  # with errors
    merchant = MerchantFactory()
    yield None, merchant.get_absolute_url()
    rep = MerchantRepresentativeFactory(merchant=merchant).user
    yield rep, reverse("merchants:propose", args=[merchant.public_id])
    yield rep, reverse("merchants:documents", args=[merchant.public_id])
    consumer = UserFactory(role="consumer")
    yield consumer, reverse("password_change")
    yield consumer, reverse("complaints:new")
    yield consumer, reverse("account")
    yield consumer, reverse("privacy:account_erase")
    draft = ComplaintFactory(consumer=consumer)
    for step in ("purchase", "problem", "remedy", "respondents", "evidence", "review"):
        yield consumer, reverse("complaints:edit", args=[draft.public_id, step])
    # A case in negotiation: the complaint and case pages of both parties carry their forms.
    world = build(CaseState.NEGOTIATION, mediator)
    yield world.consumer, reverse("complaints:detail", args=[world.case.complaint.public_id])
    yield world.consumer, reverse("odr:case_detail", args=[world.case.complaint.reference])
    yield world.rep, reverse("odr:case_detail", args=[world.case.complaint.reference])


def test_every_form_control_has_a_label_and_every_id_is_unique(client, mediator):
    checked = 0
    for user, url in _pages(mediator):
        client.logout()
        if user is not None:
            client.force_login(user)
        response = client.get(url)
        assert response.status_code == 200, url
        parser = _Controls()
        parser.feed(response.content.decode())

        assert parser.unlabelled() == [], url
        assert [i for i, n in Counter(parser.ids).items() if n > 1] == [], url
        checked += len(parser.controls)

    assert checked > 50  # the pages really had forms on them


def test_a_field_error_is_tied_to_its_field(client):
    response = client.post(reverse("resend_verification"), {"email": "not an address"})
    html = response.content.decode()

    assert 'aria-invalid="true"' in html
    assert 'aria-describedby="id_email_error"' in html
    assert 'id="id_email_error"' in html


def test_a_field_with_several_errors_still_has_unique_ids(client):
    response = client.post(
        reverse("register"),
        {"full_name": "A", "email": "a@example.test", "password1": "123", "password2": "123"},
    )
    parser = _Controls()
    parser.feed(response.content.decode())

    assert len(response.context["form"].errors["password2"]) > 1
    assert [i for i, n in Counter(parser.ids).items() if n > 1] == []
