"""A consumer downloads all their data: a zip with data.json and their evidence files, streamed
in pieces, from their account page, with only their own data in it."""

from __future__ import annotations

import hashlib
import io
import json
import os
import zipfile

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.http import StreamingHttpResponse
from django.urls import reverse
from PIL import Image

from accounts.models import PrivacyRequest
from complaints.models import EvidenceItem
from privacy.export import CHUNK_BYTES
from tests.factories import (
    ComplaintFactory,
    EvidenceFileFactory,
    MerchantRepresentativeFactory,
    UserFactory,
)
from tests.odr.builders import closed_history

pytestmark = pytest.mark.django_db
EXPORT = reverse("privacy:account_export")


@pytest.fixture
def alice(db):
    return UserFactory(role="consumer", full_name="Alice Example", email="alice@example.test")


@pytest.fixture
def representation():
    return MerchantRepresentativeFactory()


@pytest.fixture
def history(mediator, alice, representation):
    return closed_history(mediator, consumer=alice, representation=representation)


def _download(client, user):
    client.force_login(user)
    response = client.post(EXPORT)
    assert response.status_code == 200
    chunks = list(response.streaming_content)
    archive = zipfile.ZipFile(io.BytesIO(b"".join(chunks)))
    return response, chunks, archive


def test_the_export_holds_every_part_of_the_consumers_data(client, alice, history):
    resolved, withdrawn = history
    draft = ComplaintFactory(consumer=alice, description="A draft by Alice")

    response, _, archive = _download(client, alice)

    assert response["Content-Type"] == "application/zip"
    assert response["Content-Disposition"].startswith('attachment; filename="redress-data-')
    assert response["Cache-Control"] == "private, no-store"
    data = json.loads(archive.read("data.json"))
    assert data["account"]["email"] == "alice@example.test"
    assert data["account"]["full_name"] == "Alice Example"
    by_reference = {c["reference"]: c for c in data["complaints"]}
    assert set(by_reference) == {
        resolved.case.complaint.reference,
        withdrawn.case.complaint.reference,
        None,  # the draft
    }
    drafts = [c for c in data["complaints"] if c["status"] == "draft"]
    assert drafts[0]["complaint"]["description"] == draft.description
    record = by_reference[resolved.case.complaint.reference]
    assert record["complaint"]["description"] == resolved.case.complaint.description
    assert record["respondents"][0]["merchant"]["legal_name"] == resolved.merchant.legal_name
    case = record["case"]
    assert case["state"] == "resolved" and case["outcome"] == "resolved_by_merchant"
    kinds = [event["kind"] for event in case["timeline"]]
    assert kinds[0] == "case_opened" and "payment_confirmed" in kinds
    assert [m["body"] for m in case["messages"]] == ["I am Alice Example, 1 Example Road."]
    assert case["offers"][0]["state"] == "accepted"
    assert case["settlement"]["paid_confirmed_at"] is not None
    assert record["rating"] == {
        "score": 4,
        "comment": "Thanks from Alice",
        "rated_at": record["rating"]["rated_at"],
    }
    withdrawal = by_reference[withdrawn.case.complaint.reference]["case"]["timeline"]
    assert any(event["note"] == "Alice moved" for event in withdrawal)
    assert {n["case"] for n in data["notifications"]} >= {resolved.case.complaint.reference}


def test_the_export_never_holds_internal_notes(client, alice, history):
    _, _, archive = _download(client, alice)

    assert "Alice phoned us." not in archive.read("data.json").decode()


def test_every_evidence_file_is_in_the_zip_as_stored(client, alice, history):
    resolved, _ = history
    files = EvidenceItem.objects.filter(complaint__consumer=alice, kind="file")

    _, _, archive = _download(client, alice)

    data = json.loads(archive.read("data.json"))
    listed = {
        e["id"]: e["file_in_export"]
        for c in data["complaints"]
        for e in c["evidence"]
        if e["kind"] == "file"
    }
    assert set(listed) == {item.pk for item in files} and len(listed) == 2
    for item in files:
        content = archive.read(listed[item.pk])
        assert hashlib.sha256(content).hexdigest() == item.sha256
        assert listed[item.pk].startswith(f"evidence/{resolved.case.complaint.reference}/")


def test_only_the_signed_in_consumers_data_is_exported(client, mediator, alice, representation):
    bob = UserFactory(role="consumer", full_name="Bob Other", email="bob@example.test")
    bobs = closed_history(mediator, consumer=bob, representation=representation)
    closed_history(mediator, consumer=alice, representation=representation)

    _, _, archive = _download(client, alice)

    text = archive.read("data.json").decode()
    assert "bob@example.test" not in text and "Bob Other" not in text
    assert bobs[0].case.complaint.reference not in text
    bob_files = EvidenceItem.objects.filter(complaint__consumer=bob, kind="file")
    names = "\n".join(archive.namelist())
    assert bob_files.exists()
    assert bobs[0].case.complaint.reference not in names


def test_each_download_is_recorded(client, alice, history):
    _download(client, alice)

    trail = PrivacyRequest.objects.get(user=alice)
    assert (trail.kind, trail.state) == ("export", "done")
    assert trail.detail == {"complaints": 2, "evidence_files": 2}


def test_the_export_is_streamed_in_pieces(client, alice):
    complaint = ComplaintFactory(consumer=alice, submitted=True)
    noise = Image.frombytes("RGB", (300, 300), os.urandom(300 * 300 * 3))
    out = io.BytesIO()
    noise.save(out, format="PNG")
    big = EvidenceFileFactory(
        complaint=complaint,
        upload=SimpleUploadedFile("noise.png", out.getvalue(), content_type="image/png"),
    )
    assert big.size > 3 * CHUNK_BYTES

    response, chunks, archive = _download(client, alice)

    assert isinstance(response, StreamingHttpResponse)
    assert len(chunks) > 3
    assert max(len(chunk) for chunk in chunks) < big.size  # the file went out in pieces
    assert archive.testzip() is None


def test_the_export_needs_a_signed_in_user_and_a_post(client, alice):
    anonymous = client.post(EXPORT)
    client.force_login(alice)
    by_get = client.get(EXPORT)

    assert anonymous.status_code == 302
    assert anonymous.url.startswith(reverse("login"))
    assert by_get.status_code == 405
    assert not PrivacyRequest.objects.exists()


def test_a_missing_file_is_named_and_the_export_still_completes(client, alice, history):
    item = EvidenceItem.objects.filter(complaint__consumer=alice, kind="file").first()
    item.file.storage.delete(item.file.name)

    _, _, archive = _download(client, alice)

    assert archive.testzip() is None
    assert "missing_files.txt" in archive.namelist()
    assert str(item.pk) in archive.read("missing_files.txt").decode()
