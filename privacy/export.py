"""The consumer's data export: one zip with ``data.json`` (the account, every complaint with its
respondents, evidence, case, timeline, messages, offers, settlement and rating, and the
notifications) and the evidence files, streamed piece by piece.

Nothing is built whole in memory: the JSON is written one complaint at a time and each file is
copied in chunks, and the zip writer hands on what it wrote after every piece (zipfile writes to
a stream it cannot seek by adding a data descriptor after each entry).
"""

from __future__ import annotations

import json
import logging
import zipfile
from collections.abc import Iterable, Iterator

from django.core.serializers.json import DjangoJSONEncoder
from django.utils import timezone
from django.utils.text import get_valid_filename

from accounts.models import PrivacyRequest
from complaints.models import Complaint, EvidenceItem
from odr.dossier import case_dossier, complaint_data, evidence_data, iso_time, respondents_data
from odr.models import Case, CaseRating, Notification

logger = logging.getLogger(__name__)

FORMAT_VERSION = 1
# Rows read from the database at a time, for the long lists (notifications).
CHUNK_ROWS = 500
# Bytes of an evidence file read at a time.
CHUNK_BYTES = 64 * 1024
# The dossier's parts that the export gives once, per complaint, instead of inside each case.
_DOSSIER_PARTS_GIVEN_ELSEWHERE = ("complaint", "respondents", "evidence", "consumer")


class _Sink:
    """A write-only stream: collects what the zip writer writes until it is taken."""

    def __init__(self) -> None:
        self._parts: list[bytes] = []

    def write(self, data) -> int:
        self._parts.append(bytes(data))
        return len(data)

    def flush(self) -> None:
        pass

    def take(self) -> bytes:
        data, self._parts = b"".join(self._parts), []
        return data


def _dumps(value) -> str:
    return json.dumps(value, cls=DjangoJSONEncoder, ensure_ascii=False, indent=1)


def _complaints(user) -> Iterable[Complaint]:
    return (
        Complaint.objects.filter(consumer=user)
        .select_related("case", "case__mediator", "consumer")
        .order_by("created_at", "pk")
        .iterator(chunk_size=50)
    )


def evidence_path(complaint: Complaint, item: EvidenceItem) -> str:
    folder = complaint.reference or f"draft-{complaint.public_id}"
    return f"evidence/{folder}/{item.pk}-{get_valid_filename(item.label) or 'file'}"


def _case_of(complaint: Complaint) -> Case | None:
    try:
        return complaint.case
    except Case.DoesNotExist:
        return None


def _complaint_record(complaint: Complaint) -> dict:
    evidence = evidence_data(complaint)
    files = {
        item.pk: evidence_path(complaint, item)
        for item in EvidenceItem.objects.filter(complaint=complaint, kind=EvidenceItem.Kind.FILE)
        .exclude(file="")
        .filter(erased_at__isnull=True)
    }
    for entry in evidence:
        entry["file_in_export"] = files.get(entry["id"])
    case = _case_of(complaint)
    case_data = None
    rating = None
    if case is not None:
        case_data = case_dossier(case)
        for part in _DOSSIER_PARTS_GIVEN_ELSEWHERE:
            case_data.pop(part, None)
        found = CaseRating.objects.filter(case=case).first()
        if found is not None:
            rating = {
                "score": found.score,
                "comment": found.comment,
                "rated_at": iso_time(found.created_at),
            }
    return {
        "public_id": str(complaint.public_id),
        "reference": complaint.reference,
        "status": complaint.status,
        "created_at": iso_time(complaint.created_at),
        "held_for_screening": complaint.held_reason or None,
        "pseudonymised_at": iso_time(complaint.pseudonymised_at),
        "complaint": complaint_data(complaint),
        "respondents": respondents_data(complaint),
        "evidence": evidence,
        "case": case_data,
        "rating": rating,
    }


def _account(user) -> dict:
    return {
        "email": user.email,
        "full_name": user.full_name,
        "role": user.role,
        "preferred_language": user.preferred_language,
        "date_joined": iso_time(user.date_joined),
        "last_login": iso_time(user.last_login),
        "email_verified_at": iso_time(user.email_verified_at),
        "privacy_requests": [
            {
                "kind": r.kind,
                "state": r.state,
                "requested_at": iso_time(r.requested_at),
                "completed_at": iso_time(r.completed_at),
            }
            for r in PrivacyRequest.objects.filter(user=user).order_by("requested_at", "pk")
        ],
    }


def _notification(n: Notification) -> dict:
    return {
        "kind": n.kind,
        "text": n.text,
        "case": n.case.complaint.reference if n.case_id else None,
        "created_at": iso_time(n.created_at),
        "read_at": iso_time(n.read_at),
    }


def data_json_pieces(user) -> Iterator[str]:
    """``data.json`` as a sequence of strings, one complaint (or a few hundred notifications)
    at a time."""
    yield "{\n"
    yield f'"format_version": {FORMAT_VERSION},\n'
    yield f'"generated_at": {_dumps(iso_time(timezone.now()))},\n'
    yield f'"account": {_dumps(_account(user))},\n'
    yield '"complaints": [\n'
    for index, complaint in enumerate(_complaints(user)):
        yield (",\n" if index else "") + _dumps(_complaint_record(complaint))
    yield '\n],\n"notifications": [\n'
    notifications = (
        Notification.objects.filter(user=user)
        .select_related("case__complaint")
        .order_by("created_at", "pk")
        .iterator(chunk_size=CHUNK_ROWS)
    )
    for index, notification in enumerate(notifications):
        yield (",\n" if index else "") + _dumps(_notification(notification))
    yield "\n]\n}\n"


def _evidence_files(user) -> Iterable[tuple[str, EvidenceItem]]:
    items = (
        EvidenceItem.objects.filter(
            complaint__consumer=user, kind=EvidenceItem.Kind.FILE, erased_at__isnull=True
        )
        .exclude(file="")
        .select_related("complaint")
        .order_by("complaint_id", "pk")
        .iterator(chunk_size=CHUNK_ROWS)
    )
    for item in items:
        yield evidence_path(item.complaint, item), item


def export_stats(user) -> dict:
    """What an export holds, in counts (for the audit trail)."""
    return {
        "complaints": Complaint.objects.filter(consumer=user).count(),
        "evidence_files": EvidenceItem.objects.filter(
            complaint__consumer=user, kind=EvidenceItem.Kind.FILE, erased_at__isnull=True
        )
        .exclude(file="")
        .count(),
    }


def export_zip(user) -> Iterator[bytes]:
    """The export as chunks of a zip file, for a streaming response."""
    sink = _Sink()
    with zipfile.ZipFile(sink, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        with archive.open("data.json", "w") as entry:
            for piece in data_json_pieces(user):
                entry.write(piece.encode("utf-8"))
                if chunk := sink.take():
                    yield chunk
        missing = []
        for path, item in _evidence_files(user):
            try:
                source = item.file.open("rb")
            except FileNotFoundError:
                # Listed in data.json but gone from storage (a restore without files, say): the
                # export still completes and says which ones it could not include.
                logger.warning("Export for user %s: evidence %s missing", user.pk, item.pk)
                missing.append(path)
                continue
            with source, archive.open(path, "w") as entry:
                for block in source.chunks(CHUNK_BYTES):
                    entry.write(block)
                    if chunk := sink.take():
                        yield chunk
        if missing:
            archive.writestr("missing_files.txt", "\n".join(missing) + "\n")
    yield sink.take()
