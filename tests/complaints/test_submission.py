"""Submitting a complaint: a reference, an e-mail in the consumer's language, a case opened by
ODR, and exactly one of each however often the form is sent."""

from __future__ import annotations

from importlib import import_module
from unittest import mock

import pytest
import time_machine
from celery import current_app
from django.core.exceptions import ValidationError
from django.urls import reverse

from complaints import services
from complaints.models import Complaint
from tests.factories import ComplaintFactory, RespondentFactory, UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def draft(consumer):
    complaint = ComplaintFactory(consumer=consumer, category="not_as_described")
    RespondentFactory(complaint=complaint)
    return complaint


@pytest.fixture
def open_case():
    """ODR's task, watched: complaints enqueue it by name after commit."""
    import_module("odr.tasks")
    task = current_app.tasks["odr.tasks.open_case"]
    with mock.patch.object(task, "apply_async") as apply_async:
        yield apply_async


def _review(complaint):
    return reverse("complaints:edit", kwargs={"public_id": complaint.public_id, "step": "review"})


@time_machine.travel("2026-11-24 09:00Z", tick=False)
def test_submission_sets_reference_time_right_and_language(
    draft, consumer, open_case, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        submitted = services.complaint_submit(
            complaint=draft, consumer=consumer, consent=True, language="zh-hans"
        )

    submitted.refresh_from_db()
    assert submitted.status == Complaint.Status.SUBMITTED
    assert submitted.reference == f"RD-2026-{draft.pk:06d}"
    assert submitted.submitted_at.isoformat() == "2026-11-24T09:00:00+00:00"
    assert submitted.consent_at == submitted.submitted_at
    assert submitted.right_at_stake == "information"
    assert submitted.language == "zh-hans"
    open_case.assert_called_once_with(args=(draft.pk,), kwargs={})


def test_reference_year_follows_the_submission_date(consumer, open_case):
    complaint = ComplaintFactory(consumer=consumer)
    RespondentFactory(complaint=complaint)

    with time_machine.travel("2027-01-01 00:00:01Z"):
        submitted = services.complaint_submit(complaint=complaint, consumer=consumer, consent=True)

    assert submitted.reference == f"RD-2027-{complaint.pk:06d}"


def test_consumer_gets_one_email_in_their_language(
    consumer, draft, mailoutbox, open_case, django_capture_on_commit_callbacks
):
    consumer.preferred_language = "zh-hans"
    consumer.save()

    with django_capture_on_commit_callbacks(execute=True):
        submitted = services.complaint_submit(complaint=draft, consumer=consumer, consent=True)

    [email] = mailoutbox
    assert email.to == [consumer.email]
    assert submitted.reference in email.subject
    assert "投诉" in email.subject
    assert f"/zh-hans/complaints/{draft.public_id}/" in email.body


def test_submitting_again_returns_the_same_complaint_without_a_second_email_or_case(
    consumer, draft, mailoutbox, open_case, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        first = services.complaint_submit(complaint=draft, consumer=consumer, consent=True)
    with django_capture_on_commit_callbacks(execute=True):
        second = services.complaint_submit(complaint=draft, consumer=consumer, consent=True)

    assert second.pk == first.pk
    assert second.reference == first.reference
    assert second.submitted_at == first.submitted_at
    assert len(mailoutbox) == 1
    assert open_case.call_count == 1


def test_double_post_of_the_review_page_makes_one_complaint(
    client, consumer, draft, mailoutbox, open_case, django_capture_on_commit_callbacks
):
    client.force_login(consumer)

    with django_capture_on_commit_callbacks(execute=True):
        first = client.post(_review(draft), {"consent": "on"})
    with django_capture_on_commit_callbacks(execute=True):
        second = client.post(_review(draft), {"consent": "on"})

    detail = reverse("complaints:detail", kwargs={"public_id": draft.public_id})
    assert first.url == detail
    assert second.url == detail
    assert Complaint.objects.filter(status="submitted").count() == 1
    assert len(mailoutbox) == 1
    assert open_case.call_count == 1


def test_consent_is_required(client, consumer, draft, open_case):
    client.force_login(consumer)

    response = client.post(_review(draft), {})

    assert response.status_code == 200
    assert response.context["form"].errors["consent"]
    draft.refresh_from_db()
    assert draft.status == Complaint.Status.DRAFT
    with pytest.raises(ValidationError):
        services.complaint_submit(complaint=draft, consumer=consumer, consent=False)
    open_case.assert_not_called()


def test_incomplete_draft_is_not_submitted_and_the_missing_steps_are_named(
    client, consumer, open_case
):
    complaint = ComplaintFactory(consumer=consumer, description="")  # and no respondent
    client.force_login(consumer)

    page = client.get(_review(complaint)).content.decode()
    response = client.post(_review(complaint), {"consent": "on"})

    assert "What went wrong" in page and "Who is responsible" in page
    assert "Some steps are not complete yet" in response.content.decode()
    complaint.refresh_from_db()
    assert complaint.status == Complaint.Status.DRAFT
    assert complaint.reference is None
    open_case.assert_not_called()


def test_only_the_owner_submits(draft, open_case):
    with pytest.raises(Complaint.DoesNotExist):
        services.complaint_submit(complaint=draft, consumer=UserFactory(), consent=True)
    draft.refresh_from_db()
    assert draft.status == Complaint.Status.DRAFT


def test_references_are_unique_per_complaint(consumer, open_case):
    complaints = [ComplaintFactory(consumer=consumer) for _ in range(3)]
    for complaint in complaints:
        RespondentFactory(complaint=complaint)

    references = {
        services.complaint_submit(complaint=c, consumer=consumer, consent=True).reference
        for c in complaints
    }

    assert len(references) == 3


@pytest.mark.django_db(transaction=True)
def test_two_tabs_submitting_at_the_same_moment_make_one_complaint(
    consumer, draft, mailoutbox, open_case
):
    from django.db import OperationalError, connection

    from tests.conftest import at_once

    results = at_once(
        *[
            lambda: services.complaint_submit(complaint=draft, consumer=consumer, consent=True)
            for _ in range(2)
        ]
    )

    submitted = [r for r in results if isinstance(r, Complaint)]
    if connection.vendor == "postgresql":
        # The second waits on the row lock, then finds the complaint submitted.
        assert len(submitted) == 2, results
    else:
        # The in-memory SQLite test database locks whole tables and refuses a colliding writer
        # ("database table is locked") at once; it may refuse both.
        assert all(isinstance(r, Complaint | OperationalError) for r in results), results
        if not submitted:
            assert Complaint.objects.get(pk=draft.pk).status == Complaint.Status.DRAFT
            assert (len(mailoutbox), open_case.call_count) == (0, 0)
            return
    assert {c.reference for c in submitted} == {Complaint.objects.get(pk=draft.pk).reference}
    assert Complaint.objects.get(pk=draft.pk).status == Complaint.Status.SUBMITTED
    assert len(mailoutbox) == 1
    assert open_case.call_count == 1
