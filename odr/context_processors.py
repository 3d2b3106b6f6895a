"""The unread notification count in the page header (one indexed count of at most 100 rows,
signed-in users only)."""

from __future__ import annotations

from .selectors import UNREAD_COUNT_LIMIT, unread_notification_count


def notifications(request) -> dict:
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {}
    count = unread_notification_count(user)
    return {"unread_notifications": count, "unread_notifications_many": count >= UNREAD_COUNT_LIMIT}
