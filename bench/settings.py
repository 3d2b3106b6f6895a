"""Benchmark settings: production settings, plus the baseline endpoint's URLs."""

from config.settings.production import *  # noqa: F403

ROOT_URLCONF = "bench.urls"
# The benchmark talks plain HTTP to 127.0.0.1; TLS would end at a proxy in production.
SECURE_SSL_REDIRECT = False
SECURE_HSTS_SECONDS = 0
# The open data's public API is throttled per address, and every bench request comes from
# 127.0.0.1: a rate no benchmark reaches, so each request is served (and still counted).
TRANSPARENCY_API_RATE = "1000000/minute"
