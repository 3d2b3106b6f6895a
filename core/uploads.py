"""Checking uploaded files by their content, hashing them as they stream, and storing them safely.

Used for evidence and for merchants' verification documents alike: the type comes from the bytes
(never the name or the browser's MIME type), the name is kept only as a label, a file that is
also a web page or a PDF with active content is refused, every image is re-saved from its pixels
without its metadata, and two SHA-256 are recorded: of the file as received (so the sender can
still prove an original) and of the copy stored (what the integrity check verifies).
"""

from __future__ import annotations

import codecs
import hashlib
import io
import re
import unicodedata
import warnings
from dataclasses import dataclass

import av
import filetype
from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile, File
from django.core.files.uploadhandler import MemoryFileUploadHandler, TemporaryFileUploadHandler
from django.utils.translation import gettext as _
from PIL import Image, ImageCms, ImageFile, ImageOps, ImageSequence, JpegImagePlugin

# HEIC and HEIF: phones' photos (read and written with pillow-heif, registered in core.apps).
HEIF_TYPES = frozenset({"image/heic", "image/heif"})
IMAGE_TYPES = frozenset({"image/jpeg", "image/png", "image/gif", "image/webp"}) | HEIF_TYPES
PDF = "application/pdf"
TEXT = "text/plain"
EMAIL = "message/rfc822"
DOCUMENT_TYPES = IMAGE_TYPES | {PDF}
# Short videos: remuxed with PyAV (FFmpeg) into a copy that keeps only the video and audio
# streams, without the container's and streams' metadata (an iPhone's location, names).
VIDEO_TYPES = frozenset({"video/mp4", "video/webm", "video/quicktime"})
EVIDENCE_TYPES = IMAGE_TYPES | VIDEO_TYPES | {PDF, TEXT, EMAIL}

# Images above this many pixels (all frames together) are refused: a small file can decode to
# gigabytes (a decompression bomb). 50 megapixels is more than any phone camera produces.
# core.apps also sets PIL's own limit to this, so no other decoding can go past it either.
MAX_IMAGE_PIXELS = 50_000_000
MAX_LABEL_LENGTH = 120
_SNIFF_BYTES = 8192
_MARKUP_MARKERS = (b"<!doctype", b"<html", b"<svg", b"<script", b"<?xml", b"<body", b"<iframe")
# Anywhere in a file that is an image or a PDF, these mean it is also a web page (a polyglot):
# a browser or viewer that sniffs it would run the script. (Not "<?xml": photos carry XMP.)
# Each tag must be followed by what ends a tag name: compressed pixel data is close to random
# bytes, and a bare "<svg" turns up by chance about once in 500 MB of it, "<svg" and one of
# those eight bytes once in some 17 GB.
_ACTIVE_MARKUP = re.compile(rb"<(?:html|svg|script|body|iframe)[\s/>]|javascript:", re.IGNORECASE)
# The file is read in chunks of this size; each chunk is searched together with the last bytes
# of the one before, more than the longest marker, so a marker cut by a boundary is still found.
_SCAN_CHUNK = 64 * 1024
_SCAN_OVERLAP = 16
# Image formats by type, as Pillow names them when it writes the cleaned copy.
_PIL_FORMATS = {
    "image/jpeg": "JPEG",
    "image/png": "PNG",
    "image/gif": "GIF",
    "image/webp": "WEBP",
    "image/heic": "HEIF",
    "image/heif": "HEIF",
}
# Of what Pillow reads from an image, only what the pixels need to look the same is written
# back: transparency, the timing of an animation, and the colour profile (a description of a
# colour space such as "Display P3", not of a person). EXIF (GPS, camera serial, owner and
# artist names, the embedded thumbnail, maker notes), XMP, IPTC, comments and text chunks are
# never copied.
_KEPT_INFO = ("transparency", "background", "duration", "loop", "disposal", "blend")
# WebP does not say whether it was lossy; a re-encoded photo at this quality looks the same.
_WEBP_QUALITY = 90
# Video containers by type, as FFmpeg names them when it writes the cleaned copy.
_AV_FORMATS = {"video/mp4": "mp4", "video/webm": "webm", "video/quicktime": "mov"}
# The extensions a download may keep for each type; any other gets the type's own appended,
# so that "run.bat" holding plain text is saved as "run.bat.txt" and never opened as a program.
_EXTENSIONS = {
    "image/jpeg": (".jpg", ".jpeg"),
    "image/png": (".png",),
    "image/gif": (".gif",),
    "image/webp": (".webp",),
    "image/heic": (".heic", ".heif"),
    "image/heif": (".heif", ".heic"),
    "video/mp4": (".mp4", ".m4v"),
    "video/webm": (".webm",),
    "video/quicktime": (".mov",),
    PDF: (".pdf",),
    TEXT: (".txt",),
    EMAIL: (".eml",),
}
_EMAIL_HEADERS = (
    b"from:",
    b"to:",
    b"subject:",
    b"date:",
    b"received:",
    b"message-id:",
    b"mime-version:",
    # What mail programs put first when they save a message.
    b"return-path:",
    b"delivered-to:",
    b"reply-to:",
    b"dkim-signature:",
    b"arc-seal:",
    b"authentication-results:",
)


