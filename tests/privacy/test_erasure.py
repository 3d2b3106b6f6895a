"""A consumer's erasure: refused while a case is open, then personal data erased or
pseudonymised everywhere, login disabled, evidence files removed, while the outcomes merchant
credit rests on stay, so a recomputation gives the same credit."""

from __future__ import annotations

from datetime import timedelta

import pytest
import time_machine
from axes.models import AccessAttempt
from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.urls import reverse
from django.utils import timezone, translation

from accounts.models import PrivacyRequest, User
from complaints.models import Complaint, EvidenceItem
from credit.models import CreditSnapshot
from credit.services import credit_recompute
from odr import services
from odr.models import Case, CaseEvent, CaseRating, CaseState, Message, Notification, Offer
from odr.selectors import merchant_case_ratings
from privacy import services as privacy
from privacy import tasks as privacy_tasks
from tests.factories import (
    DEFAULT_PASSWORD,
    ComplaintFactory,
    EvidenceFileFactory,
    MerchantRepresentativeFactory,
    UserFactory,
)
from tests.odr.builders import build, closed_history

pytestmark = pytest.mark.django_db
S = CaseState
ERASE = reverse("privacy:account_erase")


@pytest.fixture
def representation():
    return MerchantRepresentativeFactory()


@pytest.fixture
def alice(db):
    return UserFactory(role="consumer", full_name="Alice Example", email="alice@example.test")


@pytest.fixture
def history(mediator, alice, representation):
    return closed_history(mediator, consumer=alice, representation=representation)


def _erase(user, django_capture_on_commit_callbacks) -> PrivacyRequest:
    # The erasure task runs inline here (eager), after the request's commit.
    with django_capture_on_commit_callbacks(execute=True):
        privacy.consumer_erasure_request(user_id=user.pk)
    return PrivacyRequest.objects.get(user=user, kind="erasure", state__in=["pending", "done"])


def _credit_values(merchant_id):
    s = CreditSnapshot.objects.get(merchant_id=merchant_id, is_current=True)
    return (s.pk, s.score, s.grade, s.case_count, s.effective_sample, s.factors)


# --- refused while a case is open --------------------------------------------------------


def test_erasure_is_refused_while_a_complaint_is_being_handled(mediator, alice, representation):
    open_world = build(S.NEGOTIATION, mediator, consumer=alice, representation=representation)

    with pytest.raises(privacy.ErasureRefused) as refused:
        privacy.consumer_erasure_request(user_id=alice.pk)

    assert refused.value.references == [open_world.case.complaint.reference]
    alice.refresh_from_db()
    assert alice.is_active and alice.erased_at is None
    trail = PrivacyRequest.objects.get(user=alice)
    assert trail.state == PrivacyRequest.State.REFUSED
    assert trail.detail == {"open_complaints": [open_world.case.complaint.reference]}


def test_a_submitted_complaint_whose_case_is_not_open_yet_also_prevents_erasure(alice):
    ComplaintFactory(consumer=alice, submitted=True)  # the sweep has not opened its case yet

    with pytest.raises(privacy.ErasureRefused):
        privacy.consumer_erasure_request(user_id=alice.pk)


def test_only_consumer_accounts_erase_themselves(representation):
    with pytest.raises(privacy.ErasureRefused):
        privacy.consumer_erasure_request(user_id=representation.user_id)
    assert not PrivacyRequest.objects.exists()


# --- what erasure does ----------------------------------------------------------------------


def test_erasure_pseudonymises_the_account_and_disables_login(
    client, alice, history, django_capture_on_commit_callbacks
):
    AccessAttempt.objects.create(
        username="alice@example.test", ip_address="127.0.0.1", failures_since_start=1
    )

    request = _erase(alice, django_capture_on_commit_callbacks)

    alice.refresh_from_db()
    assert request.state == PrivacyRequest.State.DONE
    assert request.detail["cases_pseudonymised"] == 2
    assert alice.email == f"erased-{alice.pk}@erased.invalid"
    assert alice.full_name == ""
    assert not alice.is_active
    assert not alice.has_usable_password()
    assert alice.erased_at is not None
    assert not client.login(username="alice@example.test", password=DEFAULT_PASSWORD)
    assert not AccessAttempt.objects.filter(username="alice@example.test").exists()
    assert not Notification.objects.filter(user=alice).exists()


