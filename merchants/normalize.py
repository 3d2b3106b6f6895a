"""Normalising what consumers and merchants type: shop URLs and business registration numbers."""

from __future__ import annotations

import re
import unicodedata
from urllib.parse import parse_qsl, quote, unquote, urlencode, urlsplit

# Query parameters that only track where a click came from; two links that differ only by these
# point at the same shop or product.
TRACKING_PARAMS = frozenset(
    {
        "fbclid",
        "gclid",
        "dclid",
        "msclkid",
        "yclid",
        "igshid",
        "mc_cid",
        "mc_eid",
        "ref",
        "ref_",
        "referrer",
        "spm",
        "scm",
        "pvid",
        "abbucket",
        "ali_trackid",
        "ali_refid",
        "share_crt_v",
        "sharefrom",
        "share_from",
        "share_source",
        "sp_tk",
        "tk",
        "from",
        "source",
        "_ga",
        "_gl",
        "aff_platform",
        "aff_trace_key",
        "algo_pvid",
        "algo_exp_id",
    }
)
TRACKING_PREFIXES = ("utm_", "pk_", "mtm_", "hmsr", "hmpl", "hmcu", "hmkw", "hmci")
_HOST_PREFIXES = ("www.", "m.", "mobile.")
_ALLOWED_SCHEMES = {"http", "https", ""}


class InvalidURL(ValueError):
    """The text cannot be read as a web address."""


def _is_tracking(name: str) -> bool:
    lowered = name.lower()
    return lowered in TRACKING_PARAMS or lowered.startswith(TRACKING_PREFIXES)


def normalize_shop_url(raw: str) -> str:
    """Reduce a shop or product link to ``host/path?query`` for matching.

    Drops the scheme, ``www.``/``m.`` prefixes, the default port, the fragment, tracking
    parameters and a trailing slash; lowercases the host (IDN hosts become punycode); sorts the
    remaining query parameters. The path keeps its case: many shops' paths are case-sensitive.
    Raises InvalidURL when the text is not a web address.
    """
    text = unicodedata.normalize("NFKC", raw or "").strip().strip("<>\"'")
    if not text or any(ch.isspace() for ch in text):
        raise InvalidURL("Enter a web address such as https://shop.example.com/item/123.")
    if "://" not in text:
        text = "https://" + text.lstrip("/")
    try:
        parts = urlsplit(text)
        port = parts.port
    except ValueError as exc:
        raise InvalidURL("This web address is malformed.") from exc
    if parts.scheme.lower() not in _ALLOWED_SCHEMES:
        raise InvalidURL("Only http and https web addresses can be matched.")
    host = (parts.hostname or "").rstrip(".")
    if not host or "." not in host:
        raise InvalidURL("The web address has no valid host name.")
    try:
        host = host.encode("idna").decode("ascii").lower()
    except UnicodeError as exc:
        raise InvalidURL("The host name is not valid.") from exc
    if not re.fullmatch(r"[a-z0-9.-]+", host) or host.startswith(("-", ".")):
        raise InvalidURL("The host name is not valid.")
    for prefix in _HOST_PREFIXES:
        if host.startswith(prefix) and host.count(".") >= 2:
            host = host[len(prefix) :]
            break
    if port and port not in (80, 443):
        host = f"{host}:{port}"
    # One spelling for the path: %E5%BA%97 and 店 are the same character.
    path = quote(unquote(re.sub(r"/{2,}", "/", parts.path or "")), safe="/:@!$&'()*+,;=-._~")
    path = path.rstrip("/")
    query = [
        (k, v) for k, v in parse_qsl(parts.query, keep_blank_values=False) if not _is_tracking(k)
    ]
    normalized = host + path
    if query:
        normalized += "?" + urlencode(sorted(query))
    return normalized


class InvalidRegistrationNumber(ValueError):
    """The registration number has characters that no registry uses."""


def normalize_registration_number(raw: str) -> str:
    """Uppercase, with spaces, dashes, dots and slashes removed (全角 digits become ASCII).

    ``91310000-MA1FL 1234x`` and ``91310000MA1FL1234X`` are the same number. Raises
    InvalidRegistrationNumber for characters outside letters and digits (after removing those
    separators) or for an empty result.
    """
    text = unicodedata.normalize("NFKC", raw or "").upper()
    text = re.sub("[\\s\\-\u2010\u2011\u2012\u2013\u2014./_]+", "", text)
    if not text:
        raise InvalidRegistrationNumber("Enter the registration number.")
    if not re.fullmatch(r"[0-9A-Z]+", text):
        raise InvalidRegistrationNumber(
            "A registration number has only letters and digits (spaces and dashes are ignored)."
        )
    if len(text) > 64:
        raise InvalidRegistrationNumber("A registration number has at most 64 characters.")
    return text