class UploadRejected(ValidationError):
    """A file that is refused; the message names the file and the reason."""


@dataclass(frozen=True)
class CheckedUpload:
    content: File
    label: str
    content_type: str
    size: int
    sha256: str  # of the stored copy
    metadata_removed: bool  # the stored copy is a re-saved image, not the bytes received
    received_sha256: str  # of the file as it was received


class _HashingMixin:
    """Computes the SHA-256 of an upload while Django streams it in, chunk by chunk."""

    def new_file(self, *args, **kwargs):
        self._sha256 = hashlib.sha256()
        return super().new_file(*args, **kwargs)

    def receive_data_chunk(self, raw_data, start):
        self._sha256.update(raw_data)
        return super().receive_data_chunk(raw_data, start)

    def file_complete(self, file_size):
        uploaded = super().file_complete(file_size)
        if uploaded is not None:
            uploaded.sha256 = self._sha256.hexdigest()
        return uploaded


class HashingMemoryFileUploadHandler(_HashingMixin, MemoryFileUploadHandler):
    pass


class HashingTemporaryFileUploadHandler(_HashingMixin, TemporaryFileUploadHandler):
    """The last handler (every upload too large to be kept in memory comes here). Nothing past
    REDRESS_UPLOAD_MAX_BYTES is written to disk: the rest is read and dropped, the file is
    marked ``truncated`` and keeps its real size, and check_upload refuses it by its size."""

    def new_file(self, *args, **kwargs):
        self._truncated = False
        return super().new_file(*args, **kwargs)

    def receive_data_chunk(self, raw_data, start):
        if self._truncated or start + len(raw_data) > settings.REDRESS_UPLOAD_MAX_BYTES:
            self._truncated = True
            return None
        return super().receive_data_chunk(raw_data, start)

    def file_complete(self, file_size):
        uploaded = super().file_complete(file_size)
        if uploaded is not None:
            uploaded.truncated = self._truncated
        return uploaded


def _refuse(label: str, reason: str) -> UploadRejected:
    return UploadRejected(
        _("%(file)s was refused: %(reason)s") % {"file": label, "reason": reason},
        code="upload_refused",
    )


def safe_label(name: str) -> str:
    """The uploaded name as a display label, or UploadRejected for a hostile name.

    Path separators, ``..``, control characters and bidirectional overrides are refused (they
    exist to trick a reader or a file system); a long name is shortened, keeping its ending.
    """
    raw = name or ""
    shown = "".join(ch if unicodedata.category(ch)[0] != "C" else "?" for ch in raw)[:80] or "?"
    if "/" in raw or "\\" in raw or ".." in raw:
        raise _refuse(shown, _("the file name contains a path."))
    if any(unicodedata.category(ch) in {"Cc", "Cf", "Cs", "Co", "Cn"} for ch in raw):
        raise _refuse(shown, _("the file name contains control or direction characters."))
    label = unicodedata.normalize("NFC", " ".join(raw.split())).lstrip(".")
    if not label:
        return "file"
    if len(label) > MAX_LABEL_LENGTH:
        stem, dot, ext = label.rpartition(".")
        if dot and 0 < len(ext) <= 10:
            label = stem[: MAX_LABEL_LENGTH - len(ext) - 2] + "…." + ext
        else:
            label = label[: MAX_LABEL_LENGTH - 1] + "…"
    return label


