"""Evidence: type from content, limits, hostile names, hashes, private storage, and nothing
replaced or removed after submission."""

from __future__ import annotations

import hashlib
import io
from pathlib import Path

import pytest
from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from PIL import Image

from complaints import services
from complaints.models import EvidenceItem
from core.uploads import UploadRejected
from tests.factories import ComplaintFactory, StatementFactory

from .conftest import png_bytes

pytestmark = pytest.mark.django_db

EXE = b"MZ\x90\x00\x03\x00\x00\x00" + b"\x00" * 200
SVG = b'<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>'
HTML = b"<!DOCTYPE html><html><body><script>alert(document.cookie)</script></body></html>"


def _add(complaint, name, data):
    upload = SimpleUploadedFile("upload", data)
    # UploadedFile's setter would already reduce a path to its last part; callers other than
    # Django's parser may not, so the service must refuse the raw name itself.
    upload._name = name
    return services.evidence_add_file(
        complaint=complaint, upload=upload, submitted_by=complaint.consumer
    )


def _evidence_url(complaint, step="evidence"):
    return reverse("complaints:edit", kwargs={"public_id": complaint.public_id, "step": step})


def test_file_is_stored_privately_under_a_random_name_with_its_hash(client):
    complaint = ComplaintFactory()
    data = png_bytes()

    item = _add(complaint, "parcel photo.png", data)

    assert item.kind == EvidenceItem.Kind.FILE
    assert item.label == "parcel photo.png"
    assert item.content_type == "image/png"
    assert item.size == len(data)
    assert item.sha256 == hashlib.sha256(data).hexdigest()
    assert "parcel" not in item.file.name
    assert item.file.name.startswith(f"evidence/{complaint.public_id}/")
    stored = Path(item.file.storage.location) / item.file.name
    assert stored.read_bytes() == data
    assert Path(settings.MEDIA_ROOT) not in stored.parents
    assert client.get(item.file.url).status_code == 404  # no URL serves the private folder


def test_type_comes_from_the_content_not_the_extension():
    complaint = ComplaintFactory()

    assert _add(complaint, "receipt.txt", png_bytes()).content_type == "image/png"
    with pytest.raises(UploadRejected, match=r"photo\.jpg was refused: this type of file"):
        _add(complaint, "photo.jpg", EXE)


@pytest.mark.parametrize("payload", [SVG, HTML], ids=["svg with script", "html with script"])
def test_markup_with_script_is_refused_whatever_its_name(payload):
    complaint = ComplaintFactory()

    with pytest.raises(UploadRejected, match=r"chat\.txt was refused: this type of file"):
        _add(complaint, "chat.txt", payload)
    assert not complaint.evidence.exists()


def test_chat_exports_and_emails_are_accepted():
    complaint = ComplaintFactory()

    chat = _add(complaint, "wechat.txt", "卖家说七天内发货\n我已付款\n".encode())
    mail = _add(complaint, "order.eml", b"From: shop@example.test\nSubject: Order\n\nShipped.")

    assert chat.content_type == "text/plain"
    assert mail.content_type == "message/rfc822"


def test_oversize_file_is_refused_naming_the_file_and_the_limit(settings):
    settings.REDRESS_EVIDENCE_MAX_FILE_BYTES = 1_000
    complaint = ComplaintFactory()

    with pytest.raises(UploadRejected, match=r"big\.txt was refused: .*larger than 0\.001 MB"):
        _add(complaint, "big.txt", b"a" * 1_001)


def test_empty_file_is_refused():
    with pytest.raises(UploadRejected, match=r"empty\.png was refused: the file is empty"):
        _add(ComplaintFactory(), "empty.png", b"")


@pytest.mark.parametrize(
    "name", ["../../etc/passwd", "..\\evil.png", "evil\x00.png", "bell\x07.txt", "gpj.\u202eexe"]
)
def test_hostile_names_are_refused(name):
    complaint = ComplaintFactory()

    with pytest.raises(UploadRejected, match="was refused: the file name"):
        _add(complaint, name, png_bytes())
    assert not complaint.evidence.exists()