def test_erasure_removes_what_identifies_the_consumer_from_closed_cases(
    alice, representation, history, django_capture_on_commit_callbacks
):
    resolved, withdrawn = history
    complaint = resolved.case.complaint
    files = list(EvidenceItem.objects.filter(complaint=complaint, kind="file"))
    storage = files[0].file.storage
    names = [item.file.name for item in files]
    assert len(files) == 2 and all(storage.exists(name) for name in names)
    events_before = CaseEvent.objects.filter(case=resolved.case).count()
    rep_notifications = Notification.objects.filter(user=representation.user).count()

    _erase(alice, django_capture_on_commit_callbacks)

    complaint.refresh_from_db()
    assert complaint.pseudonymised_reason == "erasure"
    assert complaint.pseudonymised_at is not None
    assert (complaint.order_number, complaint.order_date, complaint.description) == ("", None, "")
    assert complaint.item_description == complaint.remedy_details == ""
    # What the merchant's statistics rest on stays.
    assert (complaint.amount, complaint.currency, complaint.category) == (
        resolved.case.complaint.amount,
        "EUR",
        "not_as_described",
    )
    for item in EvidenceItem.objects.filter(complaint=complaint):
        assert item.erased_at is not None
        assert (item.label, item.text, item.file.name) == ("", "", "")
        assert len(item.sha256) == 64  # the record that it existed stays
    assert not any(storage.exists(name) for name in names)
    assert set(Message.objects.filter(case=resolved.case).values_list("body", flat=True)) == {""}
    assert set(Offer.objects.filter(case=resolved.case).values_list("terms", flat=True)) == {""}
    resolved.case.settlement.refresh_from_db()
    assert resolved.case.settlement.terms == ""
    rating = CaseRating.objects.get(case=resolved.case)
    assert (rating.score, rating.comment) == (4, "")
    # The timeline keeps every row, loses its free text, and records the pseudonymisation.
    timeline = CaseEvent.objects.filter(case=withdrawn.case)
    assert set(timeline.values_list("note", flat=True)) == {""}
    assert CaseEvent.objects.filter(case=resolved.case).count() == events_before + 1
    assert resolved.case.events.get(kind="pseudonymised").data["reason"] == "erasure"
    assert Notification.objects.filter(user=representation.user).count() == rep_notifications


def test_erasure_keeps_the_case_rows_and_outcomes(
    alice, history, django_capture_on_commit_callbacks
):
    fields = ("state", "outcome", "accepted_at", "merchant_responded_at", "closed_at")
    before = {w.case.pk: [getattr(w.case, f) for f in fields] for w in history}

    _erase(alice, django_capture_on_commit_callbacks)

    after = {
        pk: list(values)
        for pk, *values in Case.objects.filter(pk__in=before).values_list("pk", *fields)
    }
    assert after == before


def test_a_recomputation_after_erasure_gives_the_same_credit(
    mediator, alice, representation, history, django_capture_on_commit_callbacks
):
    other = closed_history(
        mediator, consumer=UserFactory(role="consumer"), representation=representation
    )
    assert other
    merchant_id = representation.merchant_id
    now = timezone.now() + timedelta(days=1)
    credit_recompute(merchant_ids=[merchant_id], now=now)
    before = _credit_values(merchant_id)
    ratings = merchant_case_ratings([merchant_id])
    assert before[3] > 0  # the cases count
    assert ratings[merchant_id]["count"] == 2

    _erase(alice, django_capture_on_commit_callbacks)
    result = credit_recompute(merchant_ids=[merchant_id], now=now)

    assert _credit_values(merchant_id) == before
    assert result.snapshots_written == 0  # nothing changed, so no new snapshot
    assert merchant_case_ratings([merchant_id]) == ratings  # the merchant's statistics too


def test_drafts_are_deleted_with_their_files(alice, django_capture_on_commit_callbacks):
    draft = ComplaintFactory(consumer=alice)
    item = EvidenceFileFactory(complaint=draft)
    storage, name = item.file.storage, item.file.name

    request = _erase(alice, django_capture_on_commit_callbacks)

    assert not Complaint.objects.filter(pk=draft.pk).exists()
    assert not storage.exists(name)
    assert request.detail["drafts_deleted"] == 1


