"""The signed PDF dossier: Ed25519 against the RFC 8032 test vector, the PDF's text (Chinese
included), verification of an authentic copy, a tampered copy, a wrong hash and a rotated key
(issue 15 part 4)."""

from __future__ import annotations

import base64
import hashlib
import io
import json
import uuid

import pytest
from django.test import override_settings
from pypdf import PdfReader

from core import signatures
from odr.models import CaseState
from referrals import dossiers
from tests.odr.builders import build

pytestmark = pytest.mark.django_db


def _flip_one_byte(content: bytes) -> bytes:
    """The PDF with one bit of one byte in its middle changed (its text is compressed, so a
    search-and-replace of visible text would find nothing)."""
    middle = len(content) // 2
    return content[:middle] + bytes([content[middle] ^ 0x01]) + content[middle + 1 :]


# RFC 8032, section 7.1, TEST 1: the secret key, its public key and the signature of the empty
# message.
RFC8032_SECRET = bytes.fromhex("9d61b19deffd5a60ba844af492ec2cc44449c5697b326919703bac031cae7f60")
RFC8032_PUBLIC = bytes.fromhex("d75a980182b10ab7d54bfed3c964073a0ee172f3daa62325af021a68f707511a")
RFC8032_SIGNATURE = bytes.fromhex(
    "e5564300c360ac729086e2cc806e828a84877f1eb8e5d974d873e065224901555fb8821590a33bacc61e39701cf9b46bd25bf5f0595bbe24655141438e7a100b"
)
RFC8032_KEY = base64.b64encode(RFC8032_SECRET).decode()
# A second key, for rotation: RFC 8032 TEST 2's secret key.
SECOND_SECRET = bytes.fromhex("4ccd089b28ff96da9db6c346ec114e0f5b8a319f35aba624da8cf6ed4fb8a6fb")
SECOND_KEY = base64.b64encode(SECOND_SECRET).decode()


def _pdf_text(content: bytes) -> str:
    return "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(content)).pages)


@pytest.fixture
def referred(mediator):
    return build(CaseState.REFERRED, mediator)


@override_settings(REDRESS_SIGNING_KEY=RFC8032_KEY)
def test_signatures_match_the_rfc_8032_test_vector():
    signature = signatures.sign(b"")

    assert base64.b64decode(signature.value) == RFC8032_SIGNATURE
    assert signature.key_id == hashlib.sha256(RFC8032_PUBLIC).hexdigest()[:16]
    assert signatures.verify(b"", signature.value, signature.key_id)
    assert not signatures.verify(b"x", signature.value, signature.key_id)


@pytest.mark.parametrize("garbage", ["", "not base64!", "AAAA", "=" * 90, "\x00" * 10])
def test_a_malformed_signature_is_simply_not_valid(garbage):
    kid = signatures.keyring().signing_id

    assert signatures.verify(b"data", garbage, kid) is False
    assert signatures.verify(b"data", garbage, "no-such-key") is False


def test_the_embedded_default_makes_a_key_once_and_keeps_it(tmp_path):
    with override_settings(REDRESS_SIGNING_KEY="", VAR_DIR=tmp_path):
        first = signatures.keyring().signing_id
        key_file = tmp_path / "signing" / "ed25519.key"
        assert key_file.exists()
        assert key_file.stat().st_mode & 0o777 == 0o600
    signatures._keyring.cache_clear()
    with override_settings(REDRESS_SIGNING_KEY="", VAR_DIR=tmp_path):
        assert signatures.keyring().signing_id == first


def test_the_pdf_carries_the_parties_claim_evidence_timeline_and_seal(referred):
    referred.case.complaint.description = "The parcel never arrived."
    referred.case.complaint.save()

    dossier = dossiers.dossier_issue(case=referred.case, issued_by=referred.mediator)
    content = dossier.pdf.read()
    text = _pdf_text(content)

    assert content.startswith(b"%PDF-")
    assert hashlib.sha256(content).hexdigest() == dossier.pdf_sha256
    assert referred.case.complaint.reference in text
    assert "The parcel never arrived." in text
    assert referred.merchant.legal_name in text
    assert str(dossier.uid) in text
    assert dossier.sha256 in text.replace("\n", "")
    # The timeline's chain hashes and the merchant's offer
    first_event = referred.case.events.order_by("seq").first()
    assert first_event.hash in text.replace("\n", "")
    assert "100.00 EUR" in text


def test_a_dossier_in_chinese_prints_chinese(mediator):
    w = build(CaseState.REFERRED, mediator, language="zh-hans")
    w.case.complaint.description = "包裹一直没有送到。卖家不回复。"
    w.case.complaint.save()

    dossier = dossiers.dossier_issue(case=w.case)
    text = _pdf_text(dossier.pdf.read())

    assert dossier.language == "zh-hans"
    assert "包裹一直没有送到。卖家不回复。" in text
    assert "案件" in text  # the headings are Chinese too


