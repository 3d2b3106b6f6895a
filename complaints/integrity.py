"""Evidence's tamper evidence: every stored file (and every written statement) against the
SHA-256 recorded when it arrived, as ``manage.py verify_integrity`` checks it."""

from __future__ import annotations

import hashlib

from core import integrity


def _subject(item) -> str:
    return f"complaint {item.complaint.reference or '(draft)'} (id {item.complaint_id})"


@integrity.register("evidence")
def verify_evidence(report: integrity.Report, *, files: bool, jobs: int) -> None:
    from .models import EvidenceItem

    # Evidence erased for privacy (erasure, retention) has no text or file left to check; its
    # hash and size stay on the row, and the case's timeline records the pseudonymisation.
    erased = EvidenceItem.objects.filter(erased_at__isnull=False).count()
    if erased:
        report.count("evidence", erased=erased)
    items = (
        EvidenceItem.objects.filter(erased_at__isnull=True)
        .select_related("complaint")
        .only("pk", "kind", "file", "text", "sha256", "size", "label", "complaint__reference")
        .order_by("pk")
    )
    # Statements are hashed from the database; files from storage (skipped with files=False).
    for item in items.filter(kind__in=EvidenceItem.TEXT_KINDS).iterator(
        chunk_size=integrity.ROW_CHUNK
    ):
        report.count("evidence", statements=1)
        computed = hashlib.sha256(item.text.encode()).hexdigest()
        if computed != item.sha256:
            report.add(
                integrity.Break(
                    "evidence",
                    _subject(item),
                    f"statement {item.pk}",
                    f"its text hashes to {computed}, recorded {item.sha256}: it was changed",
                )
            )
    if not files:
        return
    integrity.verify_files(
        "evidence",
        (
            integrity.StoredFile(
                subject=_subject(item),
                row=f"evidence {item.pk} ({item.label})",
                file=item.file,
                sha256=item.sha256,
                size=item.size,
            )
            for item in items.exclude(kind__in=EvidenceItem.TEXT_KINDS).iterator(
                chunk_size=integrity.ROW_CHUNK
            )
        ),
        report,
        jobs=jobs,
    )