def label_for_type(label: str, content_type: str) -> str:
    """The label with an extension that matches the content, within MAX_LABEL_LENGTH."""
    extensions = _EXTENSIONS.get(content_type)
    if not extensions or label.lower().endswith(extensions):
        return label
    ext = extensions[0]
    if len(label) + len(ext) > MAX_LABEL_LENGTH:
        label = label[: MAX_LABEL_LENGTH - len(ext) - 1] + "…"
    return label + ext


def _sha256_of(uploaded) -> str:
    sha = hashlib.sha256()
    uploaded.seek(0)
    for chunk in uploaded.chunks():
        sha.update(chunk)
    uploaded.seek(0)
    return sha.hexdigest()


def _text_kind(head: bytes) -> str | None:
    """text/plain or message/rfc822 for readable text; None for binary or undecodable bytes."""
    if b"\x00" in head and not head.startswith((b"\xff\xfe", b"\xfe\xff")):
        return None
    whole_file = len(head) < _SNIFF_BYTES
    for encoding in ("utf-8-sig", "utf-16", "gb18030"):
        try:
            # A head cut from a longer file may end inside a multi-byte character: an
            # incremental decoder keeps such an unfinished character back instead of failing,
            # while bytes that are wrong anywhere else still fail.
            text = codecs.getincrementaldecoder(encoding)().decode(head, final=whole_file)
        except UnicodeDecodeError:
            continue
        if encoding == "utf-16" and not head.startswith((b"\xff\xfe", b"\xfe\xff")):
            continue
        controls = sum(
            1 for ch in text if unicodedata.category(ch) == "Cc" and ch not in "\r\n\t\f"
        )
        if text and controls / len(text) > 0.01:
            return None
        first_line = text.lstrip().split("\n", 1)[0].lower().encode()
        return EMAIL if first_line.startswith(_EMAIL_HEADERS) else TEXT
    return None


def _detect(head: bytes) -> str | None:
    kind = filetype.guess(head)
    if kind is not None:
        return kind.mime
    # An e-mail is recognised by its headers before its markup is looked at: most shops send
    # HTML e-mails. It is downloaded as message/rfc822 and shown only as text or sanitised HTML.
    if _text_kind(head) == EMAIL:
        return EMAIL
    lowered = head.lower()
    if any(marker in lowered for marker in _MARKUP_MARKERS):
        return "text/html"
    return _text_kind(head)


def _open_image(uploaded, label: str) -> Image.Image:
    """The image decoded, or UploadRejected when it is damaged or has too many pixels."""
    uploaded.seek(0)
    # A truncated image is damaged: refused, whatever another library set globally (WeasyPrint
    # turns Pillow's LOAD_TRUNCATED_IMAGES on when it is imported).
    ImageFile.LOAD_TRUNCATED_IMAGES = False
    with warnings.catch_warnings():
        warnings.simplefilter("error", Image.DecompressionBombWarning)
        try:
            image = Image.open(uploaded)
            width, height = image.size
            # An animation multiplies its pixels by its frames.
            if width * height * getattr(image, "n_frames", 1) > MAX_IMAGE_PIXELS:
                raise _refuse(label, _("the image has too many pixels."))
            image.load()
        except (Image.DecompressionBombError, Image.DecompressionBombWarning):
            raise _refuse(label, _("the image has too many pixels.")) from None
        except UploadRejected:
            raise
        except Exception:
            raise _refuse(label, _("the image is damaged or not really an image.")) from None
    return image


