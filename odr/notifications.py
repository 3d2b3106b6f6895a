"""Telling people about a case: an in-app notification row for each recipient, written in the
same transaction as the change, and an e-mail in the recipient's language sent after commit."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import UTC

from django.contrib.auth import get_user_model
from django.urls import reverse
from django.utils import formats, translation

from core.emails import send_templated_email

from .models import Case, Notification
from .selectors import linked_merchant_ids


def representatives_of(case: Case) -> list:
    """Active users who speak for a merchant linked as a respondent of the case."""
    User = get_user_model()
    return list(
        User.objects.filter(
            representations__merchant_id__in=linked_merchant_ids(case), is_active=True
        )
        .distinct()
        .order_by("pk")
    )


def _case_path(case: Case, *, desk: bool) -> str:
    # Mediators work in the admin; the parties on the case page.
    if desk:
        return reverse("admin:odr_case_change", args=[case.pk])
    return reverse("odr:case_detail", kwargs={"reference": case.complaint.reference})


def notify(
    *,
    case: Case,
    kind: str,
    consumer=None,
    merchant=None,
    mediator=None,
    exclude: Iterable = (),
) -> list[Notification]:
    """Notify the consumer, the merchant's representatives and/or the case's mediator, each with
    the text given for them (a lazy string that may use ``%(reference)s``); ``None`` skips that
    audience. The person who acted is usually in ``exclude``: they know what they did.

    Called inside the service's transaction: the rows commit with the change, and the e-mails
    leave only after that commit (send_templated_email enqueues on commit).
    """
    excluded = {getattr(user, "pk", user) for user in exclude if user is not None}
    audiences = []
    if consumer is not None:
        audiences.append(([case.complaint.consumer], consumer, False))
    if merchant is not None:
        audiences.append((representatives_of(case), merchant, False))
    if mediator is not None and case.mediator_id:
        audiences.append(([case.mediator], mediator, True))

    seen: set[int] = set()
    rows: list[Notification] = []
    for users, text, desk in audiences:
        for user in users:
            if user.pk in excluded or user.pk in seen or not user.is_active:
                continue
            seen.add(user.pk)
            rows.append(_notify_one(case=case, kind=kind, user=user, text=text, desk=desk))
    return rows


def _notify_one(*, case: Case, kind: str, user, text, desk: bool) -> Notification:
    reference = case.complaint.reference
    language = user.preferred_language
    with translation.override(language):
        message = str(text) % {"reference": reference}
        path = _case_path(case, desk=desk)
        deadline = ""
        if case.deadline_at and case.is_open:
            # E-mails cannot know the reader's zone: the time is given in UTC and says so.
            deadline = "{} UTC ({})".format(
                formats.date_format(case.deadline_at.astimezone(UTC), "DATETIME_FORMAT"),
                case.get_deadline_kind_display(),
            )
    notification = Notification.objects.create(
        user=user, case=case, kind=kind, text=message[:500], url=path
    )
    send_templated_email(
        to=user.email,
        template="odr/email/notice",
        context={
            "user_name": user.get_short_name(),
            "reference": reference,
            "message": message,
            "path": path,
            "deadline": deadline,
        },
        language=language,
    )
    return notification
