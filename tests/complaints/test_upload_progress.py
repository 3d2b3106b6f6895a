"""The upload script's side of the evidence forms: one file per request, answered as JSON with
what was kept and what was refused and why; without the script the forms behave as before."""

from __future__ import annotations

import json

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from tests.factories import ComplaintFactory

from .conftest import png_bytes

pytestmark = pytest.mark.django_db
EXE = b"MZ\x90\x00\x03\x00\x00\x00" + b"\x00" * 200
JSON = {"HTTP_ACCEPT": "application/json"}


def _step(complaint):
    return reverse("complaints:edit", kwargs={"public_id": complaint.public_id, "step": "evidence"})


def test_a_kept_file_is_answered_with_its_name(client, consumer):
    complaint = ComplaintFactory(consumer=consumer)
    client.force_login(consumer)

    response = client.post(
        _step(complaint),
        {"files": [SimpleUploadedFile("parcel.png", png_bytes())], "action": "add"},
        **JSON,
    )

    assert response.status_code == 200
    assert json.loads(response.content) == {"added": ["parcel.png"], "refused": []}
    assert complaint.evidence.count() == 1


def test_a_refused_file_is_answered_with_its_reason_in_the_pages_language(client, consumer):
    complaint = ComplaintFactory(consumer=consumer)
    client.force_login(consumer)

    english = client.post(
        _step(complaint), {"files": [SimpleUploadedFile("setup.png", EXE)]}, **JSON
    )
    chinese = client.post(
        "/zh-hans" + _step(complaint), {"files": [SimpleUploadedFile("setup.png", EXE)]}, **JSON
    )

    assert english.status_code == chinese.status_code == 400
    (reason,) = json.loads(english.content)["refused"]
    assert reason.startswith("setup.png was refused: this type of file is not accepted")
    assert json.loads(chinese.content)["added"] == []
    assert "setup.png" in json.loads(chinese.content)["refused"][0]
    assert not complaint.evidence.exists()


def test_later_evidence_on_a_submitted_complaint_answers_the_same_way(client, consumer):
    complaint = ComplaintFactory(consumer=consumer, submitted=True)
    client.force_login(consumer)

    response = client.post(
        reverse("complaints:evidence_add", kwargs={"public_id": complaint.public_id}),
        {"files": [SimpleUploadedFile("receipt.png", png_bytes())]},
        **JSON,
    )

    assert json.loads(response.content)["added"] == ["receipt.png"]


def test_nobody_else_can_upload_to_the_complaint(client, consumer, other_consumer):
    complaint = ComplaintFactory(consumer=consumer)
    client.force_login(other_consumer)

    response = client.post(
        _step(complaint), {"files": [SimpleUploadedFile("x.png", png_bytes())]}, **JSON
    )

    assert response.status_code == 404
    assert not complaint.evidence.exists()


def test_the_forms_load_the_script_and_keep_working_without_it(client, consumer):
    complaint = ComplaintFactory(consumer=consumer)
    client.force_login(consumer)

    page = client.get(_step(complaint)).content.decode()
    plain = client.post(
        _step(complaint), {"files": [SimpleUploadedFile("a.png", png_bytes())], "action": "add"}
    )

    assert "complaints/upload-progress" in page and "data-upload-progress" in page
    assert plain.status_code == 302
