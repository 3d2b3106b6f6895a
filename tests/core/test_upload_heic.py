"""HEIC/HEIF photos from phones: accepted by their content, re-saved from the primary image's
pixels without EXIF (GPS, names) or XMP, hashed as received and as kept; a file that only
claims to be one, or also holds a script, is refused."""

from __future__ import annotations

import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image

from core.uploads import EVIDENCE_TYPES, UploadRejected, check_upload

ARTIST = "Jane Photographer"
LATITUDE = "31.2304"
XMP = (
    '<x:xmpmeta xmlns:x="adobe:ns:meta/"><rdf:RDF '
    'xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#">'
    '<rdf:Description xmlns:exif="http://ns.adobe.com/exif/1.0/" '
    f'exif:GPSLatitude="{LATITUDE},N" xmlns:dc="http://purl.org/dc/elements/1.1/" '
    f'dc:creator="{ARTIST}"/></rdf:RDF></x:xmpmeta>'
).encode()


def _heic(**info) -> bytes:
    image = Image.new("RGB", (64, 48), (200, 30, 30))
    image.paste((30, 30, 200), (32, 0, 64, 48))
    out = io.BytesIO()
    image.save(out, format="HEIF", quality=90, **info)
    return out.getvalue()


def _check(data: bytes, name: str):
    return check_upload(
        SimpleUploadedFile(name, data), max_bytes=10_000_000, allowed_types=EVIDENCE_TYPES
    )


def _with_metadata() -> bytes:
    exif = Image.Exif()
    exif[0x013B] = ARTIST  # Artist
    exif[0x8825] = {1: "N", 2: (31.0, 13.0, 49.0)}  # GPS
    data = _heic(exif=exif.tobytes(), xmp=XMP)
    # The fixture really carries what must go.
    assert ARTIST.encode() in data and LATITUDE.encode() in data
    return data


def test_a_heic_photo_is_accepted_and_kept_without_its_exif_and_xmp():
    data = _with_metadata()

    checked = _check(data, "IMG_0042.HEIC")

    stored = checked.content.read()
    assert checked.content_type == "image/heic"
    assert checked.metadata_removed
    assert ARTIST.encode() not in stored
    assert LATITUDE.encode() not in stored
    assert checked.received_sha256 != checked.sha256
    image = Image.open(io.BytesIO(stored))
    assert image.format == "HEIF"
    assert image.size == (64, 48)
    assert not image.getexif()
    left, right = image.convert("RGB").getpixel((8, 24)), image.convert("RGB").getpixel((56, 24))
    assert left[0] > 150 > left[2] and right[2] > 150 > right[0]


@pytest.mark.parametrize(
    ("name", "data"),
    [
        # A Windows program renamed to .heic: its content says what it is.
        ("IMG_0042.heic", b"MZ\x90\x00\x03\x00\x00\x00" + b"\x00" * 200),
        # The HEIF brand box and nothing an image decoder can read.
        ("IMG_0043.heic", b"\x00\x00\x00\x18ftypheic\x00\x00\x00\x00mif1heic" + b"\x00" * 64),
    ],
)
def test_a_file_that_only_claims_to_be_heic_is_refused(name, data):
    with pytest.raises(UploadRejected):
        _check(data, name)


def test_a_heic_that_also_holds_a_script_is_refused():
    data = _heic() + b"<script>alert(document.cookie)</script>"

    with pytest.raises(UploadRejected) as refused:
        _check(data, "IMG_0044.heic")

    assert "disguised" in str(refused.value)