def test_evidence_of_one_complaint_has_a_total_limit(settings):
    settings.REDRESS_EVIDENCE_MAX_COMPLAINT_BYTES = 1_500
    complaint = ComplaintFactory()
    _add(complaint, "first.txt", b"a" * 1_000)

    with pytest.raises(UploadRejected, match=r"second\.txt was refused: .*limited to 0\.0015 MB"):
        _add(complaint, "second.txt", b"b" * 600)
    assert _add(complaint, "third.txt", b"c" * 500).size == 500


def test_photo_location_is_removed_before_storing():
    image = Image.new("RGB", (20, 20), "red")
    exif = Image.Exif()
    exif[0x8825] = {1: "N", 2: (31.0, 14.0, 0.0), 3: "E", 4: (121.0, 28.0, 0.0)}
    out = io.BytesIO()
    image.save(out, format="JPEG", exif=exif.tobytes())

    item = _add(ComplaintFactory(), "at home.jpg", out.getvalue())

    stored = item.file.open("rb").read()
    assert item.metadata_removed
    assert 0x8825 not in Image.open(io.BytesIO(stored)).getexif()
    assert item.sha256 == hashlib.sha256(stored).hexdigest()


def test_statement_hash_is_that_of_its_utf8_text():
    complaint = ComplaintFactory()

    item = services.evidence_add_statement(
        complaint=complaint,
        text="  卖家电话里说保证正品。\r\nThen he hung up.  ",
        submitted_by=complaint.consumer,
    )

    assert item.kind == EvidenceItem.Kind.STATEMENT
    assert item.text == "卖家电话里说保证正品。\nThen he hung up."
    assert item.sha256 == hashlib.sha256(item.text.encode("utf-8")).hexdigest()


def test_empty_statement_is_refused():
    complaint = ComplaintFactory()

    with pytest.raises(ValidationError):
        services.evidence_add_statement(
            complaint=complaint, text=" \n ", submitted_by=complaint.consumer
        )


def test_draft_evidence_can_be_removed_file_and_all(django_capture_on_commit_callbacks):
    complaint = ComplaintFactory()
    item = _add(complaint, "wrong photo.png", png_bytes())
    path = Path(item.file.path)

    with django_capture_on_commit_callbacks(execute=True):
        services.evidence_remove(complaint=complaint, item_id=item.pk, consumer=complaint.consumer)

    assert not complaint.evidence.exists()
    assert not path.exists()


def test_evidence_of_a_submitted_complaint_is_never_removed():
    complaint = ComplaintFactory(submitted=True)
    item = StatementFactory(complaint=complaint)

    with pytest.raises(services.ComplaintAlreadySubmitted):
        services.evidence_remove(complaint=complaint, item_id=item.pk, consumer=complaint.consumer)
    assert EvidenceItem.objects.filter(pk=item.pk).exists()


# --- through the pages -------------------------------------------------------------------


def test_refused_file_is_named_while_the_other_files_and_the_statement_are_kept(client, consumer):
    complaint = ComplaintFactory(consumer=consumer, draft_step="evidence")
    client.force_login(consumer)

    response = client.post(
        _evidence_url(complaint),
        {
            "files": [
                SimpleUploadedFile("receipt.png", png_bytes()),
                SimpleUploadedFile("invoice.pdf", SVG),
                SimpleUploadedFile("blank.txt", b""),
            ],
            "statement": "The agent promised it was genuine.",
            "action": "continue",
        },
    )

    html = response.content.decode()
    assert response.status_code == 200
    assert "invoice.pdf was refused: this type of file is not accepted" in html
    assert "blank.txt was refused: the file is empty." in html
    labels = sorted(complaint.evidence.values_list("label", flat=True))
    assert labels == ["", "receipt.png"]  # the statement (no label) and the good file
    assert complaint.evidence.filter(text="The agent promised it was genuine.").exists()


