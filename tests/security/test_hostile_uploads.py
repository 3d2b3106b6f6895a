"""A corpus of hostile files sent through every upload entry point, the way a browser sends them.

Entry points: the complaint wizard's evidence step, evidence added to a submitted complaint, an
attachment to a case message, and a merchant's verification documents. Each file is either
refused with a message naming it and the reason (and nothing is stored), or stored safely: under
a random name, with a clean label whose extension matches its content, and served only as an
attachment that browsers do not sniff.
"""

from __future__ import annotations

import functools
import html
import io
import os
from dataclasses import dataclass

import pikepdf
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.http.multipartparser import MultiPartParser
from django.urls import reverse
from PIL import Image, PngImagePlugin

from complaints.models import EvidenceItem
from core import uploads
from merchants.models import VerificationDocument
from odr.models import CaseState
from tests.factories import ComplaintFactory, MerchantRepresentativeFactory
from tests.odr.builders import build

pytestmark = pytest.mark.django_db

# --- the corpus -------------------------------------------------------------------------------

SCRIPT = b"<script>alert(document.cookie)</script>"


def _pdf(javascript: bool = False) -> bytes:
    pdf = pikepdf.new()
    pdf.add_blank_page()
    if javascript:
        pdf.Root.OpenAction = pikepdf.Dictionary(
            S=pikepdf.Name.JavaScript, JS=pikepdf.String("app.launchURL('https://evil.test')")
        )
    out = io.BytesIO()
    pdf.save(out)
    return out.getvalue()


PDF = _pdf()
HTML_EMAIL = (
    b"From: shop@example.test\r\nSubject: =?utf-8?b?6K6i5Y2V5bey5Y+R6LSn?=\r\n"
    b"MIME-Version: 1.0\r\nContent-Type: text/html; charset=utf-8\r\n\r\n"
    b"<html><body><p>Shipped</p>" + SCRIPT + b"<img src=x onerror=alert(1)></body></html>\r\n"
)


def _image(fmt: str, size=(32, 24), **options) -> bytes:
    out = io.BytesIO()
    Image.new("RGB", size, "red").save(out, format=fmt, **options)
    return out.getvalue()


@functools.cache
def _big_jpeg() -> bytes:
    # Noise does not compress: the file is larger than the bytes read to sniff its type.
    noise = Image.frombytes("RGB", (160, 120), os.urandom(160 * 120 * 3))
    out = io.BytesIO()
    noise.save(out, format="JPEG", quality=95)
    assert len(out.getvalue()) > 8192
    return out.getvalue()


@functools.cache
def _pixel_bomb() -> bytes:
    # One colour: a few kilobytes that decode to more pixels than the limit.
    side = int(uploads.MAX_IMAGE_PIXELS**0.5) + 10
    out = io.BytesIO()
    Image.new("1", (side, side)).save(out, format="PNG")
    return out.getvalue()


@functools.cache
def _frame_bomb() -> bytes:
    # Each frame is within the limit; all of them together are not.
    side = 1200
    frames = uploads.MAX_IMAGE_PIXELS // (side * side) + 1
    first, *rest = [Image.new("P", (side, side), i % 2) for i in range(frames)]
    out = io.BytesIO()
    first.save(out, format="GIF", save_all=True, append_images=rest)
    return out.getvalue()


def _png_with_script_text() -> bytes:
    info = PngImagePlugin.PngInfo()
    info.add_text("Comment", SCRIPT.decode())
    return _image("PNG", pnginfo=info)


@dataclass(frozen=True)
class Sample:
    key: str
    name: str
    data: object  # bytes, or a function that makes them
    refused: str | None = None  # the reason shown, when the file must be refused
    # The upload form itself refuses an empty file, with its own words (no file name).
    by_the_form: bool = False
    label: str | None = None  # the label it is stored under, when it is kept
    content_type: str | None = None

    def bytes(self) -> bytes:
        return self.data() if callable(self.data) else self.data


