"""The consumer's choices about the open complaint data: two separate opt-ins at submission
(the complaint; also its narrative), neither given by default, changeable later on the
complaint's page; the narrative never without the complaint."""

from __future__ import annotations

from datetime import UTC, datetime
from importlib import import_module
from unittest import mock

import pytest
from celery import current_app
from django.urls import reverse
from django.utils import timezone

from complaints.models import Complaint
from tests.factories import CaseFactory, ComplaintFactory, RespondentFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def draft(consumer):
    complaint = ComplaintFactory(consumer=consumer, category="not_as_described")
    RespondentFactory(complaint=complaint)
    return complaint


@pytest.fixture
def enqueued():
    """The tasks complaints enqueue by name after commit, watched."""
    import_module("odr.tasks")
    import_module("transparency.tasks")
    open_case = current_app.tasks["odr.tasks.open_case"]
    refresh = current_app.tasks["transparency.tasks.refresh_open_complaint"]
    with (
        mock.patch.object(open_case, "apply_async"),
        mock.patch.object(refresh, "apply_async") as refreshed,
    ):
        yield refreshed


def _review(complaint):
    return reverse("complaints:edit", kwargs={"public_id": complaint.public_id, "step": "review"})


@pytest.mark.parametrize(
    ("posted", "publish", "narrative"),
    [
        ({"consent": "on"}, False, False),
        ({"consent": "on", "publish": "on"}, True, False),
        ({"consent": "on", "publish": "on", "publish_narrative": "on"}, True, True),
    ],
)
def test_the_choices_at_submission_are_kept(
    client, consumer, draft, enqueued, django_capture_on_commit_callbacks, posted, publish,
    narrative,
):  # fmt: skip
    client.force_login(consumer)

    with django_capture_on_commit_callbacks(execute=True):
        client.post(_review(draft), posted)

    draft.refresh_from_db()
    assert draft.status == Complaint.Status.SUBMITTED
    assert (draft.publish_consent_at is not None) is publish
    assert (draft.publish_narrative_consent_at is not None) is narrative


def test_the_narrative_alone_is_refused_in_both_languages(client, consumer, draft, enqueued):
    client.force_login(consumer)
    posted = {"consent": "on", "publish_narrative": "on"}

    english = client.post(_review(draft), posted).content.decode()
    chinese = client.post("/zh-hans" + _review(draft), posted).content.decode()

    assert "To publish what happened in your own words, also agree to publish the complaint." in (
        english
    )
    assert "如需公开您亲笔描述的经过，请同时同意公开这件投诉。" in chinese  # noqa: RUF001
    draft.refresh_from_db()
    assert draft.status == Complaint.Status.DRAFT


def test_the_review_page_offers_both_choices_unticked(client, consumer, draft):
    client.force_login(consumer)

    form = client.get(_review(draft)).context["form"]

    assert form["publish"].value() in (None, False)
    assert form["publish_narrative"].value() in (None, False)


@pytest.fixture
def submitted(consumer):
    return CaseFactory(complaint__consumer=consumer).complaint


def _publication(complaint):
    return reverse("complaints:publication", kwargs={"public_id": complaint.public_id})


def test_the_consumer_gives_and_withdraws_consent_later(
    client, consumer, submitted, enqueued, django_capture_on_commit_callbacks
):
    client.force_login(consumer)

    with django_capture_on_commit_callbacks(execute=True):
        client.post(_publication(submitted), {"publish": "on", "publish_narrative": "on"})
    submitted.refresh_from_db()
    given = submitted.publish_consent_at
    assert given is not None and submitted.publish_narrative_consent_at is not None

    with django_capture_on_commit_callbacks(execute=True):
        client.post(_publication(submitted), {"publish": "on"})
    submitted.refresh_from_db()
    assert submitted.publish_consent_at == given
    assert submitted.publish_narrative_consent_at is None

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(_publication(submitted), {})
    submitted.refresh_from_db()
    assert submitted.publish_consent_at is None
    assert response.url.endswith("#publication")
    # The open data was told each time, after commit.
    assert [c.kwargs["args"] for c in enqueued.call_args_list] == [(submitted.pk,)] * 3


def test_the_page_shows_the_choice(client, consumer, submitted):
    client.force_login(consumer)
    page = client.get(reverse("complaints:detail", kwargs={"public_id": submitted.public_id}))

    assert "This complaint is not published in the open complaint data." in page.content.decode()


def test_nobody_else_changes_the_choice(client, other_consumer, submitted, enqueued):
    client.force_login(other_consumer)

    response = client.post(_publication(submitted), {"publish": "on"})

    assert response.status_code == 404
    submitted.refresh_from_db()
    assert submitted.publish_consent_at is None
    enqueued.assert_not_called()


def test_a_draft_cannot_be_published(client, consumer, draft, enqueued):
    client.force_login(consumer)

    response = client.post(_publication(draft), {"publish": "on"})

    draft.refresh_from_db()
    assert draft.publish_consent_at is None
    assert response.status_code == 302
    enqueued.assert_not_called()


def test_the_page_says_whether_the_complaint_is_published_yet(client, consumer, submitted):
    from transparency.models import OpenComplaint

    Complaint.objects.filter(pk=submitted.pk).update(publish_consent_at=timezone.now())
    client.force_login(consumer)
    url = reverse("complaints:detail", kwargs={"public_id": submitted.public_id})

    waiting = client.get(url).content.decode()
    OpenComplaint.objects.create(
        complaint=submitted,
        published_at=datetime(2026, 11, 20, 9, 0, tzinfo=UTC),
        refreshed_at=timezone.now(),
        submitted_on=datetime(2026, 11, 1, tzinfo=UTC).date(),
        category="not_as_described",
    )
    published = client.get(url).content.decode()

    assert (
        "It appears once the merchant has answered, or 15 days after a mediator accepted the case."
        in waiting
    )
    assert "It is published since Nov 20, 2026." in published
