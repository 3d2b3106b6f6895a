"""Spam on the forms anyone can reach with an account of their own making: merchant disclosure
proposals (registration is covered in tests/accounts/test_abuse.py) have a honeypot and a rate
limit; no third-party captcha."""

from __future__ import annotations

import pytest
from django.urls import reverse

from merchants.models import DisclosureProposal
from tests.factories import MerchantRepresentativeFactory
from tests.merchants.test_representative_pages import _form_data

pytestmark = pytest.mark.django_db


@pytest.fixture
def representation(db):
    return MerchantRepresentativeFactory()


def _propose(client, representation, **extra):
    url = reverse("merchants:propose", args=[representation.merchant.public_id])
    return client.post(url, _form_data(representation.merchant, **extra))


def test_a_filled_honeypot_looks_sent_but_proposes_nothing(client, representation, mailoutbox):
    client.force_login(representation.user)

    response = _propose(
        client, representation, contact_phone="+49 40 1", homepage_url="http://spam.example"
    )

    assert response.status_code == 302
    assert response["Location"] == reverse("merchants:mine")
    assert not DisclosureProposal.objects.exists()
    assert mailoutbox == []


def test_the_same_proposal_without_the_honeypot_is_sent(client, representation):
    client.force_login(representation.user)

    response = _propose(client, representation, contact_phone="+49 40 1")

    assert response.status_code == 302
    assert DisclosureProposal.objects.get().data == {"contact_phone": "+49 40 1"}


def test_the_honeypot_is_hidden_from_people_and_is_not_the_real_website_field(
    client, representation
):
    client.force_login(representation.user)
    html = client.get(
        reverse("merchants:propose", args=[representation.merchant.public_id])
    ).content.decode()

    assert 'name="homepage_url"' in html
    assert 'class="hp-input"' in html and 'tabindex="-1"' in html
    assert 'name="website"' in html  # the merchant's real website stays an ordinary field


def test_proposals_are_rate_limited_per_account(client, representation, settings):
    settings.RATELIMIT_ENABLE = True
    client.force_login(representation.user)
    for n in range(10):
        assert _propose(client, representation, contact_phone=f"+49 40 {n}").status_code in (
            200,
            302,
        )

    response = _propose(client, representation, contact_phone="+49 40 99")

    assert response.status_code == 429
    assert response["Retry-After"]
    # Another representative is not slowed down by this one.
    other = MerchantRepresentativeFactory()
    client.force_login(other.user)
    assert _propose(client, other, contact_phone="+49 40 7").status_code == 302
