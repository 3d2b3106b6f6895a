"""Showing an e-mail kept as evidence: its headers and its body as text or sanitised HTML."""

from __future__ import annotations

from dataclasses import dataclass, field
from email import policy
from email.parser import BytesParser

import nh3
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext_lazy

SHOWN_HEADERS = (
    ("From", gettext_lazy("From")),
    ("To", gettext_lazy("To")),
    ("Cc", gettext_lazy("Cc")),
    ("Date", gettext_lazy("Date")),
    ("Subject", gettext_lazy("Subject")),
)
# Formatting and links only. No images: a remote image in a shop's e-mail is a tracking pixel
# that would tell the shop who reads the complaint, and when.
_TAGS = nh3.ALLOWED_TAGS - {"img"}
_URL_SCHEMES = {"http", "https", "mailto"}


@dataclass
class ShownEmail:
    headers: list[tuple[str, str]] = field(default_factory=list)
    html: SafeString | None = None
    text: str | None = None
    readable: bool = True


def _content(part) -> str:
    try:
        return part.get_content()
    except (LookupError, UnicodeError, ValueError, AttributeError):
        # An unknown or wrong charset: the bytes as far as they are UTF-8.
        payload = part.get_payload(decode=True) or b""
        return payload.decode("utf-8", errors="replace")


def sanitised_html(html: str) -> SafeString:
    """HTML with every script, event handler, style and image removed, links made inert to the
    page that opens them."""
    cleaned = nh3.clean(
        html,
        tags=_TAGS,
        url_schemes=_URL_SCHEMES,
        link_rel="noopener noreferrer nofollow",
    )
    return mark_safe(cleaned)  # noqa: S308 - nh3 has just removed everything active


def read_email(field_file) -> ShownEmail:
    """The e-mail in a stored file, ready for a template; ``readable`` is False when it cannot
    be parsed (the page then offers only the download)."""
    try:
        with field_file.open("rb") as handle:
            # Evidence files are at most REDRESS_EVIDENCE_MAX_FILE_BYTES: read whole.
            raw = handle.read()
        message = BytesParser(policy=policy.default).parsebytes(raw)
        shown = ShownEmail()
        for name, label in SHOWN_HEADERS:
            value = message.get(name)
            if value is not None:
                shown.headers.append((str(label), str(value)))
        body = message.get_body(preferencelist=("html", "plain"))
        if body is None:
            return shown
        if body.get_content_type() == "text/html":
            shown.html = sanitised_html(_content(body))
        else:
            shown.text = _content(body)
        return shown
    except Exception:
        # A malformed message is evidence too: it is kept and downloadable, only not shown.
        return ShownEmail(readable=False)
