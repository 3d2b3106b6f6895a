"""Signing and sending one webhook request (HMAC-SHA256 over the timestamp and the body)."""

from __future__ import annotations

import hashlib
import hmac
import json
import time
import urllib.error
import urllib.request
from dataclasses import dataclass

SIGNATURE_HEADER = "X-Redress-Signature"
TIMESTAMP_HEADER = "X-Redress-Timestamp"
# Statuses worth another attempt later; any other 4xx means the request itself was refused.
TRANSIENT_STATUSES = frozenset({408, 425, 429})


def sign(*, secret: str, timestamp: int, body: bytes) -> str:
    """``sha256=<hex>`` of HMAC-SHA256(secret, "<timestamp>." + body).

    The timestamp is signed with the body so that a captured request cannot be replayed later
    with a fresh timestamp; receivers reject timestamps older than a few minutes.
    """
    mac = hmac.new(secret.encode(), str(timestamp).encode() + b"." + body, hashlib.sha256)
    return f"sha256={mac.hexdigest()}"


def verify(*, secret: str, timestamp: int, body: bytes, signature: str) -> bool:
    """What a receiver does (used by the tests and shown in the README)."""
    return hmac.compare_digest(sign(secret=secret, timestamp=timestamp, body=body), signature)


class _NoRedirects(urllib.request.HTTPRedirectHandler):
    # A redirect would carry a signed payload to an address nobody registered.
    def redirect_request(self, req, fp, code, msg, headers, newurl):
        return None


# Straight to the registered URL: no redirects, and no proxy picked up from the environment.
_opener = urllib.request.build_opener(urllib.request.ProxyHandler({}), _NoRedirects())


@dataclass(frozen=True)
class PostOutcome:
    ok: bool
    status: int | None
    error: str
    transient: bool


def post(
    *, url: str, secret: str, event: str, delivery_id: int, payload: dict, timeout: float
) -> PostOutcome:
    if not url.lower().startswith(("http://", "https://")):
        # urllib would also open file: and ftp: addresses.
        return PostOutcome(ok=False, status=None, error="Not an http(s) URL.", transient=False)
    body = json.dumps(payload, sort_keys=True, separators=(",", ":")).encode()
    timestamp = int(time.time())
    request = urllib.request.Request(  # noqa: S310 - staff-registered http(s) URLs only
        url,
        data=body,
        method="POST",
        headers={
            "Content-Type": "application/json",
            "User-Agent": "Redress-Webhooks/1",
            "X-Redress-Event": event,
            "X-Redress-Delivery": str(delivery_id),
            TIMESTAMP_HEADER: str(timestamp),
            SIGNATURE_HEADER: sign(secret=secret, timestamp=timestamp, body=body),
        },
    )
    try:
        with _opener.open(request, timeout=timeout) as response:
            status = response.status
    except urllib.error.HTTPError as exc:
        status = exc.code
        return PostOutcome(
            ok=False,
            status=status,
            error=f"HTTP {status}",
            transient=status >= 500 or status in TRANSIENT_STATUSES,
        )
    except (urllib.error.URLError, TimeoutError, OSError) as exc:
        reason = getattr(exc, "reason", exc)
        error = f"{type(exc).__name__}: {reason}"
        return PostOutcome(ok=False, status=None, error=error, transient=True)
    if 200 <= status < 300:
        return PostOutcome(ok=True, status=status, error="", transient=False)
    return PostOutcome(ok=False, status=status, error=f"HTTP {status}", transient=status >= 500)
