"""The unread notification count in the page header (one indexed count, signed-in users only)."""

from __future__ import annotations

from .selectors import unread_notification_count


def notifications(request) -> dict:
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {}
    return {"unread_notifications": unread_notification_count(user)}