def test_what_is_signed_is_the_canonical_json_of_the_dossier(referred):
    dossier = dossiers.dossier_issue(case=referred.case)
    document = json.loads(dossier.canonical_json)
    canonical = dossier.canonical_json.encode()

    assert document["dossier"] == str(dossier.uid)
    assert document["issuer"] == "Redress"
    assert document["key_id"] == dossier.key_id
    assert document["case"]["reference"] == referred.case.complaint.reference
    # RFC 8785: sorted keys, no spaces
    assert (
        canonical
        == json.dumps(document, sort_keys=True, separators=(",", ":"), ensure_ascii=False).encode()
    )
    assert hashlib.sha256(canonical).hexdigest() == dossier.sha256
    assert signatures.verify(canonical, dossier.signature, dossier.key_id)


def test_an_issued_dossier_verifies_by_number_and_hash_and_by_its_pdf(referred):
    dossier = dossiers.dossier_issue(case=referred.case)

    by_hash = dossiers.verify(number=dossier.uid, sha256=dossier.sha256.upper())
    with_signature = dossiers.verify(
        number=dossier.uid, sha256=dossier.sha256, signature=dossier.signature
    )
    by_pdf = dossiers.verify_pdf(dossier.pdf.read())

    assert (by_hash.authentic, with_signature.authentic, by_pdf.authentic) == (True, True, True)
    assert by_pdf.dossier == dossier


def test_a_tampered_pdf_or_a_wrong_hash_is_not_authentic(referred):
    dossier = dossiers.dossier_issue(case=referred.case)
    content = dossier.pdf.read()
    tampered = _flip_one_byte(content)
    assert tampered != content

    assert dossiers.verify_pdf(tampered).authentic is False
    assert dossiers.verify_pdf(b"").authentic is False
    assert dossiers.verify(number=dossier.uid, sha256="0" * 64).reason == "hash_mismatch"
    assert dossiers.verify(number=uuid.uuid4(), sha256=dossier.sha256).reason == "unknown"
    assert (
        dossiers.verify(number=dossier.uid, sha256=dossier.sha256, signature="AAAA").reason
        == "signature_mismatch"
    )


def test_a_dossier_whose_stored_text_was_changed_fails_its_signature(referred):
    dossier = dossiers.dossier_issue(case=referred.case)
    changed = dossier.canonical_json.replace("100.00", "900.00")
    type(dossier).objects.filter(pk=dossier.pk).update(
        canonical_json=changed, sha256=hashlib.sha256(changed.encode()).hexdigest()
    )
    dossier.refresh_from_db()

    assert dossiers.verify(number=dossier.uid, sha256=dossier.sha256).reason == "bad_signature"


def test_after_a_key_rotation_old_dossiers_verify_while_the_old_key_is_listed(referred):
    with override_settings(REDRESS_SIGNING_KEY=RFC8032_KEY):
        old = dossiers.dossier_issue(case=referred.case)
    old_public = base64.b64encode(RFC8032_PUBLIC).decode()

    with override_settings(
        REDRESS_SIGNING_KEY=SECOND_KEY, REDRESS_SIGNING_OLD_PUBLIC_KEYS=[old_public]
    ):
        new = dossiers.dossier_issue(case=referred.case)
        assert new.key_id != old.key_id
        assert dossiers.verify(number=old.uid, sha256=old.sha256).authentic
        assert dossiers.verify(number=new.uid, sha256=new.sha256).authentic
        assert [kid for kid, _ in signatures.public_keys()] == [new.key_id, old.key_id]

    with override_settings(REDRESS_SIGNING_KEY=SECOND_KEY, REDRESS_SIGNING_OLD_PUBLIC_KEYS=[]):
        assert dossiers.verify(number=old.uid, sha256=old.sha256).reason == "bad_signature"


def test_erasing_removes_the_text_and_pdf_and_keeps_the_seal(referred):
    dossier = dossiers.dossier_issue(case=referred.case)
    content = dossier.pdf.read()

    dossiers.erase(dossier)
    dossier.refresh_from_db()

    assert (dossier.canonical_json, dossier.pdf.name) == ("", "")
    result = dossiers.verify_pdf(content)
    assert result.authentic and result.erased


def test_rendering_a_dossier_leaves_damaged_images_refused(referred):
    from PIL import ImageFile

    dossiers.dossier_issue(case=referred.case)

    # WeasyPrint turns this on when imported; the evidence checks need it off.
    assert ImageFile.LOAD_TRUNCATED_IMAGES is False
