"""Merchants' tamper evidence: the disclosure history's hash chain (one chain per merchant) and
the verification documents' recorded SHA-256, as ``manage.py verify_integrity`` checks them."""

from __future__ import annotations

from core import integrity

DISCLOSURE_VERSIONS = integrity.register_chain(
    integrity.Chain(
        slug="disclosure-versions",
        name="disclosure versions",
        kind="merchants.disclosureversion/1",
        model="merchants.DisclosureVersion",
        parent="merchant",
        position="number",
        counter="disclosure_version",
        head="disclosure_head",
        fields=(
            "merchant",
            "number",
            "source",
            "created_at",
            "created_by",
            "snapshot",
            "changes",
            "completeness",
            "proposal",
        ),
        parent_fields=("legal_name",),
        describe_parent=lambda pk, name: f"merchant {name} (id {pk})",
        describe_row=lambda row: f"version {row['number']} (id {row['pk']})",
    )
)


@integrity.register("verification-documents")
def verify_documents(report: integrity.Report, *, files: bool, jobs: int) -> None:
    if not files:
        return
    from .models import VerificationDocument

    documents = (
        VerificationDocument.objects.select_related("merchant")
        .only("pk", "file", "sha256", "size", "label", "merchant__legal_name")
        .order_by("pk")
        .iterator(chunk_size=integrity.ROW_CHUNK)
    )
    integrity.verify_files(
        "verification documents",
        (
            integrity.StoredFile(
                subject=f"merchant {d.merchant.legal_name} (id {d.merchant_id})",
                row=f"document {d.pk} ({d.label})",
                file=d.file,
                sha256=d.sha256,
                size=d.size,
            )
            for d in documents
        ),
        report,
        jobs=jobs,
    )
