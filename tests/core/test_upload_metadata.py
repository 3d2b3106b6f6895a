"""Every stored image is re-saved from its pixels alone: no GPS, XMP, IPTC, comments, maker
notes, owner names or thumbnails survive, in any accepted format, while the picture does; the
hash of the file as received is kept beside that of the stored copy."""

from __future__ import annotations

import hashlib
import io
import struct

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image, ImageChops, ImageStat, PngImagePlugin

from core.uploads import DOCUMENT_TYPES, EVIDENCE_TYPES, check_upload

# Values planted in the fixtures; none may appear in a stored copy.
ARTIST = "Jane Photographer"
OWNER = "Zhang Wei"
MAKER_NOTE = b"SECRET-MAKER-NOTE-4711"
LATITUDE = "31.2304"  # written into XMP as text, so it can be searched in the bytes
XMP = (
    '<x:xmpmeta xmlns:x="adobe:ns:meta/"><rdf:RDF '
    'xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#">'
    '<rdf:Description xmlns:exif="http://ns.adobe.com/exif/1.0/" '
    f'exif:GPSLatitude="{LATITUDE},N" exif:GPSLongitude="121.4737,E" '
    f'xmlns:dc="http://purl.org/dc/elements/1.1/" dc:creator="{ARTIST}"/>'
    "</rdf:RDF></x:xmpmeta>"
).encode()
FORBIDDEN = (
    ARTIST.encode(),
    OWNER.encode(),
    MAKER_NOTE,
    LATITUDE.encode(),
    b"http://ns.adobe.com/xap",
    b"Exif\x00\x00",
    b"Photoshop 3.0",
    b"8BIM",
    b"THUMBNAIL-COMMENT",
    b"a comment with a name",
)


def _check(data: bytes, name="photo.jpg", types=EVIDENCE_TYPES):
    return check_upload(SimpleUploadedFile(name, data), max_bytes=10_000_000, allowed_types=types)


