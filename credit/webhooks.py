"""Signing and sending one webhook request in the Standard Webhooks format.

Redress signs with the standard's reference library so that a platform verifies with any of the
standard's libraries (Python, JavaScript, Go, Java, ...) instead of code written for Redress.
"""

from __future__ import annotations

import base64
import datetime as dt
import json
import secrets
import time
import urllib.error
import urllib.request
from dataclasses import dataclass

from standardwebhooks.webhooks import Webhook

SECRET_PREFIX = "whsec_"  # noqa: S105 - the standard's marker, not a secret
# The standard asks for at least 24 random bytes; 32 is a SHA-256 digest's length, below which
# RFC 2104 (section 3) says an HMAC key weakens it.
SECRET_BYTES = 32
# Statuses worth another attempt later; any other 4xx means the request itself was refused.
TRANSIENT_STATUSES = frozenset({408, 425, 429})


def new_secret() -> str:
    """A signing secret as the standard serialises it: ``whsec_`` + base64 of the key bytes."""
    return SECRET_PREFIX + base64.b64encode(secrets.token_bytes(SECRET_BYTES)).decode()


def signed_headers(*, secret: str, message_id: str, timestamp: int, body: bytes) -> dict[str, str]:
    """The three Standard Webhooks headers of one attempt.

    ``message_id`` is the same on every attempt of one delivery (receivers use it to drop
    duplicates); ``timestamp`` is the attempt's, signed with the id and the body, so that a
    captured request cannot be replayed later under a fresh timestamp.
    """
    signature = Webhook(secret).sign(
        msg_id=message_id, timestamp=dt.datetime.fromtimestamp(timestamp, tz=dt.UTC), data=body
    )
    return {
        "webhook-id": message_id,
        "webhook-timestamp": str(timestamp),
        "webhook-signature": signature,
    }


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


def post(*, url: str, secret: str, message_id: str, payload: dict, timeout: float) -> PostOutcome:
    if not url.lower().startswith(("http://", "https://")):
        # urllib would also open file: and ftp: addresses.
        return PostOutcome(ok=False, status=None, error="Not an http(s) URL.", transient=False)
    body = json.dumps(payload, sort_keys=True, separators=(",", ":")).encode()
    timestamp = int(time.time())
    request = urllib.request.Request(  # noqa: S310 - staff-registered http(s) URLs only
        url,
        data=body,
        method="POST",
        # No event header: headers are not signed, so a receiver reads the event type from
        # the signed body, where nobody on the way can change it.
        headers={
            "Content-Type": "application/json",
            "User-Agent": "Redress-Webhooks/2",
            **signed_headers(secret=secret, message_id=message_id, timestamp=timestamp, body=body),
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
