"""Normalising what consumers and merchants type: shop URLs and business registration numbers."""

from __future__ import annotations

import re
import unicodedata
from urllib.parse import parse_qsl, quote, unquote, urlencode, urlsplit

from django.utils.translation import gettext as _

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
        # Taobao / Tmall share links
        "ut_sk",
        "un",
        "un_site",
        "sp_abtk",
        "tbsocialpopkey",
        "suid",
        "wxsign",
        "bxsign",
        "cpp",
        "shareurl",
        "short_name",
        "sourcetype",
        "ttid",
        "union_lens",
        "xxc",
        # JD union links
        "cu",
        "jd_pop",
        "ad_od",
        "pps",
        "wxa_abtest",
        # Amazon search context and affiliate tags
        "crid",
        "qid",
        "sr",
        "sprefix",
        "keywords",
        "linkcode",
        "linkid",
        "ascsubtag",
        # eBay
        "_trkparms",
        "_trksid",
        "hash",
        "amdata",
        "mkcid",
        "mkrid",
        "mkevt",
        "campid",
        "toolid",
        "customid",
    }
)
TRACKING_PREFIXES = (
    "utm_",
    "pk_",
    "mtm_",
    "hmsr",
    "hmpl",
    "hmcu",
    "hmkw",
    "hmci",
    "pd_rd_",
    "pf_rd_",
)
# Amazon appends its click tracking as a last path segment: /dp/B0.../ref=sr_1_3
_TRACKING_SEGMENT = re.compile(r"/ref=[^/]*$")
# A site's front page is the same page with or without its file name.
_INDEX_PAGE = re.compile(r"/index\.(?:html?|php|aspx?|jsp)$", re.IGNORECASE)
# Chinese input methods type the ideographic full stop where a dot belongs (NFKC has already
# turned the half-width one, U+FF61, into this one).
_IDEOGRAPHIC_DOTS = str.maketrans({"\u3002": "."})
_HOST_PREFIXES = ("www.", "m.", "mobile.")
_ALLOWED_SCHEMES = {"http", "https", ""}


class InvalidURL(ValueError):
    """The text cannot be read as a web address."""


def _is_tracking(name: str) -> bool:
    lowered = name.lower()
    return lowered in TRACKING_PARAMS or lowered.startswith(TRACKING_PREFIXES)


def normalize_shop_url(raw: str) -> str:
    """Reduce a shop or product link to ``host/path?query`` for matching.

    Drops the scheme, user info, ``www.``/``m.`` prefixes, the default port, the fragment,
    tracking parameters (and Amazon's ``/ref=`` segment), an ``index.html`` file name and a
    trailing slash; lowercases the host (IDN hosts become punycode); sorts the remaining query
    parameters. The path keeps its case: many shops' paths are case-sensitive.
    Raises InvalidURL when the text is not a web address.
    """
    # NFKC turns full-width letters, digits and punctuation (as typed by CJK input methods)
    # into ASCII.
    text = unicodedata.normalize("NFKC", raw or "").strip().strip("<>\"'")
    if not text or any(ch.isspace() for ch in text):
        raise InvalidURL(_("Enter a web address such as https://shop.example.com/item/123."))
    if "://" not in text:
        if re.match(r"^[a-zA-Z][a-zA-Z0-9+.-]*:(?!\d)", text):
            # javascript:, mailto:, data: ... — a scheme, but not a web address.
            raise InvalidURL(_("Only http and https web addresses can be matched."))
        text = "https://" + text.lstrip("/")
    try:
        parts = urlsplit(text)
        port = parts.port
    except ValueError as exc:
        raise InvalidURL(_("This web address is malformed.")) from exc
    if parts.scheme.lower() not in _ALLOWED_SCHEMES:
        raise InvalidURL(_("Only http and https web addresses can be matched."))
    host = (parts.hostname or "").translate(_IDEOGRAPHIC_DOTS).rstrip(".")
    if not host or "." not in host:
        raise InvalidURL(_("The web address has no valid host name."))
    try:
        host = host.encode("idna").decode("ascii").lower()
    except UnicodeError as exc:
        raise InvalidURL(_("The host name is not valid.")) from exc
    # (An empty label, as in ".shop.com" or "a..b.com", has already failed the IDNA encoding.)
    if not re.fullmatch(r"[a-z0-9.-]+", host) or host.startswith("-"):
        raise InvalidURL(_("The host name is not valid."))
    for prefix in _HOST_PREFIXES:
        if host.startswith(prefix) and host.count(".") >= 2:
            host = host[len(prefix) :]
            break
    if port and port not in (80, 443):
        host = f"{host}:{port}"
    # One spelling for the path: %E5%BA%97 and 店 are the same character.
    path = quote(unquote(re.sub(r"/{2,}", "/", parts.path or "")), safe="/:@!$&'()*+,;=-._~")
    path = _INDEX_PAGE.sub("", _TRACKING_SEGMENT.sub("", path.rstrip("/"))).rstrip("/")
    query = [
        (k, v) for k, v in parse_qsl(parts.query, keep_blank_values=False) if not _is_tracking(k)
    ]
    normalized = host + path
    if query:
        normalized += "?" + urlencode(sorted(query))
    return normalized


# A web address inside a longer text ends at a space, a quote or bracket, or CJK punctuation
# (after NFKC, which turns full-width brackets and commas into ASCII ones).
_EMBEDDED_LINK = re.compile(r"https?://[^\s<>\"'()「」『』【】《》。、]+", re.IGNORECASE)


def link_in_text(text: str) -> str | None:
    """The first http(s) address in a longer text, or None.

    Shopping apps share a product as a message around its link (``【淘宝】宝贝标题 https://...
    点击链接直接打开``, ``Check out this item on Amazon https://...``); a consumer pastes the
    whole message.
    """
    found = _EMBEDDED_LINK.search(unicodedata.normalize("NFKC", text or ""))
    return found.group(0).rstrip(".,;:!?") if found else None


class InvalidRegistrationNumber(ValueError):
    """The registration number has characters that no registry uses."""


def normalize_registration_number(raw: str) -> str:
    """Uppercase, with spaces, dashes, dots and slashes removed (全角 digits become ASCII).

    ``91310000-MA1FL 1234x`` and ``91310000MA1FL1234X`` are the same number. Invisible
    characters that come with copying from a web page (zero-width spaces, direction marks) are
    dropped too. Raises InvalidRegistrationNumber for any other character outside letters and
    digits or for an empty result.
    """
    text = unicodedata.normalize("NFKC", raw or "").upper()
    text = "".join(ch for ch in text if unicodedata.category(ch) != "Cf")
    text = re.sub("[\\s\\-\u2010\u2011\u2012\u2013\u2014\u2212./_]+", "", text)
    if not text:
        raise InvalidRegistrationNumber(_("Enter the registration number."))
    if not re.fullmatch(r"[0-9A-Z]+", text):
        raise InvalidRegistrationNumber(
            _("A registration number has only letters and digits (spaces and dashes are ignored).")
        )
    if len(text) > 64:
        raise InvalidRegistrationNumber(_("A registration number has at most 64 characters."))
    return text


def fold_for_search(text: str) -> str:
    """One spelling of a name for partial search in any script: full-width forms become ASCII,
    case is folded (Straße = STRASSE), runs of spaces become one."""
    return " ".join(unicodedata.normalize("NFKC", text or "").casefold().split())