def test_other_consumers_are_untouched(
    mediator, alice, representation, history, django_capture_on_commit_callbacks
):
    bob = UserFactory(role="consumer", full_name="Bob Other")
    bobs = closed_history(mediator, consumer=bob, representation=representation)

    _erase(alice, django_capture_on_commit_callbacks)

    bob.refresh_from_db()
    assert bob.full_name == "Bob Other" and bob.is_active
    complaint = Complaint.objects.get(pk=bobs[0].case.complaint_id)
    assert complaint.pseudonymised_at is None
    assert complaint.description
    assert Message.objects.filter(case=bobs[0].case).exclude(body="").exists()


def test_erasure_is_idempotent(alice, history, django_capture_on_commit_callbacks):
    request = _erase(alice, django_capture_on_commit_callbacks)
    events = CaseEvent.objects.filter(kind="pseudonymised").count()

    again = privacy.consumer_erasure_request(user_id=alice.pk)
    rerun = privacy.consumer_erase(request_id=request.pk)
    services.case_pseudonymise(case_id=history[0].case.pk, reason="erasure")

    assert again.pk == rerun.pk == request.pk
    assert PrivacyRequest.objects.filter(user=alice, kind="erasure").count() == 1
    assert CaseEvent.objects.filter(kind="pseudonymised").count() == events == 2


def test_an_interrupted_erasure_continues_where_it_stopped(
    alice, history, django_capture_on_commit_callbacks
):
    # The request was taken (login disabled) but the worker died after the first case.
    with django_capture_on_commit_callbacks(execute=False):
        request = privacy.consumer_erasure_request(user_id=alice.pk)
    alice.refresh_from_db()
    assert not alice.is_active and alice.erased_at is None
    services.case_pseudonymise(case_id=history[0].case.pk, reason="erasure")

    with django_capture_on_commit_callbacks(execute=True):
        done = privacy.consumer_erase(request_id=request.pk)

    assert done.state == PrivacyRequest.State.DONE
    assert done.detail["cases_pseudonymised"] == 2
    assert Complaint.objects.filter(consumer=alice, pseudonymised_at__isnull=True).count() == 0


def test_an_erasure_whose_task_was_lost_is_carried_out_by_the_daily_run_a_day_later(
    alice, history, django_capture_on_commit_callbacks
):
    # The request was taken (login disabled) but its task never ran: the broker was down.
    asked = timezone.now()
    with time_machine.travel(asked, tick=False), django_capture_on_commit_callbacks(execute=False):
        request = privacy.consumer_erasure_request(user_id=alice.pk)

    # Within the day the task may still be retrying: the daily run leaves it to the task.
    with time_machine.travel(asked + timedelta(hours=23), tick=False):
        assert privacy_tasks.apply_retention()["erasures"] == 0
    request.refresh_from_db()
    assert request.state == PrivacyRequest.State.PENDING

    with time_machine.travel(asked + timedelta(hours=25), tick=False):
        assert privacy_tasks.apply_retention()["erasures"] == 1
        assert privacy_tasks.apply_retention()["erasures"] == 0
    request.refresh_from_db()
    alice.refresh_from_db()
    assert request.state == PrivacyRequest.State.DONE
    assert alice.erased_at is not None
    assert Complaint.objects.filter(consumer=alice, pseudonymised_at__isnull=True).count() == 0


def test_an_open_case_cannot_be_pseudonymised(mediator):
    w = build(S.MEDIATION, mediator)

    with pytest.raises(services.TransitionNotAllowed):
        services.case_pseudonymise(case_id=w.case.pk, reason="retention")


def test_an_erased_account_cannot_file_and_is_never_purged(
    alice, history, django_capture_on_commit_callbacks
):
    from accounts.services import users_purge_unverified
    from complaints.services import complaint_submit

    _erase(alice, django_capture_on_commit_callbacks)
    User.objects.filter(pk=alice.pk).update(
        email_verified_at=None, date_joined=timezone.now() - timedelta(days=30)
    )
    alice.refresh_from_db()

    assert users_purge_unverified() == 0
    assert User.objects.filter(pk=alice.pk).exists()
    with pytest.raises(PermissionDenied):
        complaint_submit(complaint=ComplaintFactory(consumer=alice), consumer=alice, consent=True)


# --- who sees that a case was pseudonymised ------------------------------------------------