def _colour_profile(image: Image.Image) -> bytes | None:
    # Kept only when it really is an ICC profile: anything else in its place is dropped.
    icc = image.info.get("icc_profile")
    if not icc:
        return None
    try:
        ImageCms.ImageCmsProfile(io.BytesIO(icc))
    except Exception:
        return None
    return icc


def _clean_image(uploaded, content_type: str, label: str) -> bytes:
    """The image re-saved from its pixels alone, in its own format, with no metadata.

    The EXIF orientation is applied to the pixels first, so a photo still stands the right way
    up once its EXIF is gone. A JPEG keeps its quantisation tables and chroma subsampling, so
    re-saving it loses next to nothing; an animation keeps its frames and their timing.
    """
    image = _open_image(uploaded, label)
    fmt = _PIL_FORMATS[content_type]
    options: dict = {}
    icc = _colour_profile(image)
    if icc:
        options["icc_profile"] = icc
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            # A JPEG's second frame (an MPO depth map or preview) is not the photo; nor are a
            # HEIF's other images (a burst, a depth map): the primary image is kept alone.
            sequence = [image] if fmt in ("JPEG", "HEIF") else ImageSequence.Iterator(image)
            frames = []
            for frame in sequence:
                upright = ImageOps.exif_transpose(frame)
                upright.info = {k: frame.info[k] for k in _KEPT_INFO if k in frame.info}
                frames.append(upright)
        if fmt == "JPEG":
            options["qtables"] = getattr(image, "quantization", None) or None
            sampling = JpegImagePlugin.get_sampling(image)
            if sampling != -1:
                options["subsampling"] = sampling
        elif fmt == "WEBP":
            options["quality"] = _WEBP_QUALITY
        if len(frames) > 1:
            options.update(save_all=True, append_images=frames[1:])
            for key in ("duration", "disposal", "blend"):
                if all(key in f.info for f in frames):
                    options[key] = [f.info[key] for f in frames]
            if "loop" in image.info:
                options["loop"] = image.info["loop"]
        out = io.BytesIO()
        frames[0].save(out, format=fmt, **options)
    except UploadRejected:
        raise
    except Exception:
        raise _refuse(label, _("the image is damaged or not really an image.")) from None
    finally:
        uploaded.seek(0)
    return out.getvalue()


def _clean_video(uploaded, content_type: str, label: str) -> bytes:
    """The video remuxed (never re-encoded: the pictures and sound are the same bytes) into a
    new container of its own format holding only its video and audio streams. The container's
    and the streams' metadata are not copied: a phone's location (QuickTime ``location``,
    ``©xyz``), names and devices go, and so do data streams such as timed GPS tracks."""
    uploaded.seek(0)
    source = getattr(uploaded, "temporary_file_path", None)
    out = io.BytesIO()
    try:
        with (
            av.open(source() if source else uploaded, mode="r") as src,
            av.open(out, mode="w", format=_AV_FORMATS[content_type]) as dst,
        ):
            streams = {}
            for stream in src.streams:
                if stream.type in ("video", "audio"):
                    # The template carries the codec's parameters, not the stream's
                    # metadata (tests/core/test_upload_video.py plants some and checks).
                    streams[stream.index] = dst.add_stream_from_template(stream)
            if not any(s.type == "video" for s in streams.values()):
                raise _refuse(label, _("the video is damaged or not really a video."))
            for packet in src.demux(*[src.streams[i] for i in streams]):
                if packet.dts is None:
                    continue  # the flush packet at the end of each stream
                packet.stream = streams[packet.stream.index]
                dst.mux(packet)
    except UploadRejected:
        raise
    except Exception:
        raise _refuse(label, _("the video is damaged or not really a video.")) from None
    finally:
        uploaded.seek(0)
    return out.getvalue()


