"""Links and forms that take an account do not tell whether it exists or is confirmed."""

from __future__ import annotations

import pytest
from django.urls import reverse
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode

from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


def _verify(client, pk, token="not-the-token"):
    uid = urlsafe_base64_encode(force_bytes(pk))
    return client.get(reverse("verify_email", args=[uid, token]))


def test_a_made_up_verification_link_answers_the_same_for_any_account(client):
    confirmed = UserFactory()  # e-mail confirmed
    waiting = UserFactory(email_verified_at=None)

    answers = {
        who: _verify(client, pk)
        for who, pk in {"confirmed": confirmed.pk, "waiting": waiting.pk, "none": 999_999}.items()
    }

    assert {who: r.status_code for who, r in answers.items()} == dict.fromkeys(answers, 400)
    pages = {who: [t.name for t in r.templates] for who, r in answers.items()}
    assert pages["confirmed"] == pages["waiting"] == pages["none"]
    assert "registration/verify_failed.html" in pages["none"]


def test_password_reset_answers_the_same_for_known_and_unknown_addresses(client, mailoutbox):
    UserFactory(email="known@example.test")
    url = reverse("password_reset")

    known = client.post(url, {"email": "known@example.test"})
    unknown = client.post(url, {"email": "unknown@example.test"})

    assert known.status_code == unknown.status_code == 302
    assert known["Location"] == unknown["Location"]
