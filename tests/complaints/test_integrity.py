"""Every stored evidence file and every written statement is checked against the SHA-256
recorded when it arrived: an altered or missing file, or an edited statement, is named."""

from __future__ import annotations

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from complaints import services
from complaints.models import EvidenceItem
from core import integrity
from tests.factories import ComplaintFactory

from ..tampering import breaks, raw_update
from .conftest import png_bytes

pytestmark = pytest.mark.django_db


@pytest.fixture
def photo():
    complaint = ComplaintFactory(submitted=True)
    return services.evidence_add_file(
        complaint=complaint,
        upload=SimpleUploadedFile("parcel.png", png_bytes()),
        submitted_by=complaint.consumer,
    )


def test_intact_evidence_verifies(photo):
    services.evidence_add_statement(
        complaint=photo.complaint, text="It never arrived.", submitted_by=photo.complaint.consumer
    )

    assert breaks() == []


def test_an_altered_file_is_reported_with_both_hashes(photo):
    with photo.file.storage.open(photo.file.name, "wb") as handle:
        handle.write(png_bytes(color="red"))

    [found] = breaks()
    assert found.check == "evidence"
    assert found.subject == f"complaint {photo.complaint.reference} (id {photo.complaint_id})"
    assert found.row == f"evidence {photo.pk} (parcel.png)"
    assert f"recorded {photo.sha256}" in found.problem


def test_a_missing_file_is_reported(photo):
    photo.file.storage.delete(photo.file.name)

    [found] = breaks()
    assert found.problem == f"the file {photo.file.name} is missing from storage"


def test_a_changed_recorded_hash_is_reported(photo):
    raw_update(EvidenceItem, photo.pk, sha256="0" * 64)

    [found] = breaks()
    assert "recorded " + "0" * 64 in found.problem


def test_an_edited_statement_is_reported():
    complaint = ComplaintFactory(submitted=True)
    statement = services.evidence_add_statement(
        complaint=complaint, text="Paid 80 EUR.", submitted_by=complaint.consumer
    )

    raw_update(EvidenceItem, statement.pk, text="Paid 8 EUR.")

    [found] = breaks()
    assert found.row == f"statement {statement.pk}"
    assert statement.sha256 in found.problem


def test_skipping_files_reads_no_file_but_still_checks_statements(photo):
    photo.file.storage.delete(photo.file.name)
    statement = services.evidence_add_statement(
        complaint=photo.complaint, text="Tracking shows nothing.", submitted_by=photo.submitted_by
    )
    raw_update(EvidenceItem, statement.pk, text="edited")

    [found] = breaks(files=False)
    assert found.row == f"statement {statement.pk}"


def test_evidence_erased_for_privacy_is_not_reported_as_missing(
    photo, django_capture_on_commit_callbacks
):
    statement = services.evidence_add_statement(
        complaint=photo.complaint, text="It never arrived.", submitted_by=photo.complaint.consumer
    )
    with django_capture_on_commit_callbacks(execute=True):
        assert services.complaint_pseudonymise(complaint_id=photo.complaint_id, reason="erasure")
    photo.refresh_from_db()
    statement.refresh_from_db()
    assert (photo.file.name, statement.text) == ("", "")

    report = integrity.verify(only=["evidence"])
    assert report.breaks == []
    assert report.counts["evidence"]["erased"] == 2
