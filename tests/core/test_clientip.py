"""Every limit (sign-in lockouts, the forms' rate limits, the API throttle) reads the client's
address one way: REMOTE_ADDR, or behind TRUSTED_PROXY_COUNT proxies the entry of
X-Forwarded-For the outermost proxy wrote. What the client wrote itself changes nothing."""

from __future__ import annotations

import pytest
from django.core.cache import cache
from django.test import RequestFactory
from django.urls import reverse

from accounts.models import User
from core.clientip import client_ip
from credit.api.throttling import ApiKeyRateThrottle
from tests.factories import DEFAULT_PASSWORD, UserFactory

PROXY = "10.0.0.2"  # REMOTE_ADDR of every request that came through the proxy


@pytest.mark.parametrize(
    ("proxies", "remote", "forwarded_for", "client"),
    [
        (0, "192.0.2.1", None, "192.0.2.1"),
        (0, "192.0.2.1", "203.0.113.9", "192.0.2.1"),  # no proxy: the header is the client's
        (1, PROXY, "203.0.113.9", "203.0.113.9"),
        (1, PROXY, "6.6.6.6, 203.0.113.9", "203.0.113.9"),  # a spoofed entry on the left
        (1, PROXY, "6.6.6.6,203.0.113.9", "203.0.113.9"),
        (1, PROXY, " 2001:db8::1 ", "2001:db8::1"),
        (2, PROXY, "6.6.6.6, 203.0.113.9, 10.0.0.1", "203.0.113.9"),
        (2, PROXY, "203.0.113.9", PROXY),  # fewer entries than proxies: not via the proxies
        (1, PROXY, None, PROXY),
        (1, PROXY, "", PROXY),
        (1, PROXY, "6.6.6.6, not-an-address", PROXY),
        (1, PROXY, "6.6.6.6, 203.0.113.9:4711", PROXY),
    ],
)
def test_the_client_address(settings, proxies, remote, forwarded_for, client):
    settings.TRUSTED_PROXY_COUNT = proxies
    headers = {"REMOTE_ADDR": remote}
    if forwarded_for is not None:
        headers["HTTP_X_FORWARDED_FOR"] = forwarded_for

    request = RequestFactory().get("/", **headers)

    assert client_ip(request) == client


def test_every_limit_reads_the_address_from_the_same_function(settings):
    assert settings.AXES_CLIENT_IP_CALLABLE == "core.clientip.client_ip"
    assert settings.RATELIMIT_IP_META_KEY == "core.clientip.client_ip"
    settings.TRUSTED_PROXY_COUNT = 1
    request = RequestFactory().get(
        "/", REMOTE_ADDR=PROXY, HTTP_X_FORWARDED_FOR="6.6.6.6, 203.0.113.9"
    )

    assert ApiKeyRateThrottle().get_ident(request) == "203.0.113.9"


# --- Through the real limits, behind one proxy -----------------------------------------------


@pytest.fixture
def behind_one_proxy(settings):
    settings.TRUSTED_PROXY_COUNT = 1
    cache.clear()
    yield
    cache.clear()


def _signup(client, n, forwarded_for):
    return client.post(
        reverse("register"),
        {
            "full_name": "Some One",
            "email": f"person{n}@example.test",
            "preferred_language": "en",
            "role": "consumer",
            "password1": "a-long-enough-passphrase",
            "password2": "a-long-enough-passphrase",
        },
        REMOTE_ADDR=PROXY,
        HTTP_X_FORWARDED_FOR=forwarded_for,
    )


@pytest.mark.django_db
def test_behind_the_proxy_each_visitor_has_their_own_sign_up_limit(
    client, settings, behind_one_proxy
):
    settings.RATELIMIT_ENABLE = True
    for n in range(10):  # sign-up: 10 an hour per address
        assert _signup(client, n, "203.0.113.9").status_code == 302

    over = _signup(client, 10, "203.0.113.9")
    spoofed = _signup(client, 11, "198.51.100.77, 203.0.113.9")
    other_visitor = _signup(client, 12, "198.51.100.77")

    assert over.status_code == 429
    assert spoofed.status_code == 429  # a made-up entry on the left is not a new bucket
    assert other_visitor.status_code == 302
    assert User.objects.count() == 11


@pytest.mark.django_db
def test_without_a_trusted_proxy_the_header_is_ignored(client, settings):
    settings.TRUSTED_PROXY_COUNT = 0
    settings.RATELIMIT_ENABLE = True
    cache.clear()
    for n in range(10):
        assert _signup(client, n, f"203.0.113.{n}").status_code == 302

    assert _signup(client, 10, "198.51.100.77").status_code == 429


@pytest.mark.django_db
def test_behind_the_proxy_a_lockout_holds_one_visitors_address_only(
    client, settings, behind_one_proxy
):
    settings.AXES_ENABLED = True
    user = UserFactory(email="target@example.test")
    url = reverse("login")
    attacker = {"REMOTE_ADDR": PROXY, "HTTP_X_FORWARDED_FOR": "203.0.113.9"}
    for _ in range(5):
        client.post(url, {"username": user.email, "password": "wrong"}, **attacker)

    spoofed = client.post(
        url,
        {"username": user.email, "password": DEFAULT_PASSWORD},
        REMOTE_ADDR=PROXY,
        HTTP_X_FORWARDED_FOR="198.51.100.77, 203.0.113.9",
    )
    owner = client.post(
        url,
        {"username": user.email, "password": DEFAULT_PASSWORD},
        REMOTE_ADDR=PROXY,
        HTTP_X_FORWARDED_FOR="198.51.100.77",
    )

    assert spoofed.status_code == 429
    assert owner.status_code == 302
