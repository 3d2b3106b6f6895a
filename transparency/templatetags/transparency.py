"""Template helpers of the public pages: a published narrative with its placeholders in the
reader's language."""

from __future__ import annotations

from django import template
from django.utils.translation import gettext_lazy as _

from ..scrub import PLACEHOLDERS

register = template.Library()

# What each placeholder of transparency.scrub stands for, in words the reader's language has.
_REMOVED = {
    "email": _("e-mail address removed"),
    "phone": _("phone number removed"),
    "name": _("name removed"),
    "address": _("address removed"),
    "order": _("order number removed"),
    "tracking": _("tracking number removed"),
    "card": _("card number removed"),
    "bank": _("bank account removed"),
    "id": _("ID number removed"),
    "link": _("link removed"),
}


@register.filter
def readable_placeholders(text: str) -> str:
    """``[[EMAIL]]`` -> ``[e-mail address removed]``, in the language shown;
    the exports and the API keep the placeholders as they are, for tools."""
    for kind, placeholder in PLACEHOLDERS.items():
        if placeholder in text:
            text = text.replace(placeholder, f"[{_REMOVED[kind]}]")
    return text
