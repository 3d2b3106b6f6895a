"""Security headers on every page: a CSP without inline scripts, no sniffing, no framing."""

from __future__ import annotations

import pytest

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("url", ["/", "/zh-hans/", "/accounts/login/", "/admin/login/"])
def test_pages_carry_a_strict_content_security_policy(client, url):
    response = client.get(url)
    csp = response["Content-Security-Policy"]

    assert "script-src 'self'" in csp
    assert "unsafe-inline" not in csp
    assert "frame-ancestors 'none'" in csp
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["X-Frame-Options"] == "DENY"


def test_our_templates_have_no_inline_scripts(client):
    for url in ("/", "/accounts/login/", "/accounts/register/"):
        html = client.get(url).content.decode()
        assert "<script>" not in html
        assert " onclick=" not in html and " onload=" not in html
