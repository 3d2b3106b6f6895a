"""Checking uploaded files by their content, hashing them as they stream, and storing them safely.

Used for evidence and for merchants' verification documents alike: the type comes from the bytes
(never the name or the browser's MIME type), the name is kept only as a label, image location
metadata is removed, and the SHA-256 of what is stored is recorded.
"""

from __future__ import annotations

import codecs
import hashlib
import io
import unicodedata
import warnings
from dataclasses import dataclass

import filetype
from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile, File
from django.core.files.uploadhandler import MemoryFileUploadHandler, TemporaryFileUploadHandler
from django.utils.translation import gettext as _
from PIL import Image

IMAGE_TYPES = frozenset({"image/jpeg", "image/png", "image/gif", "image/webp"})
PDF = "application/pdf"
TEXT = "text/plain"
EMAIL = "message/rfc822"
DOCUMENT_TYPES = IMAGE_TYPES | {PDF}
EVIDENCE_TYPES = IMAGE_TYPES | {PDF, TEXT, EMAIL}

# Images above this many pixels (all frames together) are refused: a small file can decode to
# gigabytes (a decompression bomb). 50 megapixels is more than any phone camera produces.
# core.apps also sets PIL's own limit to this, so no other decoding can go past it either.
MAX_IMAGE_PIXELS = 50_000_000
MAX_LABEL_LENGTH = 120
_SNIFF_BYTES = 8192
_GPS_IFD = 0x8825
_MARKUP_MARKERS = (b"<!doctype", b"<html", b"<svg", b"<script", b"<?xml", b"<body", b"<iframe")
# In a file that starts like an image or a PDF, these mean it is also a web page (a polyglot):
# a browser or viewer that sniffs it would run the script. (Not "<?xml": photos carry XMP.)
_ACTIVE_MARKUP = (b"<html", b"<svg", b"<script", b"<body", b"<iframe", b"javascript:")
# The extensions a download may keep for each type; any other gets the type's own appended,
# so that "run.bat" holding plain text is saved as "run.bat.txt" and never opened as a program.
_EXTENSIONS = {
    "image/jpeg": (".jpg", ".jpeg"),
    "image/png": (".png",),
    "image/gif": (".gif",),
    "image/webp": (".webp",),
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
)


class UploadRejected(ValidationError):
    """A file that is refused; the message names the file and the reason."""


@dataclass(frozen=True)
class CheckedUpload:
    content: File
    label: str
    content_type: str
    size: int
    sha256: str
    metadata_removed: bool


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
    lowered = head.lower()
    if any(marker in lowered for marker in _MARKUP_MARKERS):
        return "text/html"
    return _text_kind(head)


def _strip_gps(uploaded, content_type: str, label: str) -> bytes | None:
    """Re-save an image without its GPS tags; None when it has none (the bytes stay as sent)."""
    uploaded.seek(0)
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
    exif = image.getexif()
    if _GPS_IFD not in exif:
        uploaded.seek(0)
        return None
    del exif[_GPS_IFD]
    out = io.BytesIO()
    fmt = image.format or content_type.split("/")[1].upper()
    options = {"exif": exif.tobytes()}
    if fmt == "JPEG":
        options.update(quality="keep", subsampling="keep")
    if fmt in {"GIF", "WEBP"} and getattr(image, "n_frames", 1) > 1:
        options["save_all"] = True
    image.save(out, format=fmt, **options)
    uploaded.seek(0)
    return out.getvalue()


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
    if content_type in IMAGE_TYPES | {PDF} and any(m in head.lower() for m in _ACTIVE_MARKUP):
        raise _refuse(label, _("the file is also a web page or a script (a disguised file)."))
    label = label_for_type(label, content_type)

    stripped = _strip_gps(uploaded, content_type, label) if content_type in IMAGE_TYPES else None
    if stripped is not None:
        content: File = ContentFile(stripped)
        return CheckedUpload(
            content=content,
            label=label,
            content_type=content_type,
            size=len(stripped),
            sha256=hashlib.sha256(stripped).hexdigest(),
            metadata_removed=True,
        )
    sha256 = getattr(uploaded, "sha256", None) or _sha256_of(uploaded)
    return CheckedUpload(
        content=uploaded,
        label=label,
        content_type=content_type,
        size=size,
        sha256=sha256,
        metadata_removed=False,
    )


def _type_names(types: frozenset[str]) -> set[str]:
    names = {
        "image/jpeg": "JPEG",
        "image/png": "PNG",
        "image/gif": "GIF",
        "image/webp": "WebP",
        PDF: "PDF",
        TEXT: _("plain text"),
        EMAIL: _("e-mail"),
    }
    return {names.get(t, t) for t in types}
