"""PDFs with active content are refused, naming what was found; a PDF that cannot be read (or
checked) is refused; an ordinary document with links and a view to open at is accepted as sent."""

from __future__ import annotations

import hashlib
import io

import pikepdf
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from pikepdf import Array, Dictionary, Name, String

from core.uploads import DOCUMENT_TYPES, EVIDENCE_TYPES, UploadRejected, check_upload


def _pdf(change=None, **save) -> bytes:
    pdf = pikepdf.new()
    pdf.add_blank_page()
    if change:
        change(pdf)
    out = io.BytesIO()
    pdf.save(out, **save)
    return out.getvalue()


def _check(data: bytes, name="invoice.pdf", types=EVIDENCE_TYPES):
    return check_upload(SimpleUploadedFile(name, data), max_bytes=10_000_000, allowed_types=types)


def _open_action_js(pdf):
    pdf.Root.OpenAction = Dictionary(S=Name.JavaScript, JS=String("app.alert(1)"))


def _names_javascript(pdf):
    script = pdf.make_indirect(Dictionary(S=Name.JavaScript, JS=String("app.alert(1)")))
    pdf.Root.Names = Dictionary(JavaScript=Dictionary(Names=Array([String("a"), script])))


def _page_additional_action(pdf):
    # /AA on a page: run when the page opens; here a harmless /GoTo, refused all the same.
    pdf.pages[0].obj.AA = Dictionary(O=Dictionary(S=Name.GoTo, D=Array([pdf.pages[0].obj])))


def _annotation(action):
    def change(pdf):
        link = Dictionary(Type=Name.Annot, Subtype=Name.Link, Rect=[0, 0, 50, 50], A=action)
        pdf.pages[0].obj.Annots = pdf.make_indirect(Array([pdf.make_indirect(link)]))

    return change


def _embedded_file(pdf):
    pdf.attachments["tool.exe"] = pikepdf.AttachedFileSpec(pdf, b"MZ\x90\x00")


def _xfa_form(pdf):
    pdf.Root.AcroForm = Dictionary(Fields=Array(), XFA=pdf.make_stream(b"<xdp:xdp/>"))


ACTIVE = [
    ("open-action-javascript", _open_action_js, "/JavaScript, /OpenAction"),
    ("document-javascript", _names_javascript, "/JavaScript"),
    ("page-additional-action", _page_additional_action, "/AA"),
    (
        "annotation-javascript",
        _annotation(Dictionary(S=Name.JavaScript, JS=String("app.alert(1)"))),
        "/JavaScript",
    ),
    ("annotation-launch", _annotation(Dictionary(S=Name.Launch, F=String("cmd.exe"))), "/Launch"),
    ("embedded-file", _embedded_file, "/EmbeddedFiles"),
    ("xfa-form", _xfa_form, "/XFA"),
]


@pytest.mark.parametrize(("change", "found"), [a[1:] for a in ACTIVE], ids=[a[0] for a in ACTIVE])
@pytest.mark.parametrize("types", [EVIDENCE_TYPES, DOCUMENT_TYPES], ids=["evidence", "document"])
def test_a_pdf_with_active_content_is_refused_naming_what_was_found(change, found, types):
    with pytest.raises(UploadRejected) as refused:
        _check(_pdf(change), types=types)

    assert refused.value.messages == [
        f"invoice.pdf was refused: the PDF contains active content ({found}), which is not "
        "accepted: print it to a new PDF, or send a screenshot, and upload that instead."
    ]


def test_active_content_inside_compressed_object_streams_is_found():
    data = _pdf(_open_action_js, object_stream_mode=pikepdf.ObjectStreamMode.generate)
    assert b"JavaScript" not in data  # invisible to a byte search

    with pytest.raises(UploadRejected, match=r"/JavaScript"):
        _check(data)


def test_an_ordinary_pdf_with_a_link_and_an_opening_view_is_accepted_as_sent():
    def change(pdf):
        pdf.Root.OpenAction = Array([pdf.pages[0].obj, Name.Fit])
        _annotation(Dictionary(S=Name.URI, URI=String("https://shop.example/order/1")))(pdf)

    data = _pdf(change)

    checked = _check(data)

    assert checked.content_type == "application/pdf"
    assert not checked.metadata_removed
    assert checked.sha256 == checked.received_sha256 == hashlib.sha256(data).hexdigest()


@pytest.mark.parametrize(
    "data",
    [
        b"%PDF-1.4\n%garbage, no objects, no trailer\n",
        b"%PDF-1.4\n1 0 obj<</Type/Catalog>>endobj\ntrailer<</Root 1 0 R>>\n%%EOF\n",
    ],
    ids=["no-trailer", "no-pages"],
)
def test_a_damaged_pdf_is_refused(data):
    with pytest.raises(UploadRejected, match=r"invoice\.pdf was refused: the PDF is damaged"):
        _check(data)


def test_a_pdf_that_needs_a_password_cannot_be_checked_and_is_refused():
    data = _pdf(encryption=pikepdf.Encryption(user="secret", owner="secret"))

    with pytest.raises(UploadRejected, match="protected by a password"):
        _check(data)
