"""Per-key request rate (settings.CREDIT_API_RATE); over it, 429 with Retry-After."""

from __future__ import annotations

from django.conf import settings
from rest_framework.throttling import SimpleRateThrottle

from credit.models import ApiKey


class ApiKeyRateThrottle(SimpleRateThrottle):
    scope = "api_key"

    def get_rate(self):
        # Read at each request, not once at import as DRF's THROTTLE_RATES is.
        return settings.CREDIT_API_RATE

    def get_cache_key(self, request, view):
        if not isinstance(request.auth, ApiKey):
            return None  # public endpoints (health, schema) are not throttled per key
        return self.cache_format % {"scope": self.scope, "ident": request.auth.pk}
