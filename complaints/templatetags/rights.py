"""``{% complaint_rights complaint as rights %}``: the consumer's statutory rights for the
complaint (complaints.rights), on the viewer's today."""

from __future__ import annotations

from django import template
from django.utils import timezone

from complaints.rights import complaint_rights as _complaint_rights

register = template.Library()


@register.simple_tag
def complaint_rights(complaint):
    return _complaint_rights(complaint, today=timezone.localdate())
