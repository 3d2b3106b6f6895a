"""The client's address, read one way by every limit: sign-in lockouts (django-axes), the
forms' rate limits (django-ratelimit) and the API's throttle."""

from __future__ import annotations

import ipaddress

from django.conf import settings


def client_ip(request) -> str:
    """REMOTE_ADDR, or behind TRUSTED_PROXY_COUNT reverse proxies the address the outermost
    of them saw: each proxy appends the address it was reached from to X-Forwarded-For, so
    with N proxies that is the N-th entry from the right. Entries further left were written
    by the client and may be anything; they are never read.

    A header with fewer entries than there are proxies, or an entry that is not an address,
    means the request did not come through the proxies as configured: REMOTE_ADDR then.
    """
    remote = request.META.get("REMOTE_ADDR", "")
    proxies = settings.TRUSTED_PROXY_COUNT
    if not proxies:
        return remote
    hops = [hop.strip() for hop in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",")]
    if len(hops) < proxies:
        return remote
    try:
        return str(ipaddress.ip_address(hops[-proxies]))
    except ValueError:
        return remote