CORPUS = [
    # The type is read from the bytes, never from the name.
    Sample("program-named-jpg", "photo.jpg", b"MZ\x90\x00\x03" + b"\x00" * 300, "not accepted"),
    Sample("html-named-txt", "chat.txt", b"<!DOCTYPE html><html><body>" + SCRIPT, "not accepted"),
    Sample(
        "svg-with-script",
        "logo.svg",
        b'<svg xmlns="http://www.w3.org/2000/svg">' + SCRIPT,
        "not accepted",
    ),
    Sample(
        "svg-named-png",
        "receipt.png",
        b'<?xml version="1.0"?><svg onload="alert(1)"/>',
        "not accepted",
    ),
    # A chat may quote a tag: plain text, downloaded and never sniffed, it is inert.
    Sample(
        "text-quoting-a-tag",
        "note.txt",
        b"he wrote <img src=x onerror=alert(1)>\n",
        label="note.txt",
        content_type="text/plain",
    ),
    Sample(
        "jpeg-named-txt",
        "receipt.txt",
        lambda: _image("JPEG"),
        label="receipt.txt.jpg",
        content_type="image/jpeg",
    ),
    Sample("pdf-named-jpg", "scan.jpg", PDF, label="scan.jpg.pdf", content_type="application/pdf"),
    Sample(
        "text-named-bat",
        "run.bat",
        b"@echo off\r\nformat c: /q\r\n",
        label="run.bat.txt",
        content_type="text/plain",
    ),
    Sample(
        "text-named-html",
        "page.html",
        b"Just the words of a chat.\n",
        label="page.html.txt",
        content_type="text/plain",
    ),
    # Polyglots: an image or a PDF that is also a web page.
    Sample(
        "gif-also-html", "cat.gif", lambda: _image("GIF", comment=b"<html>" + SCRIPT), "disguised"
    ),
    Sample(
        "jpeg-also-html",
        "cat.jpg",
        lambda: _image("JPEG", comment=b"<body onload=alert(1)>" + SCRIPT),
        "disguised",
    ),
    Sample("png-also-script", "cat.png", _png_with_script_text, "disguised"),
    Sample(
        "pdf-also-html",
        "invoice.pdf",
        b"%PDF-1.4\n<html><body>" + SCRIPT + b"</body></html>\n%%EOF",
        "disguised",
    ),
    Sample("gif-header-then-script", "x.gif", b"GIF89a/*\x00\x00*/=1;" + SCRIPT, "disguised"),
    # Markup anywhere in the file, not only in the first 8 KiB that are sniffed.
    Sample(
        "jpeg-with-html-appended",
        "big.jpg",
        lambda: _big_jpeg() + b"<html>" + SCRIPT,
        "disguised",
    ),
    Sample(
        "jpeg-comment-with-html-after-8k",
        "late.jpg",
        lambda: _image("JPEG", comment=b" " * 9000 + SCRIPT),
        "disguised",
    ),
    Sample("pdf-with-html-after-8k", "late.pdf", lambda: PDF + b"%" * 9000 + SCRIPT, "disguised"),
    # PDFs that would run something when opened.
    Sample("pdf-with-javascript", "pay.pdf", lambda: _pdf(javascript=True), "active content"),
    Sample("damaged-pdf", "cut.pdf", PDF[:60], "damaged"),
    # An HTML e-mail is evidence: kept as an e-mail, downloaded and never rendered as sent.
    Sample(
        "html-email",
        "order.eml",
        HTML_EMAIL,
        label="order.eml",
        content_type="message/rfc822",
    ),
    # Decompression bombs and broken images.
    Sample("pixel-bomb", "bomb.png", _pixel_bomb, "too many pixels"),
    Sample("frame-bomb", "bomb.gif", _frame_bomb, "too many pixels"),
    Sample("truncated-image", "cut.png", lambda: _image("PNG", size=(200, 200))[:120], "damaged"),
    Sample("empty", "empty.pdf", b"", "empty", by_the_form=True),
    Sample("oversize", "huge.pdf", PDF + b"%" * 200_000, "larger than 0.2 MB"),
    # Names: Django's upload parser keeps only the last path part and drops unprintable
    # characters; what remains is a label, never a path.
    Sample(
        "dot-dot-slash",
        "../../etc/passwd",
        b"root:x:0:0\n",
        label="passwd.txt",
        content_type="text/plain",
    ),
    Sample(
        "backslashes",
        "..\\..\\boot.ini",
        b"[boot]\n",
        label="boot.ini.txt",
        content_type="text/plain",
    ),
    Sample("nul", "evil\x00.pdf", PDF, label="evil.pdf", content_type="application/pdf"),
    Sample(
        "control", "bell\x07\x1b[31m.pdf", PDF, label="bell[31m.pdf", content_type="application/pdf"
    ),
    Sample(
        "right-to-left-override",
        "invoice\u202egpj.exe",
        b"pay now\n",
        label="invoicegpj.exe.txt",
        content_type="text/plain",
    ),
    Sample(
        "markup-in-name",
        "<img src=x onerror=alert(1)>.pdf",
        PDF,
        label="<img src=x onerror=alert(1)>.pdf",
        content_type="application/pdf",
    ),
    Sample(
        "very-long",
        "a" * 400 + ".pdf",
        PDF,
        label="a" * (uploads.MAX_LABEL_LENGTH - 5) + "….pdf",
        content_type="application/pdf",
    ),
]


