"""A backup taken with ``manage.py backup`` restores into a fresh database and an empty private
folder, where ``manage.py restore`` verifies every hash chain and every evidence hash with the
same code as ``verify_integrity``; a damaged or misplaced restore is refused.

In CI (PostgreSQL) the dump is pg_dump's and the restore pg_restore's, into a throwaway database
made for the test and dropped after it. On SQLite (outside CI) the same test runs with SQLite's
backup API and a new database file.
"""

from __future__ import annotations

import os
import subprocess
import sys
import uuid
from pathlib import Path

import pytest
from django.conf import settings
from django.core.files.storage import storages
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connection

from complaints import services as complaints
from complaints.models import EvidenceItem
from merchants import services as merchants
from merchants.models import VerificationDocument
from odr.models import CaseEvent, CaseState

from ..complaints.conftest import png_bytes
from ..merchants.conftest import PDF_BYTES
from ..odr.builders import build

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def private_root(monkeypatch):
    """Evidence and documents stored in this test's own private folder (the one backed up)."""
    storage = storages["private"]
    for model in (EvidenceItem, VerificationDocument):
        monkeypatch.setattr(model._meta.get_field("file"), "storage", storage)
    return Path(storage.location)


@pytest.fixture
def target(tmp_path):
    """A throwaway database to restore into: its DATABASE_URL, dropped after the test."""
    if os.environ.get("CI"):
        assert connection.vendor == "postgresql", "CI must run the backup test on PostgreSQL"
    if connection.vendor != "postgresql":
        yield f"sqlite:///{tmp_path / 'restored.sqlite3'}"
        return
    name = f"redress_restore_{uuid.uuid4().hex[:12]}"
    with connection.cursor() as cursor:
        cursor.execute(f'CREATE DATABASE "{name}"')
    db = connection.settings_dict
    credentials = db["USER"] + (f":{db['PASSWORD']}" if db["PASSWORD"] else "")
    try:
        yield f"postgres://{credentials}@{db['HOST']}:{db['PORT'] or 5432}/{name}"
    finally:
        with connection.cursor() as cursor:
            cursor.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def _manage(*args: str, database_url: str, private: Path) -> subprocess.CompletedProcess:
    """A manage.py command in a new process, as an operator runs it on the restored copy."""
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "config.settings.test",
        "DATABASE_URL": database_url,
        "TEST_PRIVATE_STORAGE_ROOT": str(private),
    }
    return subprocess.run(  # noqa: S603
        [sys.executable, "manage.py", *args],
        cwd=settings.BASE_DIR,
        env=env,
        capture_output=True,
        text=True,
        timeout=600,
        check=False,
    )


def _some_of_everything(mediator):
    """A case with its timeline, merchants with histories, a photo, a statement, a licence."""
    w = build(CaseState.MEDIATION, mediator)
    complaint = w.case.complaint
    photo = complaints.evidence_add_file(
        complaint=complaint,
        upload=SimpleUploadedFile("parcel.png", png_bytes()),
        submitted_by=complaint.consumer,
    )
    complaints.evidence_add_statement(
        complaint=complaint, text="It never arrived. 没有收到。", submitted_by=complaint.consumer
    )
    merchants.merchant_update(
        merchant_id=w.merchant.pk, actor=mediator, data={"contact_phone": "+49 40 9999 0000"}
    )
    document = merchants.document_upload(
        merchant_id=w.merchant.pk,
        user=w.rep,
        kind="business_licence",
        uploaded=SimpleUploadedFile("licence.pdf", PDF_BYTES),
    )
    return w, photo, document


def test_a_restored_backup_verifies_every_chain_and_evidence_hash(
    mediator, private_root, target, tmp_path, capsys
):
    w, photo, document = _some_of_everything(mediator)
    events = CaseEvent.objects.filter(case=w.case).count()
    backup = tmp_path / "backup"

    call_command("backup", str(backup))

    assert "Backed up the" in capsys.readouterr().out
    assert (backup / "manifest.json").exists()
    assert (backup / "private" / photo.file.name).read_bytes() == png_bytes()
    restored_private = tmp_path / "restored-private"
    restored = _manage("restore", str(backup), database_url=target, private=restored_private)
    assert restored.returncode == 0, restored.stderr
    assert "Integrity verified." in restored.stdout
    assert f"case events: 1 chains, {events} rows" in restored.stdout
    assert "evidence: 1 statements, 1 files" in restored.stdout
    assert "verification documents: 1 files" in restored.stdout
    assert (restored_private / photo.file.name).read_bytes() == png_bytes()

    # The check is real there too: change one restored file and lose another.
    (restored_private / photo.file.name).write_bytes(png_bytes(color="red"))
    (restored_private / document.file.name).unlink()
    broken = _manage("verify_integrity", database_url=target, private=restored_private)
    assert broken.returncode == 1
    assert f"evidence {photo.pk} (parcel.png): the file {photo.file.name} differs" in broken.stderr
    assert f"the file {document.file.name} is missing from storage" in broken.stderr


def test_a_damaged_backup_or_a_database_in_use_is_refused(mediator, private_root, tmp_path):
    _some_of_everything(mediator)
    backup = tmp_path / "backup"
    call_command("backup", str(backup))

    # The configured database (this test's) is in use: restore never writes over data.
    for folder in private_root.iterdir():
        folder.rename(tmp_path / folder.name)
    with pytest.raises(CommandError, match=r"not empty|in memory"):
        call_command("restore", str(backup), "--no-verify")

    dump = next(backup.glob("database.*"))
    damaged = bytearray(dump.read_bytes())
    damaged[len(damaged) // 2] ^= 0xFF
    dump.write_bytes(bytes(damaged))
    with pytest.raises(CommandError, match="damaged"):
        call_command("restore", str(backup))
    with pytest.raises(CommandError, match="not empty"):
        call_command("backup", str(backup))
