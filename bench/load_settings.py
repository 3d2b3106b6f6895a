"""Settings of the load run (make load): the benchmark's production settings, on plain HTTP."""

from bench.settings import *  # noqa: F403

# TLS ends at a proxy in production. The load generator talks plain HTTP to 127.0.0.1, and an
# HTTP client never sends a Secure cookie back over plain HTTP: no session, no CSRF cookie.
SESSION_COOKIE_SECURE = False
CSRF_COOKIE_SECURE = False
