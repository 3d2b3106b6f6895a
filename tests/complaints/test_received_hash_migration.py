"""The migration that adds the hash of the file as received: known where the stored copy is the
file as sent (statements, files stored as they came), left empty where GPS had been removed."""

from __future__ import annotations

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

pytestmark = pytest.mark.django_db(transaction=True)

BEFORE = [("complaints", "0004_flood_hold_and_pseudonymisation")]
AFTER = [("complaints", "0005_evidence_received_sha256")]


def test_backfill_copies_the_hash_only_where_nothing_was_removed(consumer):
    executor = MigrationExecutor(connection)
    executor.migrate(BEFORE)
    old = executor.loader.project_state(BEFORE).apps
    Complaint = old.get_model("complaints", "Complaint")
    EvidenceItem = old.get_model("complaints", "EvidenceItem")
    complaint = Complaint.objects.create(consumer_id=consumer.pk)
    kept = EvidenceItem.objects.create(
        complaint=complaint, kind="file", sha256="a" * 64, submitted_by_id=consumer.pk
    )
    stripped = EvidenceItem.objects.create(
        complaint=complaint,
        kind="file",
        sha256="b" * 64,
        metadata_removed=True,
        submitted_by_id=consumer.pk,
    )

    executor = MigrationExecutor(connection)
    executor.migrate(AFTER)
    new = executor.loader.project_state(AFTER).apps.get_model("complaints", "EvidenceItem")

    assert new.objects.get(pk=kept.pk).received_sha256 == "a" * 64
    assert new.objects.get(pk=stripped.pk).received_sha256 == ""
    executor = MigrationExecutor(connection)
    executor.migrate(executor.loader.graph.leaf_nodes())
