"""{% load odr %} {% local_time value %}: a time stored in UTC, shown in the reader's zone."""

from __future__ import annotations

from datetime import UTC

from django import template
from django.utils import formats, timezone
from django.utils.html import format_html

register = template.Library()


@register.simple_tag
def local_time(value) -> str:
    """A <time> element: the server writes the site's zone with its name (UTC by default), and
    odr/local-time.js rewrites it in the browser's own zone. Without JavaScript the reader still
    sees an unambiguous time."""
    if not value:
        return ""
    local = timezone.localtime(value)
    text = "{} {}".format(formats.date_format(local, "DATETIME_FORMAT"), local.tzname() or "")
    return format_html(
        '<time datetime="{}" data-local-time>{}</time>',
        value.astimezone(UTC).isoformat(),
        text.strip(),
    )
