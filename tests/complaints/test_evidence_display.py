"""What the evidence pages show: both hashes of a photo kept without its metadata, with what
each proves; e-mails, HTML ones included, read as text or sanitised HTML, never as sent."""

from __future__ import annotations

import hashlib
import html
import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone, translation
from PIL import Image

from complaints import services
from complaints.models import EvidenceItem
from odr.models import Case, CaseState
from tests.factories import ComplaintFactory, RespondentFactory

from .conftest import build_merchant

pytestmark = pytest.mark.django_db

HTML_EMAIL = (
    b"From: Sunny Trading <orders@sunny.example>\r\n"
    b"To: buyer@example.test\r\n"
    b"Subject: =?utf-8?b?6K6i5Y2V5bey5Y+R6LSn?=\r\n"  # 订单已发货
    b"Date: Mon, 02 Nov 2026 10:00:00 +0800\r\n"
    b"MIME-Version: 1.0\r\n"
    b'Content-Type: multipart/alternative; boundary="b1"\r\n'
    b"\r\n"
    b"--b1\r\n"
    b"Content-Type: text/plain; charset=utf-8\r\n\r\n"
    b"Your order 1234 has shipped.\r\n"
    b"--b1\r\n"
    b"Content-Type: text/html; charset=utf-8\r\n\r\n"
    b'<html><body><p style="color:red">Your order <b>1234</b> has shipped.</p>'
    b"<script>alert(document.cookie)</script>"
    b'<img src="https://tracker.example/pixel.gif" onerror="alert(2)">'
    b'<a href="javascript:alert(3)">pay</a>'
    b'<a href="https://sunny.example/track/1234" onclick="alert(4)">track</a>'
    b"</body></html>\r\n"
    b"--b1--\r\n"
)
TEXT_EMAIL = b"From: shop@example.test\nSubject: Refund\n\nWe will not refund <b>anything</b>.\n"


@pytest.fixture
def merchant():
    return build_merchant("Sunny Trading Co")


@pytest.fixture
def complaint(consumer, merchant):
    complaint = ComplaintFactory(consumer=consumer, submitted=True)
    RespondentFactory(complaint=complaint, merchant=merchant, named_name="", named_url="")
    # Accepted at screening: only then does the named merchant see the complaint at all.
    Case.objects.create(
        complaint=complaint, state=CaseState.AWAITING_MERCHANT, accepted_at=timezone.now()
    )
    return complaint


def _add(complaint, name, data) -> EvidenceItem:
    return services.evidence_add_file(
        complaint=complaint, upload=SimpleUploadedFile(name, data), submitted_by=complaint.consumer
    )


def _photo_with_gps() -> bytes:
    exif = Image.Exif()
    exif[0x8825] = {1: "N", 2: (31.0, 14.0, 0.0), 3: "E", 4: (121.0, 28.0, 0.0)}
    out = io.BytesIO()
    Image.new("RGB", (20, 20), "red").save(out, format="JPEG", exif=exif.tobytes())
    return out.getvalue()


def _email_url(complaint, item):
    return reverse(
        "complaints:evidence_email", kwargs={"public_id": complaint.public_id, "item_id": item.pk}
    )


def test_a_photo_keeps_the_hash_of_the_file_sent_and_of_the_copy_kept(complaint):
    data = _photo_with_gps()

    item = _add(complaint, "parcel.jpg", data)

    stored = item.file.open("rb").read()
    assert item.received_sha256 == hashlib.sha256(data).hexdigest()
    assert item.sha256 == hashlib.sha256(stored).hexdigest()
    assert item.received_sha256 != item.sha256
    assert item.metadata_removed


def test_consumer_and_merchant_pages_show_both_hashes_and_what_they_prove(
    client, complaint, merchant, representative_of
):
    photo = _add(complaint, "parcel.jpg", _photo_with_gps())
    chat = _add(complaint, "chat.txt", "卖家说七天内发货\n".encode())
    pages = {
        complaint.consumer: reverse("complaints:detail", args=[complaint.public_id]),
        representative_of(merchant): reverse(
            "complaints:merchant_detail", args=[complaint.public_id]
        ),
    }
    for user, url in pages.items():
        client.force_login(user)
        page = html.unescape(client.get(url).content.decode())

        assert f"File as sent: {photo.received_sha256}" in " ".join(_text(page).split())
        assert f"Copy kept, without metadata: {photo.sha256}" in " ".join(_text(page).split())
        assert "re-saved without its metadata (location, camera, names)" in page
        assert "with which its sender can still prove the original photo" in " ".join(page.split())
        # A file kept as sent has one hash, said to be so.
        assert chat.sha256 in page
        assert "Kept exactly as sent." in page