# --- the entry points -------------------------------------------------------------------------


@dataclass
class Outcome:
    page: str
    stored: list  # EvidenceItem or VerificationDocument rows created by the upload
    downloader: object  # a user allowed to download what was stored
    download_url: object  # row -> URL


def _evidence_url(item):
    return reverse("complaints:evidence_download", args=[item.complaint.public_id, item.pk])


def _send_evidence(client, complaint, url, data):
    client.force_login(complaint.consumer)
    response = client.post(url, data, follow=True)
    return Outcome(
        response.content.decode(),
        list(complaint.evidence.filter(kind=EvidenceItem.Kind.FILE)),
        complaint.consumer,
        _evidence_url,
    )


def _send_wizard(client, upload, mediator):
    complaint = ComplaintFactory()
    url = reverse("complaints:edit", kwargs={"public_id": complaint.public_id, "step": "evidence"})
    return _send_evidence(client, complaint, url, {"files": [upload], "action": "save"})


def _send_later(client, upload, mediator):
    complaint = ComplaintFactory(submitted=True)
    url = reverse("complaints:evidence_add", kwargs={"public_id": complaint.public_id})
    return _send_evidence(client, complaint, url, {"files": [upload]})


def _send_message(client, upload, mediator):
    w = build(CaseState.NEGOTIATION, mediator)
    client.force_login(w.rep)
    url = reverse(
        "odr:case_action", kwargs={"reference": w.case.complaint.reference, "action": "message"}
    )
    response = client.post(
        url, {"message-body": "The file you asked for.", "message-attachment": upload}, follow=True
    )
    return Outcome(
        response.content.decode(),
        list(w.case.complaint.evidence.filter(kind=EvidenceItem.Kind.FILE)),
        w.consumer,
        _evidence_url,
    )


def _send_document(client, upload, mediator):
    representation = MerchantRepresentativeFactory()
    client.force_login(representation.user)
    url = reverse("merchants:documents", kwargs={"public_id": representation.merchant.public_id})
    response = client.post(url, {"kind": "business_licence", "file": upload}, follow=True)
    return Outcome(
        response.content.decode(),
        list(VerificationDocument.objects.filter(merchant=representation.merchant)),
        mediator,
        lambda document: reverse("merchants:document_download", args=[document.pk]),
    )


ENTRY_POINTS = {
    "wizard": _send_wizard,
    "later-evidence": _send_later,
    "case-message": _send_message,
    "merchant-document": _send_document,
}


@pytest.fixture
def small_limits(settings, monkeypatch):
    """200 kB per file everywhere (above every other sample), so that "oversize" needs no
    megabytes."""
    settings.REDRESS_EVIDENCE_MAX_FILE_BYTES = 200_000
    monkeypatch.setattr("merchants.services.verification.DOCUMENT_MAX_BYTES", 200_000)


def row_label(name: str) -> str:
    """The name as a refusal shows it: the label of what Django's upload parser leaves of it
    (its sanitize_file_name uses nothing of the parser instance)."""
    return uploads.safe_label(MultiPartParser.sanitize_file_name(None, name))


def _expected_refusal(sample: Sample, entry: str) -> str | None:
    if sample.refused:
        return sample.refused
    if entry == "merchant-document" and sample.content_type not in uploads.DOCUMENT_TYPES:
        return "not accepted"  # documents are PDFs and images only
    return None


