"""Verification documents: uploaded by representatives, stored privately, seen by staff only."""

from __future__ import annotations

import hashlib

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import translation

from merchants import services
from merchants.models import VerificationDocument, VerificationState
from tests.factories import MerchantRepresentativeFactory, UserFactory

pytestmark = pytest.mark.django_db


def _upload(merchant, user, data, name="licence.pdf", kind="business_licence"):
    return services.document_upload(
        merchant_id=merchant.pk, user=user, kind=kind, uploaded=SimpleUploadedFile(name, data)
    )


def test_an_upload_is_stored_privately_with_its_hash_and_asks_for_verification(
    merchant, representative, pdf_bytes
):
    document = _upload(merchant, representative, pdf_bytes, name="营业执照.pdf")

    merchant.refresh_from_db()
    assert document.label == "营业执照.pdf"
    assert document.content_type == "application/pdf"
    assert document.sha256 == hashlib.sha256(pdf_bytes).hexdigest()
    assert document.uploaded_by == representative
    assert "营业执照" not in document.file.name  # stored under a random name
    assert document.file.storage.exists(document.file.name)
    assert merchant.verification_state == VerificationState.PENDING


def test_an_upload_to_a_verified_merchant_keeps_it_verified(
    merchant, representative, mediator, pdf_bytes
):
    services.verification_verify(merchant_id=merchant.pk, reviewer=mediator)

    _upload(merchant, representative, pdf_bytes)

    merchant.refresh_from_db()
    assert merchant.verification_state == VerificationState.VERIFIED


@pytest.mark.parametrize(
    ("name", "data", "reason"),
    [
        ("licence.pdf", b"", "empty"),
        ("licence.pdf", b"MZ\x90\x00" + b"\x00" * 100, "not accepted"),
        ("licence.txt", b"just some words about my company", "not accepted"),
        ("licence\u202efdp.exe", b"%PDF-1.4\n%%EOF", "direction"),
    ],
)
def test_unacceptable_files_are_refused_on_the_file_field(
    merchant, representative, name, data, reason
):
    with pytest.raises(ValidationError) as raised:
        _upload(merchant, representative, data, name=name)

    assert reason in raised.value.message_dict["file"][0]
    assert not VerificationDocument.objects.exists()


def test_files_over_ten_megabytes_are_refused(merchant, representative):
    big = b"%PDF-1.4\n" + b"0" * 10_000_001

    with pytest.raises(ValidationError, match="10 MB"):
        _upload(merchant, representative, big)


def test_the_same_file_twice_is_a_duplicate(merchant, representative, pdf_bytes):
    _upload(merchant, representative, pdf_bytes)

    with pytest.raises(ValidationError) as raised:
        _upload(merchant, representative, pdf_bytes, name="again.pdf")

    assert "already uploaded" in raised.value.message_dict["file"][0]
    assert VerificationDocument.objects.count() == 1


def test_a_representative_cannot_upload_for_another_merchant(merchant, pdf_bytes):
    stranger = MerchantRepresentativeFactory().user

    with pytest.raises(PermissionDenied):
        _upload(merchant, stranger, pdf_bytes)


@pytest.mark.parametrize(
    ("language", "message"),
    [
        ("en", "Only a representative of this merchant can upload documents."),
        ("zh-hans", "只有该商家的代表才能上传文件。"),
    ],
    ids=["en", "zh-hans"],
)
def test_a_refused_upload_says_why_in_the_readers_language(merchant, pdf_bytes, language, message):
    stranger = MerchantRepresentativeFactory().user

    with translation.override(language), pytest.raises(PermissionDenied) as raised:
        _upload(merchant, stranger, pdf_bytes)

    assert str(raised.value) == message
    assert not VerificationDocument.objects.exists()


def test_an_unknown_kind_is_refused(merchant, representative, pdf_bytes):
    with pytest.raises(ValidationError) as raised:
        _upload(merchant, representative, pdf_bytes, kind="selfie")

    assert "kind" in raised.value.message_dict


def test_staff_download_a_document_as_an_attachment(
    client, merchant, representative, mediator, pdf_bytes
):
    document = _upload(merchant, representative, pdf_bytes)
    client.force_login(mediator)

    response = client.get(reverse("merchants:document_download", args=[document.pk]))

    assert response.status_code == 200
    assert b"".join(response.streaming_content) == pdf_bytes
    assert response["Content-Disposition"].startswith("attachment")
    assert response["X-Content-Type-Options"] == "nosniff"


@pytest.mark.parametrize("who", ["anonymous", "consumer", "uploader", "staff_without_permission"])
def test_no_one_else_can_download_a_document(client, merchant, representative, pdf_bytes, who):
    document = _upload(merchant, representative, pdf_bytes)
    if who == "consumer":
        client.force_login(UserFactory())
    elif who == "uploader":
        client.force_login(representative)
    elif who == "staff_without_permission":
        client.force_login(UserFactory(is_staff=True))

    response = client.get(reverse("merchants:document_download", args=[document.pk]))

    assert response.status_code == 404
