"""The mediation desk for complaints: search, read-only case files with hashes and downloads,
linking a named respondent to a merchant, and nothing ever deleted."""

from __future__ import annotations

from importlib import import_module
from unittest import mock

import pytest
from celery import current_app
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from complaints import services
from complaints.models import Complaint, Respondent
from tests.factories import ComplaintFactory, RespondentFactory, UserFactory

from .conftest import build_merchant, png_bytes

pytestmark = pytest.mark.django_db

CHANGELIST = "/admin/complaints/complaint/"


@pytest.mark.parametrize("field", ["reference", "order_number", "consumer_email"])
def test_mediator_finds_a_complaint_by_reference_order_number_or_email(client, mediator, field):
    wanted = ComplaintFactory(submitted=True, consumer=UserFactory(email="li.wei@example.test"))
    other = ComplaintFactory(submitted=True)
    term = {
        "reference": wanted.reference,
        "order_number": wanted.order_number,
        "consumer_email": "li.wei@example.test",
    }[field]
    client.force_login(mediator)

    response = client.get(CHANGELIST, {"q": term})

    results = list(response.context["cl"].result_list)
    assert results == [wanted]
    assert other not in results


def test_changelist_filters_by_status_and_category(client, mediator):
    ComplaintFactory(submitted=True, category="fraud")
    ComplaintFactory(category="fraud")
    client.force_login(mediator)

    response = client.get(CHANGELIST, {"status__exact": "submitted", "category__exact": "fraud"})

    assert response.context["cl"].result_count == 1


def test_case_file_shows_respondents_and_evidence_read_only_with_hash_and_download(
    client, mediator
):
    complaint = ComplaintFactory(submitted=True)
    respondent = RespondentFactory(complaint=complaint, named_name="Kyoto Outlet")
    item = services.evidence_add_file(
        complaint=complaint,
        upload=SimpleUploadedFile("photo.png", png_bytes()),
        submitted_by=complaint.consumer,
    )
    client.force_login(mediator)

    response = client.get(f"{CHANGELIST}{complaint.pk}/change/")

    html = response.content.decode()
    assert response.status_code == 200
    assert "Kyoto Outlet" in html
    assert item.sha256 in html
    download = reverse(
        "complaints:evidence_download",
        kwargs={"public_id": complaint.public_id, "item_id": item.pk},
    )
    assert download in html
    assert f"/admin/complaints/respondent/{respondent.pk}/change/" in html
    assert client.get(download).status_code == 200
    # Read-only: posting the form changes nothing.
    client.post(f"{CHANGELIST}{complaint.pk}/change/", {"description": "rewritten"})
    complaint.refresh_from_db()
    assert complaint.description != "rewritten"


def test_mediator_links_a_named_respondent_to_a_merchant(
    client, mediator, django_capture_on_commit_callbacks
):
    import_module("credit.tasks")
    complaint = ComplaintFactory(submitted=True)
    respondent = RespondentFactory(complaint=complaint, named_name="Kyoto Outlet")
    merchant = build_merchant("Kyoto Kimono Outlet KK")
    client.force_login(mediator)

    recompute = current_app.tasks["credit.tasks.recompute_merchants"]
    with (
        mock.patch.object(recompute, "apply_async") as apply_async,
        django_capture_on_commit_callbacks(execute=True),
    ):
        response = client.post(
            f"/admin/complaints/respondent/{respondent.pk}/change/", {"merchant": merchant.pk}
        )

    assert response.status_code == 302
    respondent.refresh_from_db()
    assert respondent.merchant == merchant
    assert respondent.linked_by == mediator
    assert respondent.linked_at is not None
    assert respondent.named_name == "Kyoto Outlet"  # what the consumer gave is kept
    apply_async.assert_called_once_with(args=([merchant.pk],), kwargs={})


def test_linking_requires_a_merchant(client, mediator):
    respondent = RespondentFactory(complaint=ComplaintFactory(submitted=True))
    client.force_login(mediator)

    response = client.post(f"/admin/complaints/respondent/{respondent.pk}/change/", {})

    assert response.status_code == 200
    respondent.refresh_from_db()
    assert respondent.merchant is None


def test_mediators_can_delete_nothing(client, mediator):
    complaint = ComplaintFactory(submitted=True)
    respondent = RespondentFactory(complaint=complaint)
    client.force_login(mediator)

    for model, obj in (
        ("complaint", complaint),
        ("respondent", respondent),
    ):
        response = client.post(f"/admin/complaints/{model}/{obj.pk}/delete/", {"post": "yes"})
        assert response.status_code == 403
    assert Complaint.objects.filter(pk=complaint.pk).exists()
    assert Respondent.objects.filter(pk=respondent.pk).exists()
    assert not mediator.has_perm("complaints.delete_evidenceitem")
    assert mediator.has_perm("complaints.view_evidenceitem")
    assert mediator.has_perm("complaints.change_respondent")
    assert not mediator.has_perm("complaints.change_complaint")
