"""Every way a stored file leaves Redress is a download: attachment, nosniff, sandboxed, never
cached by a shared cache. (Which users may download is the authorization matrix's business.)"""

from __future__ import annotations

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from complaints.services import evidence_add_file
from merchants.services import document_upload
from odr.models import CaseState
from tests.odr.builders import build

pytestmark = pytest.mark.django_db

PDF = (
    b"%PDF-1.4\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj\n"
    b"2 0 obj<</Type/Pages/Kids[3 0 R]/Count 1>>endobj\n"
    b"3 0 obj<</Type/Page/Parent 2 0 R/MediaBox[0 0 10 10]>>endobj\n"
    b"trailer<</Root 1 0 R>>\n%%EOF\n"
)


@pytest.fixture
def stored(superuser):
    w = build(CaseState.NEGOTIATION, superuser)
    item = evidence_add_file(
        complaint=w.case.complaint,
        upload=SimpleUploadedFile("清单 (final).pdf", PDF),
        submitted_by=w.consumer,
    )
    document = document_upload(
        merchant_id=w.merchant.pk,
        user=w.rep,
        kind="business_licence",
        uploaded=SimpleUploadedFile("licence.pdf", PDF),
    )
    complaint = w.case.complaint
    return {
        "evidence (party page)": (
            w.consumer,
            reverse("complaints:evidence_download", args=[complaint.public_id, item.pk]),
        ),
        "evidence (merchant)": (
            w.rep,
            reverse("complaints:evidence_download", args=[complaint.public_id, item.pk]),
        ),
        "evidence (mediation desk)": (
            superuser,
            reverse("admin:odr_case_evidence", args=[w.case.pk, item.pk]),
        ),
        "verification document": (
            superuser,
            reverse("merchants:document_download", args=[document.pk]),
        ),
        "dossier (JSON)": (
            w.consumer,
            reverse("odr:dossier_json", args=[complaint.reference]),
        ),
    }


@pytest.mark.parametrize(
    "which",
    [
        "evidence (party page)",
        "evidence (merchant)",
        "evidence (mediation desk)",
        "verification document",
        "dossier (JSON)",
    ],
)
def test_every_download_is_an_attachment_that_is_never_sniffed(client, stored, which):
    user, url = stored[which]
    client.force_login(user)

    response = client.get(url)

    assert response.status_code == 200
    assert response["Content-Disposition"].startswith("attachment;")
    assert response["X-Content-Type-Options"] == "nosniff"
    assert not response["Content-Type"].startswith(("text/html", "image/svg"))
    if which != "dossier (JSON)":
        assert response["Content-Security-Policy"] == "default-src 'none'; sandbox"
        assert {"private", "no-store"} <= set(response["Cache-Control"].split(", "))


def test_a_non_ascii_label_is_sent_encoded_never_raw(client, stored):
    user, url = stored["evidence (party page)"]
    client.force_login(user)

    disposition = client.get(url)["Content-Disposition"]

    assert "filename*=utf-8''%E6%B8%85%E5%8D%95%20%28final%29.pdf" in disposition
    assert disposition.isascii()
