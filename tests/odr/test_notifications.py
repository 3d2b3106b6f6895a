"""Notifications: an in-app row and an e-mail for each party who must act, sent only after
the change commits, in the recipient's language; the unread count in the header."""

from __future__ import annotations

import pytest
from django.core import mail
from django.db import transaction
from django.urls import reverse

from odr import services
from odr.models import CaseState, Notification

from ..factories import UserFactory
from .builders import build

S = CaseState
pytestmark = pytest.mark.django_db


def test_e_mails_leave_only_after_commit(mediator, django_capture_on_commit_callbacks):
    w = build(S.SUBMITTED, mediator)
    mail.outbox.clear()

    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        services.case_accept(case_id=w.case.pk, mediator=mediator)
        assert Notification.objects.filter(case=w.case, kind="accepted").count() == 2
    assert mail.outbox == []

    # The commit: the notifications' e-mail task runs, and enqueues each e-mail (on commit too).
    with django_capture_on_commit_callbacks(execute=True):
        for callback in callbacks:
            callback()
    assert sorted(m.to[0] for m in mail.outbox) == sorted([w.consumer.email, w.rep.email])


def test_a_rolled_back_move_notifies_nobody(mediator, django_capture_on_commit_callbacks):
    w = build(S.SUBMITTED, mediator)
    mail.outbox.clear()

    with (
        django_capture_on_commit_callbacks(execute=True),
        pytest.raises(RuntimeError),
        transaction.atomic(),
    ):
        services.case_accept(case_id=w.case.pk, mediator=mediator)
        raise RuntimeError("the request failed later")

    assert mail.outbox == []
    assert not Notification.objects.filter(case=w.case, kind="accepted").exists()
    assert w.reload().state == S.SUBMITTED


def test_the_party_who_must_act_is_told_and_the_actor_is_not(
    mediator, django_capture_on_commit_callbacks
):
    w = build(S.NEGOTIATION, mediator)
    mail.outbox.clear()

    with django_capture_on_commit_callbacks(execute=True):
        services.offer_make(
            case_id=w.case.pk, user=w.consumer, kind="refund", amount="120", currency="EUR"
        )

    notified = list(Notification.objects.filter(case=w.case, kind="offer_made").order_by("pk"))
    assert [n.user for n in notified][-1:] == [w.rep]
    assert w.consumer not in [n.user for n in notified[1:]]
    assert [m.to for m in mail.outbox] == [[w.rep.email]]
    body = mail.outbox[0].body
    assert w.case.complaint.reference in body
    assert f"/cases/{w.case.complaint.reference}/" in body
    assert "UTC" in body


def test_the_mediator_is_sent_to_the_desk(mediator, django_capture_on_commit_callbacks):
    w = build(S.MEDIATION, mediator)
    mail.outbox.clear()

    with django_capture_on_commit_callbacks(execute=True):
        services.message_post(case_id=w.case.pk, user=w.consumer, body="Any news?")

    notice = Notification.objects.get(case=w.case, kind="message", user=mediator)
    assert notice.url == f"/admin/odr/case/{w.case.pk}/change/"


def test_e_mail_and_notice_are_in_the_recipients_language(
    mediator, django_capture_on_commit_callbacks
):
    w = build(S.NEGOTIATION, mediator)
    w.rep.preferred_language = "zh-hans"
    w.rep.save(update_fields=["preferred_language"])
    mail.outbox.clear()

    with django_capture_on_commit_callbacks(execute=True):
        services.offer_make(case_id=w.case.pk, user=w.consumer, kind="refund", amount="120")

    notice = Notification.objects.filter(user=w.rep, kind="offer_made").latest("pk")
    assert "案件" in notice.text
    assert notice.url.startswith("/zh-hans/cases/")
    assert "案件" in mail.outbox[0].subject


def test_the_consumer_is_asked_once_to_rate_a_closed_case(mediator):
    w = build(S.RESOLVED, mediator)

    asked = Notification.objects.filter(user=w.consumer, kind="rate_case")

    assert asked.count() == 1


# --- the in-app list --------------------------------------------------------------------------


def test_the_header_shows_the_unread_count_with_one_query(client, django_assert_num_queries):
    user = UserFactory()
    for text in ("one", "two", "three"):
        Notification.objects.create(user=user, kind="x", text=text)
    Notification.objects.create(user=UserFactory(), kind="x", text="someone else's")
    client.force_login(user)

    # The session, the user, and the one count.
    with django_assert_num_queries(3):
        html = client.get("/").content.decode()

    assert "Notifications (3 unread)" in html


@pytest.mark.parametrize(
    ("unread", "shown"), [(99, "99 unread"), (100, "99+ unread"), (130, "99+ unread")]
)
def test_the_header_counts_up_to_ninety_nine_then_says_more(client, unread, shown):
    user = UserFactory()
    Notification.objects.bulk_create(
        Notification(user=user, kind="x", text=str(n)) for n in range(unread)
    )
    client.force_login(user)

    html = client.get("/").content.decode()
    assert f"Notifications ({shown})" in html
    client.cookies["django_language"] = "zh-hans"
    chinese = client.get("/zh-hans/").content.decode()
    assert ("通知（99+ 条未读）" in chinese) == (unread >= 100)  # noqa: RUF001


def test_the_header_count_reads_at_most_a_hundred_rows(client):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    user = UserFactory()
    client.force_login(user)
    with CaptureQueriesContext(connection) as queries:
        client.get("/")
    (count,) = [q["sql"] for q in queries.captured_queries if "odr_notification" in q["sql"]]
    assert "LIMIT 100" in count


def test_anonymous_visitors_cost_no_notification_query(client, django_assert_num_queries):
    with django_assert_num_queries(0):
        client.get("/")


def test_the_list_marks_one_or_all_as_read(client, django_assert_max_num_queries):
    user = UserFactory()
    notices = [
        Notification.objects.create(user=user, kind="x", text=f"notice {i}", url="/cases/")
        for i in range(40)
    ]
    client.force_login(user)

    with django_assert_max_num_queries(6):
        html = client.get(reverse("odr:notification_list")).content.decode()
    assert "notice 39" in html
    assert "Page 1 of 2" in html

    response = client.post(reverse("odr:notification_read", args=[notices[0].pk]), {"open": "1"})
    assert response.url == "/cases/"
    notices[0].refresh_from_db()
    assert notices[0].read_at is not None

    client.post(reverse("odr:notification_read_all"))
    assert not Notification.objects.filter(user=user, read_at__isnull=True).exists()
    assert "unread" not in client.get("/").content.decode()


def test_nobody_marks_someone_elses_notification(client):
    notice = Notification.objects.create(user=UserFactory(), kind="x", text="private")
    client.force_login(UserFactory())

    response = client.post(reverse("odr:notification_read", args=[notice.pk]))

    assert response.status_code == 404
    notice.refresh_from_db()
    assert notice.read_at is None
