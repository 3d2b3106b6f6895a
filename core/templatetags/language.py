"""The language switcher's return address."""

from __future__ import annotations

from django import template
from django.conf import settings
from django.urls import translate_url

register = template.Library()


@register.simple_tag(takes_context=True)
def switcher_next(context) -> str:
    """The current page's address in the default language (no language prefix).

    Django's set_language translates ``next`` into the chosen language, but it resolves it in
    the default language (its own address has no prefix): a prefixed address such as
    /zh-hans/merchants/ would come back unchanged, and the page stay in Chinese."""
    request = context.get("request")
    if request is None:
        return "/"
    return translate_url(request.get_full_path(), settings.LANGUAGE_CODE)
