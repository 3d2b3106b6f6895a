"""{% load local_time %} {% local_time value %}: a UTC time shown in the reader's zone."""

from __future__ import annotations

from datetime import UTC

from django import template
from django.utils import formats, timezone
from django.utils.html import format_html

register = template.Library()


@register.simple_tag
def local_time(value, *, date_only: bool = False) -> str:
    """A <time> element in the reader's zone, with the zone's name (``CST``, ``UTC`` ...).

    The server writes it in the zone core.middleware.ViewerTimezoneMiddleware activated: the
    browser's own once js/local-time.js has told it, the site's zone (UTC by default) before
    that; js/local-time.js also rewrites it in the browser's zone, so a first visit is right too.
    ``date_only`` shows the day alone. The format is the language's one (config/formats/),
    which js/local-time.js writes too: no other format here, or a page would show two.
    """
    if not value:
        return ""
    local = timezone.localtime(value)
    text = formats.date_format(local, "DATE_FORMAT" if date_only else "DATETIME_FORMAT")
    if not date_only:
        text = f"{text} {local.tzname() or ''}".strip()
    return format_html(
        '<time datetime="{}" data-local-time{}>{}</time>',
        value.astimezone(UTC).isoformat(),
        " data-date-only" if date_only else "",
        text,
    )
