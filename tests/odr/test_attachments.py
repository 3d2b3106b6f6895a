"""A file attached to a case message becomes evidence of the complaint, with its hash."""

from __future__ import annotations

import hashlib
import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from PIL import Image

from complaints.models import EvidenceItem
from odr import services
from odr.models import CaseState, Message

from .builders import build

pytestmark = pytest.mark.django_db
S = CaseState


def _png(name: str = "receipt.png") -> SimpleUploadedFile:
    out = io.BytesIO()
    Image.new("RGB", (20, 20), "blue").save(out, format="PNG")
    return SimpleUploadedFile(name, out.getvalue(), content_type="image/png")


def _post(client, w, **data):
    url = reverse(
        "odr:case_action", kwargs={"reference": w.case.complaint.reference, "action": "message"}
    )
    return client.post(url, {"message-body": "Here is the receipt.", **data})


def test_an_attachment_becomes_evidence_shown_with_its_hash(client, mediator):
    w = build(S.NEGOTIATION, mediator)
    client.force_login(w.consumer)
    upload = _png()
    expected = hashlib.sha256(upload.read()).hexdigest()
    upload.seek(0)

    response = _post(client, w, **{"message-attachment": upload})

    assert response.status_code == 302
    message = Message.objects.get(case=w.case, body="Here is the receipt.")
    item = message.attachment
    assert item.complaint_id == w.case.complaint_id
    assert item.sha256 == expected
    assert item.submitted_by == w.consumer
    page = client.get(response.url).content.decode()
    assert expected in page
    # The merchant's representative sees it too, and may download it.
    client.force_login(w.rep)
    download = reverse("complaints:evidence_download", args=[w.case.complaint.public_id, item.pk])
    assert client.get(download).status_code == 200


def test_a_refused_file_posts_nothing_and_names_the_file(client, mediator):
    w = build(S.NEGOTIATION, mediator)
    client.force_login(w.consumer)
    before = EvidenceItem.objects.count()
    script = SimpleUploadedFile("chat.txt", b"<html><script>alert(1)</script></html>")

    response = _post(client, w, **{"message-attachment": script})

    assert response.status_code == 400
    assert "chat.txt was refused" in response.content.decode()
    assert "Here is the receipt." in response.content.decode()  # what was typed is kept
    assert not Message.objects.filter(body="Here is the receipt.").exists()
    assert EvidenceItem.objects.count() == before


def test_internal_notes_cannot_carry_attachments(mediator):
    w = build(S.MEDIATION, mediator)

    with pytest.raises(services.TransitionNotAllowed):
        services.message_post(
            case_id=w.case.pk, user=mediator, body="note", internal=True, attachment=_png()
        )
    assert not EvidenceItem.objects.filter(complaint=w.case.complaint, kind="file").exists()
