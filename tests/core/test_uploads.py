"""Upload checks: type from content, hostile names refused, disguised files refused wherever
their markup is, metadata removed, both hashes recorded."""

from __future__ import annotations

import hashlib
import io
import os

import pikepdf
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image

from core import uploads
from core.uploads import (
    DOCUMENT_TYPES,
    EVIDENCE_TYPES,
    MAX_IMAGE_PIXELS,
    UploadRejected,
    check_upload,
    safe_label,
)

MB = 1_000_000


def _jpeg(*, gps: bool = False, size=(40, 30)) -> bytes:
    image = Image.new("RGB", size, "red")
    exif = Image.Exif()
    exif[0x010F] = "PhoneMaker"  # camera make
    if gps:
        exif[0x8825] = {1: "N", 2: (31.0, 14.0, 0.0), 3: "E", 4: (121.0, 28.0, 0.0)}
    out = io.BytesIO()
    image.save(out, format="JPEG", exif=exif.tobytes())
    return out.getvalue()


def _pdf() -> bytes:
    pdf = pikepdf.new()
    pdf.add_blank_page()
    out = io.BytesIO()
    pdf.save(out)
    return out.getvalue()


def _big_jpeg() -> bytes:
    # Noise does not compress: the file is larger than the first 8 KiB that are sniffed.
    out = io.BytesIO()
    Image.frombytes("RGB", (160, 120), os.urandom(160 * 120 * 3)).save(out, format="JPEG")
    assert len(out.getvalue()) > 8192
    return out.getvalue()


def _check(name: str, data: bytes, types=EVIDENCE_TYPES, limit=10 * MB):
    return check_upload(SimpleUploadedFile(name, data), max_bytes=limit, allowed_types=types)


def test_type_comes_from_content_not_from_the_name():
    checked = _check("receipt.txt", _jpeg())
    assert checked.content_type == "image/jpeg"

    with pytest.raises(UploadRejected, match="not accepted"):
        _check("photo.jpg", b"MZ\x90\x00\x03\x00\x00\x00" + b"\x00" * 200)  # a Windows program


@pytest.mark.parametrize(
    "payload",
    [
        b'<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>',
        b"<!DOCTYPE html><html><body><script>alert(1)</script></body></html>",
        b"  \n<html><img src=x onerror=alert(1)>",
        b'<?xml version="1.0"?><svg onload="alert(1)"/>',
    ],
)
def test_markup_is_refused_whatever_it_is_called(payload):
    with pytest.raises(UploadRejected, match="not accepted"):
        _check("chat.txt", payload)


def test_plain_text_and_email_are_accepted_in_utf8_and_gb18030():
    assert _check("chat.txt", "卖家说七天内发货\n".encode()).content_type == "text/plain"
    assert _check("chat.txt", "卖家说七天内发货\n".encode("gb18030")).content_type == "text/plain"
    email = b"From: shop@example.test\nSubject: Your order\n\nShipped."
    assert _check("mail.eml", email).content_type == "message/rfc822"


@pytest.mark.parametrize(
    "first_header",
    [b"From: shop@example.test", b"Return-Path: <shop@example.test>", b"Delivered-To: me@x.test"],
)
def test_html_emails_are_accepted_as_emails(first_header):
    # Most shops send HTML e-mails; they are kept as message/rfc822 and never rendered raw.
    email = first_header + (
        b"\nSubject: Your order\nMIME-Version: 1.0\nContent-Type: text/html; charset=utf-8\n\n"
        b"<!DOCTYPE html><html><body><p>Shipped.</p><script>alert(1)</script></body></html>"
    )

    checked = _check("order.eml", email)

    assert checked.content_type == "message/rfc822"
    assert checked.content.read() == email


@pytest.mark.parametrize("encoding", ["utf-8", "gb18030", "utf-16"])
@pytest.mark.parametrize("shift", range(4))
def test_long_chinese_chat_exports_are_text_wherever_the_sniffed_head_ends(encoding, shift):
    # Only the first 8 KB are sniffed; shifting the text moves the cut through every byte of a
    # multi-byte character.
    text = "x" * shift + "卖家说七天内发货。我已付款。\n" * 2000

    assert _check("wechat.txt", text.encode(encoding)).content_type == "text/plain"