@pytest.mark.parametrize("entry", ENTRY_POINTS)
@pytest.mark.parametrize("sample", CORPUS, ids=[s.key for s in CORPUS])
def test_a_hostile_file_is_refused_or_stored_safely(
    client, mediator, superuser, small_limits, entry, sample
):
    upload = SimpleUploadedFile(sample.name, sample.bytes(), content_type="image/jpeg")

    outcome = ENTRY_POINTS[entry](client, upload, superuser)

    page = html.unescape(outcome.page)
    reason = _expected_refusal(sample, entry)
    if reason is not None:
        assert outcome.stored == []
        assert reason in page
        if not sample.by_the_form:
            assert f"{row_label(upload.name)} was refused" in page
        return
    [row] = outcome.stored
    assert row.label == sample.label
    assert row.content_type == sample.content_type
    # Stored under a random name in private storage: nothing of the uploaded name is in it.
    stored_name = row.file.name.rsplit("/", 1)[-1]
    assert len(stored_name) == 32 and stored_name.isalnum()
    # The page shows the label as text, never as markup.
    assert "<img src=x" not in outcome.page
    client.force_login(outcome.downloader)
    response = client.get(outcome.download_url(row))
    assert response.status_code == 200
    assert response["Content-Type"] == sample.content_type
    assert response["Content-Disposition"].startswith("attachment;")
    assert response["X-Content-Type-Options"] == "nosniff"
    assert "sandbox" in response["Content-Security-Policy"]


def test_an_oversize_upload_is_not_written_to_disk_past_the_limit(settings):
    """The streaming handler drops what comes past REDRESS_UPLOAD_MAX_BYTES and keeps the real
    size, so the check refuses it by its size even where a per-kind limit is higher."""
    settings.REDRESS_UPLOAD_MAX_BYTES = 4096
    handler = uploads.HashingTemporaryFileUploadHandler()
    handler.new_file("files", "huge.txt", "text/plain", 50_000)
    chunk = b"a" * 1024
    for start in range(0, 50 * 1024, 1024):
        handler.receive_data_chunk(chunk, start)
    uploaded = handler.file_complete(50 * 1024)

    assert uploaded.size == 50 * 1024
    assert len(uploaded.read()) <= 4096
    with pytest.raises(uploads.UploadRejected, match=r"larger than 0\.1 MB"):
        uploads.check_upload(uploaded, max_bytes=100_000, allowed_types=uploads.EVIDENCE_TYPES)


def test_an_oversize_upload_through_the_form_is_refused_by_its_size(client, settings):
    settings.FILE_UPLOAD_MAX_MEMORY_SIZE = 1024  # this request goes to the temporary file
    settings.REDRESS_UPLOAD_MAX_BYTES = 8192
    complaint = ComplaintFactory(submitted=True)
    client.force_login(complaint.consumer)
    url = reverse("complaints:evidence_add", kwargs={"public_id": complaint.public_id})

    response = client.post(url, {"files": [SimpleUploadedFile("chat.txt", b"a" * 60_000)]})

    assert "chat.txt was refused: the file is larger than" in response.content.decode()
    assert not complaint.evidence.exists()


def test_pil_refuses_to_decode_past_redress_pixel_limit():
    assert Image.MAX_IMAGE_PIXELS == uploads.MAX_IMAGE_PIXELS
    with pytest.raises(Image.DecompressionBombError):
        Image.open(io.BytesIO(_pixel_bomb_twice())).load()


@functools.cache
def _pixel_bomb_twice() -> bytes:
    side = int((2 * uploads.MAX_IMAGE_PIXELS) ** 0.5) + 10
    out = io.BytesIO()
    Image.new("1", (side, side)).save(out, format="PNG")
    return out.getvalue()


@pytest.mark.parametrize("name", ["evil\x00.pdf", "bell\x07.pdf", "gpj.\u202eexe.pdf"])
def test_names_that_reach_a_service_unsanitised_are_refused(name):
    """Django's upload parser cleans names from browsers (and every UploadedFile keeps only the
    last path part); the services refuse control and direction characters when a name comes
    any other way (a script, a future API)."""
    from complaints.services import evidence_add_file
    from merchants.services import document_upload

    representation = MerchantRepresentativeFactory()
    complaint = ComplaintFactory()
    with pytest.raises(uploads.UploadRejected, match="file name"):
        evidence_add_file(
            complaint=complaint,
            upload=SimpleUploadedFile(name, PDF),
            submitted_by=complaint.consumer,
        )
    with pytest.raises(Exception, match="file name"):
        document_upload(
            merchant_id=representation.merchant_id,
            user=representation.user,
            kind="business_licence",
            uploaded=SimpleUploadedFile(name, PDF),
        )
    assert not EvidenceItem.objects.exists()
    assert not VerificationDocument.objects.exists()
