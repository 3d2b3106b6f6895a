"""Short videos (MP4, WebM, MOV) are evidence: found by their content, remuxed into a copy with
only their video and audio (the same encoded frames) and none of the container's or streams'
metadata, so a phone's location and names are gone; a renamed program, a damaged container and
a video that also holds a web page are refused."""

from __future__ import annotations

import io

import av
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image

from core.uploads import DOCUMENT_TYPES, EVIDENCE_TYPES, UploadRejected, check_upload

LOCATION = "+31.2304+121.4737/"
ARTIST = "Jane Photographer"
FRAMES = 10


def _video(fmt: str, codec: str, **options) -> bytes:
    out = io.BytesIO()
    with av.open(out, mode="w", format=fmt, options=options) as container:
        container.metadata["location"] = LOCATION
        container.metadata["artist"] = ARTIST
        stream = container.add_stream(codec, rate=10)
        stream.width, stream.height, stream.pix_fmt = 64, 48, "yuv420p"
        stream.metadata["handler_name"] = f"{ARTIST}'s phone"
        for i in range(FRAMES):
            frame = av.VideoFrame.from_image(Image.new("RGB", (64, 48), (i * 20, 80, 160)))
            for packet in stream.encode(frame):
                container.mux(packet)
        for packet in stream.encode():
            container.mux(packet)
    return out.getvalue()


def _check(data: bytes, name: str, types=EVIDENCE_TYPES):
    return check_upload(SimpleUploadedFile(name, data), max_bytes=10_000_000, allowed_types=types)


def _frames(data: bytes) -> int:
    with av.open(io.BytesIO(data)) as container:
        return sum(1 for _ in container.decode(video=0))


@pytest.mark.parametrize(
    ("name", "fmt", "codec", "options", "content_type"),
    [
        ("IMG_0001.MOV", "mov", "h264", {}, "video/quicktime"),
        ("clip.mp4", "mp4", "h264", {"movflags": "use_metadata_tags"}, "video/mp4"),
        ("clip.webm", "webm", "libvpx-vp9", {}, "video/webm"),
    ],
)
def test_a_video_is_kept_without_its_location_and_names(name, fmt, codec, options, content_type):
    data = _video(fmt, codec, **options)
    assert LOCATION.encode() in data and ARTIST.encode() in data  # the fixture carries them

    checked = _check(data, name)

    stored = checked.content.read()
    assert checked.content_type == content_type
    assert checked.metadata_removed
    assert LOCATION.encode() not in stored and b"31.2304" not in stored
    assert ARTIST.encode() not in stored
    assert checked.received_sha256 != checked.sha256
    assert _frames(stored) == FRAMES


@pytest.mark.parametrize(
    ("name", "data"),
    [
        ("clip.mp4", b"MZ\x90\x00\x03\x00\x00\x00" + b"\x00" * 200),  # a program renamed
        ("clip.mp4", b"\x00\x00\x00\x18ftypmp42\x00\x00\x00\x00mp42isom" + b"\x00" * 64),
        ("clip.webm", b"\x1a\x45\xdf\xa3" + b"\x00" * 64),  # an EBML header and nothing more
    ],
)
def test_a_file_that_only_claims_to_be_a_video_is_refused(name, data):
    with pytest.raises(UploadRejected):
        _check(data, name)


def test_a_video_container_with_a_web_page_inside_is_refused():
    data = _video("mp4", "h264") + b"<html><body><script>alert(document.cookie)</script>"

    with pytest.raises(UploadRejected) as refused:
        _check(data, "clip.mp4")

    assert "disguised" in str(refused.value)


def test_videos_are_evidence_not_merchant_documents():
    with pytest.raises(UploadRejected):
        _check(_video("mp4", "h264"), "licence.mp4", types=DOCUMENT_TYPES)