def test_statement_too_long_stays_typed_while_files_are_kept(client, consumer, settings):
    complaint = ComplaintFactory(consumer=consumer)
    client.force_login(consumer)
    long_text = "x" * 20_001  # a statement has at most 20,000 characters

    response = client.post(
        _evidence_url(complaint),
        {"files": [SimpleUploadedFile("a.png", png_bytes())], "statement": long_text},
    )

    assert response.status_code == 200
    assert long_text in response.content.decode()
    assert list(complaint.evidence.values_list("label", flat=True)) == ["a.png"]


def test_path_in_an_uploaded_name_never_reaches_storage_or_label(client, consumer):
    complaint = ComplaintFactory(consumer=consumer)
    client.force_login(consumer)

    client.post(
        _evidence_url(complaint),
        {"files": [SimpleUploadedFile("../../etc/cron.d/x.png", png_bytes())], "action": "add"},
    )

    # Django's upload parser keeps only the last path component; storage uses a random name.
    item = complaint.evidence.get()
    assert item.label == "x.png"
    assert ".." not in item.file.name and "cron" not in item.file.name


def test_evidence_step_accepts_several_files_and_continues_to_review(client, consumer):
    complaint = ComplaintFactory(consumer=consumer, draft_step="evidence")
    client.force_login(consumer)

    response = client.post(
        _evidence_url(complaint),
        {
            "files": [
                SimpleUploadedFile("a.png", png_bytes()),
                SimpleUploadedFile("chat.txt", "你好".encode()),
            ],
            "action": "continue",
        },
    )

    assert response.url == _evidence_url(complaint, "review")
    assert complaint.evidence.count() == 2


def test_consumer_removes_a_draft_item_from_the_page(client, consumer):
    complaint = ComplaintFactory(consumer=consumer)
    item = StatementFactory(complaint=complaint)
    client.force_login(consumer)

    response = client.post(
        reverse(
            "complaints:evidence_remove",
            kwargs={"public_id": complaint.public_id, "item_id": item.pk},
        )
    )

    assert response.url == _evidence_url(complaint)
    assert not complaint.evidence.exists()


def test_removing_after_submission_is_refused_and_the_item_stays(client, consumer):
    complaint = ComplaintFactory(consumer=consumer, submitted=True)
    item = StatementFactory(complaint=complaint)
    client.force_login(consumer)

    client.post(
        reverse(
            "complaints:evidence_remove",
            kwargs={"public_id": complaint.public_id, "item_id": item.pk},
        )
    )

    assert EvidenceItem.objects.filter(pk=item.pk).exists()


def test_later_evidence_is_added_as_new_items_with_their_own_hash(client, consumer):
    complaint = ComplaintFactory(consumer=consumer, submitted=True)
    first = StatementFactory(complaint=complaint)
    client.force_login(consumer)

    response = client.post(
        reverse("complaints:evidence_add", kwargs={"public_id": complaint.public_id}),
        {
            "statement": "The parcel finally came, empty.",
            "files": [SimpleUploadedFile("box.png", png_bytes())],
        },
    )

    assert response.status_code == 302
    items = list(complaint.evidence.order_by("pk"))
    assert items[0] == first
    assert items[0].text == first.text and items[0].sha256 == first.sha256
    assert len(items) == 3
    assert len({i.sha256 for i in items}) == 3


def test_download_is_an_attachment_that_browsers_do_not_sniff(client, consumer):
    complaint = ComplaintFactory(consumer=consumer)
    data = png_bytes()
    item = _add(complaint, "parcel.png", data)
    client.force_login(consumer)

    response = client.get(
        reverse(
            "complaints:evidence_download",
            kwargs={"public_id": complaint.public_id, "item_id": item.pk},
        )
    )

    assert response.status_code == 200
    assert b"".join(response.streaming_content) == data
    assert response["Content-Disposition"].startswith("attachment;")
    assert 'filename="parcel.png"' in response["Content-Disposition"]
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Content-Type"] == "image/png"