def _has_active_markup(uploaded) -> bool:
    """Whether the markup of a web page appears anywhere in the file, read chunk by chunk."""
    uploaded.seek(0)
    tail = b""
    try:
        while chunk := uploaded.read(_SCAN_CHUNK):
            window = tail + chunk
            if _ACTIVE_MARKUP.search(window):
                return True
            tail = window[-_SCAN_OVERLAP:]
        return False
    finally:
        uploaded.seek(0)


def _check_pdf(uploaded, label: str) -> None:
    # Imported here: pikepdf loads qpdf, which only a PDF upload needs.
    from core import pdf_check

    try:
        found = pdf_check.active_content(uploaded)
    except pdf_check.PdfPasswordProtected:
        raise _refuse(
            label, _("the PDF is protected by a password; send it without the password.")
        ) from None
    except pdf_check.PdfUnreadable:
        raise _refuse(label, _("the PDF is damaged and cannot be read.")) from None
    if found:
        raise _refuse(
            label,
            _(
                "the PDF contains active content (%(found)s), which is not accepted: print it "
                "to a new PDF, or send a screenshot, and upload that instead."
            )
            % {"found": ", ".join(found)},
        )


def check_upload(uploaded, *, max_bytes: int, allowed_types: frozenset[str]) -> CheckedUpload:
    """Validate one uploaded file; raises UploadRejected naming the file and the reason."""
    label = safe_label(getattr(uploaded, "name", "") or "")
    size = uploaded.size or 0
    if size == 0:
        raise _refuse(label, _("the file is empty."))
    if size > max_bytes or getattr(uploaded, "truncated", False):
        raise _refuse(
            label,
            _("the file is larger than %(limit)s MB.") % {"limit": f"{max_bytes / 1_000_000:g}"},
        )
    uploaded.seek(0)
    head = uploaded.read(_SNIFF_BYTES)
    uploaded.seek(0)
    content_type = _detect(head)
    if content_type not in allowed_types:
        raise _refuse(
            label,
            _("this type of file is not accepted (%(types)s only).")
            % {"types": ", ".join(sorted(_type_names(allowed_types)))},
        )
    received_sha256 = getattr(uploaded, "sha256", None) or _sha256_of(uploaded)
    if content_type in IMAGE_TYPES | VIDEO_TYPES | {PDF} and _has_active_markup(uploaded):
        raise _refuse(label, _("the file is also a web page or a script (a disguised file)."))
    label = label_for_type(label, content_type)
    if content_type == PDF:
        _check_pdf(uploaded, label)

    if content_type in VIDEO_TYPES:
        cleaned = _clean_video(uploaded, content_type, label)
        return CheckedUpload(
            content=ContentFile(cleaned),
            label=label,
            content_type=content_type,
            size=len(cleaned),
            sha256=hashlib.sha256(cleaned).hexdigest(),
            metadata_removed=True,
            received_sha256=received_sha256,
        )
    if content_type in IMAGE_TYPES:
        # Every image, not only one with GPS: XMP, IPTC, comments and maker notes carry places
        # and names too, and no reading of them is complete enough to leave the rest as sent.
        cleaned = _clean_image(uploaded, content_type, label)
        return CheckedUpload(
            content=ContentFile(cleaned),
            label=label,
            content_type=content_type,
            size=len(cleaned),
            sha256=hashlib.sha256(cleaned).hexdigest(),
            metadata_removed=True,
            received_sha256=received_sha256,
        )
    return CheckedUpload(
        content=uploaded,
        label=label,
        content_type=content_type,
        size=size,
        sha256=received_sha256,
        metadata_removed=False,
        received_sha256=received_sha256,
    )


def _type_names(types: frozenset[str]) -> set[str]:
    names = {
        "image/jpeg": "JPEG",
        "image/png": "PNG",
        "image/gif": "GIF",
        "image/webp": "WebP",
        "image/heic": "HEIC",
        "image/heif": "HEIF",
        "video/mp4": "MP4",
        "video/webm": "WebM",
        "video/quicktime": "MOV",
        PDF: "PDF",
        TEXT: _("plain text"),
        EMAIL: _("e-mail"),
    }
    return {names.get(t, t) for t in types}