def test_the_chinese_page_explains_the_hashes_in_chinese(client, complaint):
    _add(complaint, "parcel.jpg", _photo_with_gps())
    client.force_login(complaint.consumer)

    with translation.override("zh-hans"):
        url = reverse("complaints:detail", args=[complaint.public_id])
    page = client.get(url).content.decode()

    assert "发送时的文件" in page
    assert "保存的副本" in page


def test_a_legacy_photo_whose_received_hash_is_unknown_says_so(client, complaint):
    photo = _add(complaint, "parcel.jpg", _photo_with_gps())
    EvidenceItem.objects.filter(pk=photo.pk).update(received_sha256="")
    client.force_login(complaint.consumer)

    page = client.get(reverse("complaints:detail", args=[complaint.public_id])).content.decode()

    assert "File as sent:" in page
    assert "not recorded" in page


def _text(page: str) -> str:
    import re

    return re.sub(r"<[^>]+>", " ", page)


def test_an_html_email_is_shown_sanitised_never_as_sent(client, complaint):
    item = _add(complaint, "order.eml", HTML_EMAIL)
    assert item.content_type == "message/rfc822"
    client.force_login(complaint.consumer)

    response = client.get(_email_url(complaint, item))

    assert response.status_code == 200
    page = response.content.decode()
    body = page.split('<div class="email-body">', 1)[1]
    assert "<b>1234</b>" in body
    assert "has shipped." in page
    assert "订单已发货" in page  # the decoded subject
    assert "Sunny Trading &lt;orders@sunny.example&gt;" in page
    assert 'href="https://sunny.example/track/1234"' in page
    for active in (
        "<script>",
        "alert(",
        "onerror",
        "onclick",
        "javascript:",
        "tracker.example",
        'style="color:red"',
    ):
        assert active not in body, active


def test_a_plain_text_email_is_shown_as_text(client, complaint):
    item = _add(complaint, "refund.eml", TEXT_EMAIL)
    client.force_login(complaint.consumer)

    page = client.get(_email_url(complaint, item)).content.decode()

    assert "We will not refund &lt;b&gt;anything&lt;/b&gt;." in page


def test_the_evidence_list_links_an_email_to_its_reading_page(client, complaint):
    item = _add(complaint, "order.eml", HTML_EMAIL)
    client.force_login(complaint.consumer)

    page = client.get(reverse("complaints:detail", args=[complaint.public_id])).content.decode()

    assert _email_url(complaint, item) in page


def test_an_email_is_downloaded_as_an_attachment_typed_as_an_email(client, complaint):
    item = _add(complaint, "order.eml", HTML_EMAIL)
    client.force_login(complaint.consumer)

    response = client.get(
        reverse("complaints:evidence_download", args=[complaint.public_id, item.pk])
    )

    assert response["Content-Type"] == "message/rfc822"
    assert response["Content-Disposition"].startswith("attachment;")
    assert response["X-Content-Type-Options"] == "nosniff"
    assert b"".join(response.streaming_content) == HTML_EMAIL


def test_the_named_merchant_reads_it_and_strangers_get_404(
    client, complaint, merchant, representative_of, other_consumer
):
    item = _add(complaint, "order.eml", HTML_EMAIL)
    url = _email_url(complaint, item)

    client.force_login(representative_of(merchant))
    assert client.get(url).status_code == 200
    client.force_login(other_consumer)
    assert client.get(url).status_code == 404


def test_only_emails_have_a_reading_page(client, complaint):
    item = _add(complaint, "chat.txt", b"just a chat\n")
    client.force_login(complaint.consumer)

    assert client.get(_email_url(complaint, item)).status_code == 404


def test_an_email_that_cannot_be_parsed_still_gives_a_page(client, complaint, monkeypatch):
    item = _add(complaint, "odd.eml", TEXT_EMAIL)
    client.force_login(complaint.consumer)

    def broken(*args, **kwargs):
        raise ValueError("malformed")

    monkeypatch.setattr("email.parser.BytesParser.parsebytes", broken)
    response = client.get(_email_url(complaint, item))

    assert response.status_code == 200
    assert "download it to read it" in response.content.decode()