def _picture(size=(48, 32)) -> Image.Image:
    # Four coloured quarters: a rotation or a mirror is visible in the pixels.
    image = Image.new("RGB", size, "white")
    w, h = size
    image.paste((200, 30, 30), (0, 0, w // 2, h // 2))
    image.paste((30, 160, 30), (w // 2, 0, w, h // 2))
    image.paste((30, 30, 200), (0, h // 2, w // 2, h))
    return image


def _segment(marker: int, payload: bytes) -> bytes:
    return bytes([0xFF, marker]) + struct.pack(">H", len(payload) + 2) + payload


def _exif_with_thumbnail() -> bytes:
    """EXIF written by hand as a camera writes it: IFD0 with Artist, an Exif IFD with a maker
    note, a GPS IFD, and IFD1 holding a JPEG thumbnail (Pillow writes no IFD1 itself)."""
    thumb = io.BytesIO()
    Image.new("RGB", (8, 8), "blue").save(thumb, format="JPEG", comment=b"THUMBNAIL-COMMENT")
    thumb = thumb.getvalue()
    artist = ARTIST.encode() + b"\x00"
    entry = struct.Struct("<HHII")
    # Layout: header 8 | IFD0 (3 entries) | Exif IFD (1) | GPS IFD (2) | IFD1 (2) | data
    ifd0_at = 8
    exif_ifd_at = ifd0_at + 2 + 3 * 12 + 4
    gps_ifd_at = exif_ifd_at + 2 + 1 * 12 + 4
    ifd1_at = gps_ifd_at + 2 + 2 * 12 + 4
    data_at = ifd1_at + 2 + 2 * 12 + 4
    artist_at = data_at
    note_at = artist_at + len(artist)
    thumb_at = note_at + len(MAKER_NOTE)
    tiff = b"II*\x00" + struct.pack("<I", ifd0_at)
    tiff += struct.pack("<H", 3)
    tiff += entry.pack(0x013B, 2, len(artist), artist_at)  # Artist
    tiff += entry.pack(0x8769, 4, 1, exif_ifd_at)  # Exif IFD
    tiff += entry.pack(0x8825, 4, 1, gps_ifd_at)  # GPS IFD
    tiff += struct.pack("<I", ifd1_at)
    tiff += struct.pack("<H", 1) + entry.pack(0x927C, 7, len(MAKER_NOTE), note_at)  # MakerNote
    tiff += struct.pack("<I", 0)
    tiff += struct.pack("<H", 2)
    tiff += entry.pack(0x0001, 2, 2, int.from_bytes(b"N\x00\x00\x00", "little"))  # GPSLatRef
    tiff += entry.pack(0x0003, 2, 2, int.from_bytes(b"E\x00\x00\x00", "little"))  # GPSLongRef
    tiff += struct.pack("<I", 0)
    tiff += struct.pack("<H", 2)
    tiff += entry.pack(0x0201, 4, 1, thumb_at)  # JPEGInterchangeFormat
    tiff += entry.pack(0x0202, 4, 1, len(thumb))  # JPEGInterchangeFormatLength
    tiff += struct.pack("<I", 0)
    assert len(tiff) == data_at
    return b"Exif\x00\x00" + tiff + artist + MAKER_NOTE + thumb


def _iptc() -> bytes:
    # Photoshop's APP13: an 8BIM resource 0x0404 holding IPTC By-line (2:80) and City (2:90).
    def dataset(number: int, value: bytes) -> bytes:
        return b"\x1c\x02" + bytes([number]) + struct.pack(">H", len(value)) + value

    iptc = dataset(80, OWNER.encode()) + dataset(90, b"Shanghai")
    resource = b"8BIM\x04\x04\x00\x00" + struct.pack(">I", len(iptc)) + iptc
    return b"Photoshop 3.0\x00" + resource


def _jpeg_with_everything(orientation: int | None = None) -> bytes:
    out = io.BytesIO()
    _picture().save(out, format="JPEG", quality=95, comment=b"a comment with a name")
    data = out.getvalue()
    exif = _exif_with_thumbnail()
    if orientation:
        exif_image = Image.Exif()
        exif_image.load(exif)
        exif_image[0x0112] = orientation
        exif = exif_image.tobytes()
        exif = exif if exif.startswith(b"Exif") else b"Exif\x00\x00" + exif
    # Injected by hand after SOI, as cameras and editors write them.
    segments = (
        _segment(0xE1, exif)
        + _segment(0xE1, b"http://ns.adobe.com/xap/1.0/\x00" + XMP)
        + _segment(0xED, _iptc())
    )
    return data[:2] + segments + data[2:]


def _assert_clean(stored: bytes) -> None:
    for value in FORBIDDEN:
        assert value not in stored, value


def _same_pixels(a: Image.Image, b: Image.Image, tolerance: float) -> bool:
    """Whether the pictures match: on average within ``tolerance`` per channel (a lossy format
    re-saved moves sharp edges a little), exactly when it is 0."""
    diff = ImageChops.difference(a.convert("RGB"), b.convert("RGB"))
    if tolerance == 0:
        return diff.getbbox() is None
    return max(ImageStat.Stat(diff).mean) <= tolerance


def test_the_fixture_really_carries_what_must_be_removed():
    data = _jpeg_with_everything()
    for value in FORBIDDEN:
        assert value in data, value
    image = Image.open(io.BytesIO(data))
    assert image.getexif()[0x013B] == ARTIST
    assert 0x8825 in image.getexif()
    assert LATITUDE.encode() in image.info["xmp"]


def test_a_jpeg_loses_exif_gps_xmp_iptc_maker_notes_comments_and_thumbnail():
    data = _jpeg_with_everything()

    checked = _check(data)

    stored = checked.content.read()
    _assert_clean(stored)
    assert checked.metadata_removed
    assert checked.sha256 == hashlib.sha256(stored).hexdigest()
    assert checked.received_sha256 == hashlib.sha256(data).hexdigest()
    assert checked.size == len(stored)
    image = Image.open(io.BytesIO(stored))
    assert image.format == "JPEG"
    assert not image.getexif()
    assert _same_pixels(image, Image.open(io.BytesIO(data)), tolerance=3)


def test_a_jpeg_whose_gps_is_only_in_xmp_is_not_stored_as_sent():
    out = io.BytesIO()
    _picture().save(out, format="JPEG")
    plain = out.getvalue()
    data = plain[:2] + _segment(0xE1, b"http://ns.adobe.com/xap/1.0/\x00" + XMP) + plain[2:]

    checked = _check(data)

    stored = checked.content.read()
    assert LATITUDE.encode() not in stored
    assert b"http://ns.adobe.com/xap" not in stored
    assert checked.sha256 != checked.received_sha256


@pytest.mark.parametrize(
    ("orientation", "turned"),
    # EXIF orientation -> what the camera meant, from the TIFF/EXIF specification.
    [
        (3, Image.Transpose.ROTATE_180),
        (6, Image.Transpose.ROTATE_270),
        (8, Image.Transpose.ROTATE_90),
    ],
)
def test_a_photo_stands_as_the_camera_meant_once_its_orientation_tag_is_gone(orientation, turned):
    checked = _check(_jpeg_with_everything(orientation))

    image = Image.open(checked.content)
    expected = _picture().transpose(turned)
    assert image.size == expected.size
    assert not image.getexif()
    assert _same_pixels(image, expected, tolerance=6)


def test_a_png_loses_its_text_itxt_xmp_ztxt_and_exif_chunks_and_keeps_its_pixels():
    info = PngImagePlugin.PngInfo()
    info.add_text("Author", ARTIST)
    info.add_text("Comment", "a comment with a name", zip=True)  # zTXt
    info.add_itxt("XML:com.adobe.xmp", XMP.decode())
    out = io.BytesIO()
    exif = Image.Exif()
    exif[0x013B] = OWNER
    _picture().save(out, format="PNG", pnginfo=info, exif=exif.tobytes())
    data = out.getvalue()
    assert b"iTXt" in data and b"zTXt" in data and b"eXIf" in data

    checked = _check(data, "screen.png")

    stored = checked.content.read()
    _assert_clean(stored)
    for chunk in (b"tEXt", b"iTXt", b"zTXt", b"eXIf"):
        assert chunk not in stored
    assert _same_pixels(Image.open(io.BytesIO(stored)), _picture(), tolerance=0)


def test_a_webp_loses_its_exif_and_xmp_chunks():
    exif = Image.Exif()
    exif[0x013B] = ARTIST
    exif[0x8825] = {1: "N", 2: (31.0, 13.0, 49.0)}
    out = io.BytesIO()
    _picture().save(out, format="WEBP", exif=exif.tobytes(), xmp=XMP, quality=95)
    data = out.getvalue()
    assert b"EXIF" in data and b"XMP " in data

    checked = _check(data, "chat.webp")

    stored = checked.content.read()
    _assert_clean(stored)
    assert b"EXIF" not in stored and b"XMP " not in stored
    image = Image.open(io.BytesIO(stored))
    assert image.format == "WEBP"
    assert _same_pixels(image, _picture(), tolerance=6)


def test_a_gif_loses_its_comment_and_an_animation_keeps_its_frames_and_timing():
    frames = [Image.new("P", (16, 16), i) for i in (1, 2, 3)]
    for frame in frames:
        frame.putpalette([0, 0, 0, 255, 0, 0, 0, 255, 0, 0, 0, 255] + [0] * 756)
    out = io.BytesIO()
    frames[0].save(
        out,
        format="GIF",
        save_all=True,
        append_images=frames[1:],
        duration=[100, 200, 300],
        loop=0,
        comment=b"a comment with a name",
    )

    checked = _check(out.getvalue(), "parcel.gif")

    stored = checked.content.read()
    _assert_clean(stored)
    image = Image.open(io.BytesIO(stored))
    assert image.n_frames == 3
    durations, colours = [], []
    for index in range(3):
        image.seek(index)
        durations.append(image.info["duration"])
        colours.append(image.convert("RGB").getpixel((5, 5)))
    assert durations == [100, 200, 300]
    assert colours == [(255, 0, 0), (0, 255, 0), (0, 0, 255)]


def test_every_image_is_cleaned_even_one_without_gps():
    out = io.BytesIO()
    exif = Image.Exif()
    exif[0x013B] = ARTIST  # an owner's name, no location
    _picture().save(out, format="JPEG", exif=exif.tobytes())

    checked = _check(out.getvalue())

    assert ARTIST.encode() not in checked.content.read()
    assert checked.metadata_removed


def test_a_merchants_document_scan_is_cleaned_too():
    checked = _check(_jpeg_with_everything(), "licence.jpg", types=DOCUMENT_TYPES)

    _assert_clean(checked.content.read())


def test_files_that_are_not_images_are_stored_as_received_with_one_hash():
    data = "卖家说七天内发货\n".encode()

    checked = _check(data, "chat.txt")

    assert not checked.metadata_removed
    assert checked.content.read() == data
    assert checked.sha256 == checked.received_sha256 == hashlib.sha256(data).hexdigest()
