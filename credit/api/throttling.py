"""Per-key request rate (settings.CREDIT_API_RATE); over it, 429 with Retry-After."""

from __future__ import annotations

from django.conf import settings
from rest_framework.throttling import SimpleRateThrottle

from core.cache import count_in_window
from credit.models import ApiKey


class ApiKeyRateThrottle(SimpleRateThrottle):
    """At most N requests per key in a window that opens with the key's first request.

    A counter per key and window (core.cache.count_in_window: one Redis round trip) instead of
    DRF's list of every request's time, which is read and written back whole on each request
    and grows with the rate allowed.
    """

    scope = "api_key"

    def get_rate(self):
        # Read at each request, not once at import as DRF's THROTTLE_RATES is.
        return settings.CREDIT_API_RATE

    def get_cache_key(self, request, view):
        if not isinstance(request.auth, ApiKey):
            return None  # public endpoints (health, schema) are not throttled per key
        return self.cache_format % {"scope": self.scope, "ident": request.auth.pk}

    def allow_request(self, request, view):
        if self.rate is None:
            return True
        key = self.get_cache_key(request, view)
        if key is None:
            return True
        count, self._left = count_in_window(f"{key}:{self.duration}", self.duration)
        return count <= self.num_requests

    def wait(self):
        return self._left
