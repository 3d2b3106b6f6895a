"""Per-key request rate (settings.CREDIT_API_RATE); over it, 429 with Retry-After."""

from __future__ import annotations

import time

from django.conf import settings
from rest_framework.throttling import SimpleRateThrottle

from core.cache import count_in_window
from core.clientip import client_ip
from credit.models import ApiKey

# Each web process takes a key's requests from the shared counter in leases of about 1 % of the
# rate (at most LEASE_MAX), and counts them off locally: one Redis round trip per lease instead
# of one per request. A lease is never more than what the window has left, so no key is ever
# served more than its rate; what a process leased and did not use by the end of the window is
# lost, so with P processes a key may be refused up to (P - 1) leases early.
LEASE_SHARE = 100
LEASE_MAX = 100

# {throttle key: [window end (time.monotonic()), requests left in this process's lease]}
_leases: dict[str, list] = {}


def lease_size(rate: int) -> int:
    return max(1, min(LEASE_MAX, rate // LEASE_SHARE))


def forget_leases() -> None:
    """Drop this process's leases (tests start each from nothing)."""
    _leases.clear()


class ApiKeyRateThrottle(SimpleRateThrottle):
    """At most N requests per key in a window that opens with the key's first request.

    A counter per key and window in Redis (core.cache.count_in_window: one round trip), taken
    from in leases (above), instead of DRF's list of every request's time, which is read and
    written back whole on each request and grows with the rate allowed.
    """

    scope = "api_key"

    def get_ident(self, request):
        # Not used by the per-key count; any throttle by address reads it as every limit does.
        return client_ip(request)

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
        key = f"{key}:{self.num_requests}/{self.duration}"
        now = time.monotonic()
        lease = _leases.get(key)
        if lease is not None and lease[0] > now and lease[1] > 0:
            lease[1] -= 1
            self._left = lease[0] - now
            return True
        size = lease_size(self.num_requests)
        count, self._left = count_in_window(key, self.duration, amount=size)
        # What this lease may use: the window's rate less what was leased before it.
        granted = min(size, self.num_requests - (count - size))
        if granted <= 0:
            _leases.pop(key, None)
            return False
        _leases[key] = [now + self._left, granted - 1]
        return True

    def wait(self):
        return self._left