def test_documents_allow_only_images_and_pdf():
    with pytest.raises(UploadRejected):
        _check("licence.txt", b"just text", types=DOCUMENT_TYPES)
    assert _check("licence.pdf", _pdf(), types=DOCUMENT_TYPES).content_type == "application/pdf"


def test_empty_and_oversize_files_are_refused_naming_the_file():
    with pytest.raises(UploadRejected, match=r"empty\.txt was refused: the file is empty"):
        _check("empty.txt", b"")
    with pytest.raises(UploadRejected, match=r"larger than 0\.001 MB"):
        _check("big.txt", b"a" * 2000, limit=1000)


@pytest.mark.parametrize(
    "name",
    [
        "../../etc/passwd",
        "..\\boot.ini",
        "a/b.jpg",
        "evil\x00.jpg",
        "bell\x07.txt",
        "gpj.\u202eexe",
    ],
)
def test_hostile_names_are_refused(name):
    with pytest.raises(UploadRejected, match="file name"):
        safe_label(name)


def test_long_names_are_shortened_keeping_the_extension():
    label = safe_label("x" * 500 + ".pdf")
    assert len(label) <= 120
    assert label.endswith(".pdf")


def test_gps_location_is_removed_and_both_hashes_are_recorded():
    data = _jpeg(gps=True)

    checked = _check("photo.jpg", data)

    stored = checked.content.read()
    assert checked.metadata_removed
    assert checked.sha256 == hashlib.sha256(stored).hexdigest()
    assert checked.received_sha256 == hashlib.sha256(data).hexdigest()
    assert not Image.open(io.BytesIO(stored)).getexif()  # GPS, camera make and all


# --- disguised files: markup anywhere in an image or a PDF ---------------------------------


def _jpeg_with_comment(comment: bytes) -> bytes:
    out = io.BytesIO()
    Image.new("RGB", (40, 30), "red").save(out, format="JPEG", comment=comment)
    return out.getvalue()


@pytest.mark.parametrize(
    ("name", "data"),
    [
        # A JPEG comment (COM segment) whose markup starts after the first 8 KiB.
        ("comment.jpg", lambda: _jpeg_with_comment(b"x" * 9000 + b"<script>alert(1)</script>")),
        # After the JPEG's end marker, where a viewer stops reading but a browser does not.
        ("appended.jpg", lambda: _big_jpeg() + b"<html><body onload=alert(1)>"),
        # In a PDF, past the first 8 KiB.
        ("invoice.pdf", lambda: _pdf() + b"%" * 9000 + b"\n<iframe src=javascript:alert(1)>"),
    ],
    ids=["in-a-jpeg-comment", "after-the-jpeg-end", "in-a-pdf"],
)
def test_markup_after_the_first_8_kib_is_refused_as_disguised(name, data):
    data = data()
    assert len(data) > 8192

    with pytest.raises(UploadRejected, match=rf"{name} was refused: .*disguised"):
        _check(name, data)


@pytest.mark.parametrize("cut", range(1, 8))
def test_markup_cut_by_a_chunk_boundary_is_found(monkeypatch, cut):
    # Read in chunks of 1000 bytes, "<script>" is split after its first ``cut`` bytes.
    monkeypatch.setattr(uploads, "_SCAN_CHUNK", 1000)
    data = _big_jpeg()
    chunks = -(-len(data) // 1000)
    padded = data + b"\x00" * (chunks * 1000 - cut - len(data))
    assert len(padded) % 1000 == 1000 - cut

    with pytest.raises(UploadRejected, match="disguised"):
        _check("photo.jpg", padded + b"<script>alert(1)</script>")


def test_random_looking_bytes_that_merely_contain_a_bare_tag_start_are_accepted():
    # "<svg" without what ends a tag name is not markup: compressed data holds such runs.
    checked = _check("photo.jpg", _big_jpeg() + b"<svgX" + b"<scriptable")

    assert checked.content_type == "image/jpeg"


def test_decompression_bomb_is_refused():
    # A PNG of one colour compresses to almost nothing but declares too many pixels.
    side = int(MAX_IMAGE_PIXELS**0.5) + 100
    out = io.BytesIO()
    Image.new("1", (side, side)).save(out, format="PNG")
    assert len(out.getvalue()) < 2 * MB

    with pytest.raises(UploadRejected, match="too many pixels"):
        _check("bomb.png", out.getvalue())


def test_truncated_image_is_refused():
    with pytest.raises(UploadRejected, match="damaged"):
        _check("photo.jpg", _jpeg()[:200])
