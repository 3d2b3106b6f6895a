"""Benchmark settings: production settings, plus the baseline endpoint's URLs."""

from config.settings.production import *  # noqa: F403

ROOT_URLCONF = "bench.urls"
# The benchmark talks plain HTTP to 127.0.0.1; TLS would end at a proxy in production.
SECURE_SSL_REDIRECT = False
SECURE_HSTS_SECONDS = 0