@pytest.mark.parametrize(
    "size", [50_000, 3_000_000], ids=["kept in memory", "streamed to a temporary file"]
)
def test_the_hash_is_computed_while_the_upload_streams_in(client, consumer, monkeypatch, size):
    from core import uploads

    def read_again(uploaded):
        raise AssertionError("the file was read a second time to hash it")

    # Django's upload handlers (FILE_UPLOAD_HANDLERS) hash each chunk as it arrives, in memory
    # and when a large file goes to a temporary file alike; nothing reads the file again.
    monkeypatch.setattr(uploads, "_sha256_of", read_again)
    complaint = ComplaintFactory(consumer=consumer)
    data = ("卖家说七天内发货\n" * (size // 24 + 1)).encode()[:size]
    client.force_login(consumer)

    response = client.post(
        _evidence_url(complaint),
        {"files": [SimpleUploadedFile("chat.txt", data)], "action": "add"},
    )

    assert response.status_code == 302
    item = complaint.evidence.get()
    assert item.sha256 == hashlib.sha256(data).hexdigest()
    assert item.file.open("rb").read() == data


def test_the_browsers_claimed_type_is_ignored(client, consumer):
    complaint = ComplaintFactory(consumer=consumer)
    client.force_login(consumer)

    response = client.post(
        _evidence_url(complaint),
        {
            "files": [SimpleUploadedFile("photo.png", HTML, content_type="image/png")],
            "action": "add",
        },
    )

    assert "photo.png was refused: this type of file is not accepted" in response.content.decode()
    assert not complaint.evidence.exists()


def test_adding_nothing_to_a_submitted_complaint_says_so_and_adds_nothing(client, consumer):
    complaint = ComplaintFactory(consumer=consumer, submitted=True)
    client.force_login(consumer)

    response = client.post(
        reverse("complaints:evidence_add", kwargs={"public_id": complaint.public_id}),
        {"statement": "   "},
    )

    assert response.status_code == 200
    assert (
        "Choose at least one file, write a statement or paste the listing: nothing was added."
        in response.content.decode()
    )
    assert "Your evidence was added" not in response.content.decode()
    assert not complaint.evidence.exists()


NOTHING_ADDED = (
    "Choose at least one file, write a statement or paste the listing: nothing was added."
)


def test_adding_nothing_in_the_wizard_is_an_error_and_no_success(client, consumer):
    complaint = ComplaintFactory(consumer=consumer, draft_step="evidence")
    client.force_login(consumer)

    response = client.post(
        _evidence_url(complaint), {"action": "add", "statement": "  "}, follow=True
    )

    html = response.content.decode()
    assert response.status_code == 200
    assert response.redirect_chain == []
    assert NOTHING_ADDED in html
    assert "Your evidence was added" not in html
    assert [str(m) for m in response.context["messages"]] == []
    assert NOTHING_ADDED in response.context["form"].non_field_errors()
    assert not complaint.evidence.exists()


def test_adding_nothing_asked_as_json_is_refused_with_the_reason(client, consumer):
    complaint = ComplaintFactory(consumer=consumer, draft_step="evidence")
    client.force_login(consumer)

    response = client.post(
        _evidence_url(complaint), {"action": "add"}, headers={"Accept": "application/json"}
    )

    assert response.status_code == 400
    assert response.json() == {"added": [], "refused": [NOTHING_ADDED]}
    assert not complaint.evidence.exists()


def test_continuing_without_evidence_is_still_allowed(client, consumer):
    complaint = ComplaintFactory(consumer=consumer, draft_step="evidence")
    client.force_login(consumer)

    response = client.post(_evidence_url(complaint), {"action": "continue"})

    assert response.url == _evidence_url(complaint, "review")
