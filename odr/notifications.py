"""Telling people about a case: an in-app notification row for each recipient, written in the
same transaction as the change, and an e-mail in the recipient's language sent after commit."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import UTC

from django.contrib.auth import get_user_model
from django.urls import reverse
from django.utils import formats, translation

from core.emails import send_templated_email
from core.queue import enqueue_on_commit
from merchants.models import MerchantRepresentative

from .models import OPEN_STATES, Case, Notification
from .selectors import linked_merchant_ids, linked_merchant_ids_of


@dataclass(frozen=True)
class Notice:
    """What to tell about one case: a text for each audience (a lazy string that may use
    ``%(reference)s``); ``None`` skips that audience. The person who acted is usually in
    ``exclude``: they know what they did."""

    case: Case
    kind: str
    consumer: object = None
    merchant: object = None
    mediator: object = None
    exclude: tuple = ()


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


def representatives_of_cases(
    cases: Iterable[Case], *, linked: Mapping[int, set[int]] | None = None
) -> dict[int, list]:
    """``representatives_of`` for many cases at once: {case id: users by pk}, in one query
    (two without ``linked``, the cases' merchants from selectors.linked_merchant_ids_of)."""
    cases = list(cases)
    if linked is None:
        linked = linked_merchant_ids_of(cases)
    merchant_ids = set().union(*linked.values()) if linked else set()
    by_merchant: dict[int, list] = defaultdict(list)
    if merchant_ids:
        representations = MerchantRepresentative.objects.filter(
            merchant_id__in=merchant_ids, user__is_active=True
        ).select_related("user")
        for representation in representations:
            by_merchant[representation.merchant_id].append(representation.user)
    found = {}
    for case in cases:
        users = {u.pk: u for m in linked.get(case.pk, ()) for u in by_merchant.get(m, ())}
        found[case.pk] = [users[pk] for pk in sorted(users)]
    return found


def _case_path(case: Case, *, desk: bool) -> str:
    # Mediators work in the admin; the parties on the case page.
    if desk:
        return reverse("admin:odr_case_change", args=[case.pk])
    return reverse("odr:case_detail", kwargs={"reference": case.complaint.reference})


def notify_many(
    notices: Iterable[Notice], *, representatives: Mapping[int, list]
) -> list[Notification]:
    """Write the notification rows of many notices in one INSERT, and enqueue one task that
    e-mails them after commit. ``representatives`` maps a case id to the users who speak for
    its merchants (representatives_of_cases), needed for notices with a merchant text."""
    rows: list[Notification] = []
    paths: dict[tuple, str] = {}
    for notice in notices:
        case = notice.case
        excluded = {getattr(user, "pk", user) for user in notice.exclude if user is not None}
        audiences = []
        if notice.consumer is not None:
            audiences.append(([case.complaint.consumer], notice.consumer, False))
        if notice.merchant is not None:
            audiences.append((representatives.get(case.pk, []), notice.merchant, False))
        if notice.mediator is not None and case.mediator_id:
            audiences.append(([case.mediator], notice.mediator, True))
        seen: set[int] = set()
        for users, text, desk in audiences:
            for user in users:
                if user.pk in excluded or user.pk in seen or not user.is_active:
                    continue
                seen.add(user.pk)
                language = user.preferred_language
                with translation.override(language):
                    message = str(text) % {"reference": case.complaint.reference}
                    if (case.pk, desk, language) not in paths:
                        paths[case.pk, desk, language] = _case_path(case, desk=desk)
                path = paths[case.pk, desk, language]
                rows.append(
                    Notification(
                        user=user, case=case, kind=notice.kind, text=message[:500], url=path
                    )
                )
    if rows:
        Notification.objects.bulk_create(rows)
        enqueue_on_commit("odr.tasks.email_notifications", [row.pk for row in rows])
    return rows


def email_notifications(notification_ids: list[int]) -> int:
    """Send the e-mail of each notification, in its recipient's language (the worker's side of
    notify_many). Notifications removed in the meantime are skipped. Returns how many."""
    notifications = Notification.objects.filter(pk__in=notification_ids).select_related(
        "user", "case__complaint"
    )
    sent = 0
    for notification in notifications.order_by("pk"):
        user, case = notification.user, notification.case
        language = user.preferred_language
        deadline = ""
        if case is not None and case.deadline_at and case.state in OPEN_STATES:
            with translation.override(language):
                # E-mails cannot know the reader's zone: the time is given in UTC and says so.
                deadline = "{} UTC ({})".format(
                    formats.date_format(case.deadline_at.astimezone(UTC), "DATETIME_FORMAT"),
                    case.get_deadline_kind_display(),
                )
        send_templated_email(
            to=user.email,
            template="odr/email/notice",
            context={
                "user_name": user.get_short_name(),
                "reference": case.complaint.reference if case is not None else "",
                "message": notification.text,
                "path": notification.url,
                "deadline": deadline,
            },
            language=language,
        )
        sent += 1
    return sent
