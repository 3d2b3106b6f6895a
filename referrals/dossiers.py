"""The signed dossier: the case dossier (odr.dossier) issued as one canonical JSON text, signed
with Redress's Ed25519 key (core.signatures) and rendered to PDF with WeasyPrint, and the
verification of a copy someone shows us (docs/referrals.md).

What is signed is the RFC 8785 canonical JSON of ``{"dossier": <number>, "issued_at": ...,
"issuer": "Redress", "key_id": ..., "case": <the case dossier>}``; its SHA-256 and the signature
are printed on every page of the PDF with the address of the verification page.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass

from django.conf import settings
from django.core.files.base import ContentFile
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation

from core import signatures
from core.integrity import jcs
from odr.dossier import case_dossier, iso_time

from .models import SignedDossier

ISSUER = "Redress"


def _no_fetching(url: str, *args, **kwargs):
    # The PDF is made from our own template and fonts installed on the machine: nothing a
    # consumer typed may make the renderer fetch an address.
    raise ValueError(f"the dossier fetches nothing ({url!r})")


def verification_url(dossier: SignedDossier) -> str:
    with translation.override(dossier.language):
        path = reverse("referrals:verify")
    return f"{settings.SITE_URL}{path}?number={dossier.uid}&sha256={dossier.sha256}"


def _weasyprint_html():
    from PIL import ImageFile

    # Importing WeasyPrint turns Pillow's LOAD_TRUNCATED_IMAGES on for the whole process; the
    # dossier has no images, and the evidence checks need damaged images refused.
    before = ImageFile.LOAD_TRUNCATED_IMAGES
    from weasyprint import HTML

    ImageFile.LOAD_TRUNCATED_IMAGES = before
    return HTML


def render_pdf(dossier: SignedDossier, document: dict) -> bytes:
    HTML = _weasyprint_html()

    with translation.override(dossier.language):
        html = render_to_string(
            "referrals/dossier_pdf.html",
            {
                "d": document["case"],
                "signed": dossier,
                "verify_url": verification_url(dossier),
                "issued_at": document["issued_at"],
            },
        )
    return HTML(string=html, url_fetcher=_no_fetching).write_pdf()


def dossier_issue(*, case, issued_by=None, language: str | None = None) -> SignedDossier:
    """Issue a signed dossier of ``case`` now, in ``language`` (default: the complaint's)."""
    language = language or case.complaint.language or settings.LANGUAGE_CODE
    dossier = SignedDossier(case=case, issued_by=issued_by, language=language)
    ring_id = signatures.keyring().signing_id
    with translation.override(language):
        data = case_dossier(case)
    document = {
        "dossier": str(dossier.uid),
        "issued_at": iso_time(dossier.issued_at),
        "issuer": ISSUER,
        "key_id": ring_id,
        "case": json.loads(json.dumps(data, default=str)),
    }
    canonical = jcs(document)
    signature = signatures.sign(canonical)
    dossier.canonical_json = canonical.decode()
    dossier.sha256 = hashlib.sha256(canonical).hexdigest()
    dossier.key_id = signature.key_id
    dossier.signature = signature.value
    pdf = render_pdf(dossier, document)
    dossier.pdf_sha256 = hashlib.sha256(pdf).hexdigest()
    dossier.pdf.save(f"{dossier.uid.hex}.pdf", ContentFile(pdf), save=False)
    dossier.save()
    return dossier


@dataclass(frozen=True)
class Verification:
    authentic: bool
    dossier: SignedDossier | None = None
    # Why it is not authentic (a code): unknown, hash_mismatch, signature_mismatch, bad_signature
    reason: str = ""

    @property
    def erased(self) -> bool:
        return bool(self.dossier and self.dossier.erased_at)


def _signature_holds(dossier: SignedDossier) -> bool:
    if dossier.erased_at:
        # The text is gone with the consumer's data; its hash and signature were checked when
        # it was issued and are kept unchanged.
        return True
    canonical = dossier.canonical_json.encode()
    return hashlib.sha256(canonical).hexdigest() == dossier.sha256 and signatures.verify(
        canonical, dossier.signature, dossier.key_id
    )


def verify(*, number, sha256: str, signature: str = "") -> Verification:
    """Whether dossier ``number`` with this SHA-256 (and signature, when given) is one Redress
    issued and is unchanged."""
    dossier = SignedDossier.objects.select_related("case__complaint").filter(uid=number).first()
    if dossier is None:
        return Verification(False, reason="unknown")
    if sha256.strip().lower() != dossier.sha256:
        return Verification(False, reason="hash_mismatch")
    if signature and signature.strip() != dossier.signature:
        return Verification(False, reason="signature_mismatch")
    if not _signature_holds(dossier):
        return Verification(False, reason="bad_signature")
    return Verification(True, dossier)


def verify_pdf(content: bytes) -> Verification:
    """Whether this file is, byte for byte, a dossier PDF Redress issued."""
    return verify_pdf_digest(hashlib.sha256(content).hexdigest())


def verify_pdf_digest(digest: str) -> Verification:
    """Whether a file with this SHA-256 (hex) is a dossier PDF Redress issued."""
    dossier = (
        SignedDossier.objects.select_related("case__complaint").filter(pdf_sha256=digest).first()
    )
    if dossier is None:
        return Verification(False, reason="unknown")
    if not _signature_holds(dossier):
        return Verification(False, reason="bad_signature")
    return Verification(True, dossier)


def erase(dossier: SignedDossier) -> None:
    """Remove the text and the PDF (the consumer's personal data); the hashes and signature stay."""
    if dossier.pdf:
        dossier.pdf.delete(save=False)
    SignedDossier.objects.filter(pk=dossier.pk).update(
        canonical_json="", pdf="", erased_at=timezone.now()
    )
