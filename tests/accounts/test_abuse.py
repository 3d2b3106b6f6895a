"""Abuse protection on accounts: sign-in lockout, rate limits and a honeypot on public forms."""

from __future__ import annotations

import pytest
from django.core.cache import cache
from django.urls import reverse

from accounts.models import User
from tests.factories import DEFAULT_PASSWORD, UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _fresh_cache():
    cache.clear()
    yield
    cache.clear()


def _signup(client, email="bot@example.test", **extra):
    return client.post(
        reverse("register"),
        {
            "full_name": "Some One",
            "email": email,
            "preferred_language": "en",
            "role": "consumer",
            "password1": "a-long-enough-passphrase",
            "password2": "a-long-enough-passphrase",
            **extra,
        },
    )


def test_filled_honeypot_looks_successful_but_creates_nothing(client, mailoutbox):
    response = _signup(client, website="http://spam.example")

    assert response.status_code == 302
    assert not User.objects.exists()
    assert mailoutbox == []


def test_honeypot_field_is_hidden_from_people(client):
    html = client.get(reverse("register")).content.decode()

    assert 'class="hp-input"' in html
    assert 'tabindex="-1"' in html


def test_sign_up_is_rate_limited_per_address(client, settings):
    settings.RATELIMIT_ENABLE = True
    for n in range(10):
        assert _signup(client, email=f"person{n}@example.test").status_code == 302

    response = _signup(client, email="one-too-many@example.test")

    assert response.status_code == 429
    assert response["Retry-After"]
    assert "Too many attempts" in response.content.decode()
    assert User.objects.count() == 10


def test_password_reset_requests_are_rate_limited(client, settings):
    settings.RATELIMIT_ENABLE = True
    url = reverse("password_reset")
    for _ in range(10):
        client.post(url, {"email": "someone@example.test"})

    assert client.post(url, {"email": "someone@example.test"}).status_code == 429


def test_repeated_wrong_passwords_lock_the_account_for_that_address(client, settings):
    settings.AXES_ENABLED = True
    user = UserFactory(email="target@example.test")
    url = reverse("login")
    # The documented default: the fifth wrong password locks the account.
    for _ in range(4):
        response = client.post(url, {"username": user.email, "password": "wrong"})
        assert response.status_code == 200

    locked = client.post(url, {"username": user.email, "password": "wrong"})
    assert locked.status_code == 429
    assert "Sign-in locked" in locked.content.decode()

    # Even the right password is refused while locked.
    response = client.post(url, {"username": user.email, "password": DEFAULT_PASSWORD})
    assert response.status_code == 429
    assert "_auth_user_id" not in client.session


def test_correct_password_after_a_few_mistakes_signs_in(client, settings):
    settings.AXES_ENABLED = True
    user = UserFactory()
    url = reverse("login")
    client.post(url, {"username": user.email, "password": "wrong"})

    response = client.post(url, {"username": user.email, "password": DEFAULT_PASSWORD})

    assert response.status_code == 302
