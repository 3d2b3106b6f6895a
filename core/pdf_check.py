"""Finding active content in a PDF with pikepdf: what a viewer would run, launch or unpack."""

from __future__ import annotations

import pikepdf

# Action types (/S) that run code, start programs, send data away or open embedded documents.
# Links (/URI) and jumps within the document (/GoTo) are ordinary in invoices and stay allowed.
_ACTIVE_ACTIONS = frozenset(
    {"/JavaScript", "/Launch", "/SubmitForm", "/ImportData", "/GoToE", "/Rendition"}
)
# Nesting deeper than any real document: past it the file is treated as unreadable, never as
# having been checked.
_MAX_DEPTH = 64


class PdfUnreadable(Exception):
    """pikepdf (qpdf) cannot read the file, even after trying to repair it."""


class PdfPasswordProtected(PdfUnreadable):
    """Opening needs a password, so nothing in it can be checked."""


def _open(uploaded) -> pikepdf.Pdf:
    uploaded.seek(0)
    source = getattr(uploaded, "temporary_file_path", None)
    try:
        return pikepdf.open(source() if source else getattr(uploaded, "file", uploaded))
    except pikepdf.PasswordError:
        raise PdfPasswordProtected from None
    except Exception:
        raise PdfUnreadable from None


def _look_at(value, found: set[str], depth: int) -> None:
    if depth > _MAX_DEPTH:
        raise PdfUnreadable
    if isinstance(value, pikepdf.Stream):
        value = value.stream_dict
    if isinstance(value, pikepdf.Array):
        children = list(value)
    elif isinstance(value, pikepdf.Dictionary):
        _judge(value, found)
        children = [child for _key, child in value.items()]
    else:
        return
    for child in children:
        # An indirect object is one of pdf.objects and is looked at on its own; following
        # references here could go round in circles.
        if isinstance(child, pikepdf.Object) and not child.is_indirect:
            _look_at(child, found, depth + 1)


def _judge(d: pikepdf.Dictionary, found: set[str]) -> None:
    kind = str(d.get("/S", ""))
    if "/JS" in d or kind == "/JavaScript" or "/JavaScript" in d:
        found.add("/JavaScript")
    if kind in _ACTIVE_ACTIONS - {"/JavaScript"}:
        found.add(kind)
    if "/AA" in d:
        found.add("/AA")
    # An /OpenAction that is only a destination ("open at page 1, fit width") is a view, not
    # an action; every other action run on opening is refused.
    opening = d.get("/OpenAction")
    if isinstance(opening, pikepdf.Dictionary) and str(opening.get("/S", "")) != "/GoTo":
        found.add("/OpenAction")
    if (
        "/EmbeddedFiles" in d
        or "/EF" in d
        or str(d.get("/Type", "")) == "/EmbeddedFile"
        or str(d.get("/Subtype", "")) == "/FileAttachment"
    ):
        found.add("/EmbeddedFiles")
    if "/XFA" in d:
        found.add("/XFA")


def active_content(uploaded) -> list[str]:
    """The kinds of active content found anywhere in the PDF (every object, referenced or not),
    by their PDF names; an empty list for a document that is only pages. Raises PdfUnreadable
    or PdfPasswordProtected when it cannot be checked."""
    found: set[str] = set()
    pdf = _open(uploaded)
    try:
        _look_at(pdf.trailer, found, 0)
        for obj in pdf.objects:
            _look_at(obj, found, 0)
        # The page tree is what a viewer shows: a file without readable pages is no document.
        if len(pdf.pages) == 0:
            raise PdfUnreadable
    except PdfUnreadable:
        raise
    except Exception:
        raise PdfUnreadable from None
    finally:
        pdf.close()
        uploaded.seek(0)
    return sorted(found)
