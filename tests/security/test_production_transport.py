"""Production settings (in a process of their own, as in tests/config/test_settings.py): HTTPS
only, HSTS, cookies that never travel in clear or reach scripts. `check --deploy` is run there."""

from __future__ import annotations

import json

from tests.config.test_settings import PRODUCTION_ENV, _manage

PROBE = """
import json
from django.conf import settings
from django.test import Client
client = Client(HTTP_HOST="redress.example.org")
secure = client.get("/api/v1/health/", secure=True)
plain = client.get("/api/v1/health/")
print(json.dumps({
    "session_secure": settings.SESSION_COOKIE_SECURE,
    "session_httponly": settings.SESSION_COOKIE_HTTPONLY,
    "csrf_secure": settings.CSRF_COOKIE_SECURE,
    "csrf_httponly": settings.CSRF_COOKIE_HTTPONLY,
    "hsts": secure.headers.get("Strict-Transport-Security"),
    "plain_status": plain.status_code,
    "plain_location": plain.headers.get("Location"),
    "proxy_header": list(settings.SECURE_PROXY_SSL_HEADER),
}))
"""


def test_production_sends_hsts_redirects_to_https_and_secures_cookies():
    result = _manage("shell", "-c", PROBE, env=PRODUCTION_ENV)
    assert result.returncode == 0, result.stdout + result.stderr

    probe = json.loads(result.stdout.strip().splitlines()[-1])

    assert probe["hsts"] == "max-age=31536000; includeSubDomains; preload"
    assert probe["plain_status"] == 301
    assert probe["plain_location"] == "https://redress.example.org/api/v1/health/"
    assert probe["session_secure"] and probe["session_httponly"]
    assert probe["csrf_secure"] and probe["csrf_httponly"]
    assert probe["proxy_header"] == ["HTTP_X_FORWARDED_PROTO", "https"]
