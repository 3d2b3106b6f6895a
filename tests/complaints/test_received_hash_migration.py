"""The migration that adds the hash of the file as received: known where the stored copy is the
file as sent (statements, files stored as they came), left empty where GPS had been removed."""

from __future__ import annotations

import importlib

import pytest
from django.apps import apps

from complaints.models import EvidenceItem
from tests.factories import ComplaintFactory, StatementFactory

pytestmark = pytest.mark.django_db

migration = importlib.import_module("complaints.migrations.0005_evidence_received_sha256")


def test_backfill_copies_the_hash_only_where_nothing_was_removed():
    complaint = ComplaintFactory()
    statement = StatementFactory(complaint=complaint)
    common = {"complaint": complaint, "kind": "file", "submitted_by": complaint.consumer}
    kept = EvidenceItem.objects.create(sha256="a" * 64, **common)
    stripped = EvidenceItem.objects.create(sha256="b" * 64, metadata_removed=True, **common)
    EvidenceItem.objects.update(received_sha256="")

    migration.backfill(apps, None)

    assert EvidenceItem.objects.get(pk=kept.pk).received_sha256 == "a" * 64
    assert EvidenceItem.objects.get(pk=statement.pk).received_sha256 == statement.sha256
    assert EvidenceItem.objects.get(pk=stripped.pk).received_sha256 == ""