def test_mediators_and_merchants_see_that_a_case_was_pseudonymised(
    client, mediator, alice, representation, history, django_capture_on_commit_callbacks
):
    _erase(alice, django_capture_on_commit_callbacks)
    case = history[0].case
    client.force_login(mediator)

    queue = client.get(reverse("admin:odr_case_changelist"), {"pseudonymised": "yes"})
    page = client.get(reverse("admin:odr_case_change", args=[case.pk])).content.decode()
    client.force_login(representation.user)
    party_page = client.get(reverse("odr:case_detail", args=[case.complaint.reference]))

    assert case.complaint.reference in queue.content.decode()
    assert "Personal data were erased; the outcome is kept." in page
    assert "Erased at the consumer" in page
    assert "alice@example.test" not in page
    assert 'data-testid="pseudonymised"' in party_page.content.decode()
    assert "(erased)" in party_page.content.decode()


# --- the pages -------------------------------------------------------------------------------


def test_the_account_page_offers_download_and_erasure(client, alice):
    client.force_login(alice)

    html = client.get(reverse("account")).content.decode()

    assert reverse("privacy:account_export") in html
    assert ERASE in html


def test_the_erasure_page_lists_the_complaints_that_prevent_it(
    client, mediator, alice, representation
):
    open_world = build(S.NEGOTIATION, mediator, consumer=alice, representation=representation)
    client.force_login(alice)

    page = client.get(ERASE)
    refused = client.post(ERASE, {"password": DEFAULT_PASSWORD, "confirm": "on"})

    assert open_world.case.complaint.reference in page.content.decode()
    assert refused.status_code == 409
    assert open_world.case.complaint.reference in refused.content.decode()
    alice.refresh_from_db()
    assert alice.is_active


def test_the_erasure_page_needs_the_password_and_the_confirmation(client, alice, history):
    client.force_login(alice)

    wrong = client.post(ERASE, {"password": "not-it", "confirm": "on"})
    unconfirmed = client.post(ERASE, {"password": DEFAULT_PASSWORD})

    assert wrong.status_code == unconfirmed.status_code == 400
    assert not PrivacyRequest.objects.exists()


def test_erasing_from_the_page_signs_out_and_erases(
    client, alice, history, django_capture_on_commit_callbacks
):
    client.force_login(alice)

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(ERASE, {"password": DEFAULT_PASSWORD, "confirm": "on"})

    assert response.status_code == 302
    assert response.url == reverse("privacy:account_erased")
    assert client.get(reverse("account")).status_code == 302  # signed out
    alice.refresh_from_db()
    assert alice.erased_at is not None


def test_a_representative_is_told_to_contact_redress(client, representation):
    client.force_login(representation.user)

    page = client.get(ERASE)
    post = client.post(ERASE, {"password": DEFAULT_PASSWORD, "confirm": "on"})

    assert "Only consumer accounts can erase their data here" in page.content.decode()
    assert post.status_code == 404


def test_the_erasure_page_needs_a_signed_in_user(client):
    response = client.get(ERASE)

    assert response.status_code == 302
    assert response.url.startswith(reverse("login"))


def test_the_privacy_pages_are_in_simplified_chinese(client, alice):
    client.force_login(alice)

    # The middleware leaves the page's language active in this thread: restore it after.
    with translation.override(settings.LANGUAGE_CODE):
        account = client.get("/zh-hans/accounts/").content.decode()
        erase = client.get("/zh-hans/accounts/erase/").content.decode()

    assert "您的账户" in account and "下载我的数据" in account
    assert "删除我的个人数据" in erase and "您的密码" in erase


def test_erasure_removes_the_open_data_entry_and_the_narrative(
    client, alice, history, django_capture_on_commit_callbacks
):
    from transparency.models import NarrativeReview, OpenComplaint
    from transparency.services import open_complaint_refresh

    resolved, _withdrawn = history
    complaint = resolved.case.complaint
    Complaint.objects.filter(pk=complaint.pk).update(
        publish_consent_at=timezone.now(), publish_narrative_consent_at=timezone.now()
    )
    open_complaint_refresh(complaint_id=complaint.pk)
    assert OpenComplaint.objects.filter(complaint=complaint).exists()
    assert NarrativeReview.objects.filter(complaint=complaint).exists()

    _erase(alice, django_capture_on_commit_callbacks)

    assert not OpenComplaint.objects.filter(complaint=complaint).exists()
    assert not NarrativeReview.objects.filter(complaint=complaint).exists()
    assert client.get("/api/v1/open-complaints/").json()["count"] == 0
