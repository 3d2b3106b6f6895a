"""Disclosure versions are append-only and hash-chained per merchant, and verification documents
are checked against their recorded SHA-256: the verification names each break; the model, the
admin and (on PostgreSQL) the database refuse edits and deletes."""

from __future__ import annotations

import itertools

import pytest
from django.contrib.auth.models import Permission
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import IntegrityError, transaction
from django.db.models.deletion import ProtectedError
from django.urls import reverse

from core import integrity
from merchants import services
from merchants.models import DisclosureVersion, Merchant
from tests.factories import MerchantFactory

from ..tampering import breaks, postgres_only, raw_delete, raw_update

pytestmark = pytest.mark.django_db


@pytest.fixture
def history(mediator, representative, merchant):
    """The merchant with three versions: created, edited by staff, an approved proposal."""
    services.merchant_update(
        merchant_id=merchant.pk, actor=mediator, data={"contact_phone": "+49 40 1234 5678"}
    )
    proposal = services.proposal_submit(
        merchant_id=merchant.pk, user=representative, data={"website": "https://shop.example"}
    )
    services.proposal_approve(proposal_id=proposal.pk, reviewer=mediator)
    merchant.refresh_from_db()
    return merchant


def _versions(merchant):
    return list(DisclosureVersion.objects.filter(merchant=merchant).order_by("number"))


def test_each_version_links_to_the_one_before_and_the_merchant_holds_the_end(history):
    chain = _versions(history)

    assert [v.source for v in chain] == ["created", "staff", "proposal"]
    assert chain[0].prev_hash == ""
    assert all(b.prev_hash == a.hash for a, b in itertools.pairwise(chain))
    assert (history.disclosure_version, history.disclosure_head) == (3, chain[-1].hash)
    assert breaks() == []


def test_an_edited_version_is_reported(history):
    second = _versions(history)[1]

    raw_update(
        DisclosureVersion, second.pk, snapshot={**second.snapshot, "contact_phone": "+1 555"}
    )

    [found] = breaks()
    assert found.check == "disclosure versions"
    assert found.subject == f"merchant {history.legal_name} (id {history.pk})"
    assert found.row == f"version 2 (id {second.pk})"
    assert "content does not match its hash" in found.problem


def test_an_edited_author_is_reported(history, superuser):
    first = _versions(history)[0]

    raw_update(DisclosureVersion, first.pk, created_by=superuser)

    [found] = breaks()
    assert found.row == f"version 1 (id {first.pk})"


def test_a_deleted_version_is_reported(history):
    second, third = _versions(history)[1:]

    raw_delete(DisclosureVersion, second.pk)

    [found] = breaks()
    assert found.row == f"version 3 (id {third.pk})"
    assert "#2 is missing before it" in found.problem


def test_the_latest_version_removed_is_reported(history):
    third = _versions(history)[-1]

    raw_delete(DisclosureVersion, third.pk)

    [found] = breaks()
    assert (found.subject, found.row) == (f"merchant {history.legal_name} (id {history.pk})", "")
    assert "records 3 rows" in found.problem and "ends at #2" in found.problem


def test_the_model_refuses_to_change_or_delete_a_version(history):
    version = _versions(history)[0]
    version.completeness = 0

    with pytest.raises(integrity.AppendOnlyViolation):
        version.save()
    with pytest.raises(integrity.AppendOnlyViolation):
        version.delete()
    with pytest.raises(integrity.AppendOnlyViolation):
        history.versions.update(completeness=0)
    with pytest.raises(integrity.AppendOnlyViolation):
        history.versions.all().delete()
    assert breaks() == []


@postgres_only
def test_postgresql_refuses_update_and_delete_whoever_asks(history):
    version = _versions(history)[0]

    with transaction.atomic(), pytest.raises(IntegrityError, match="append-only"):
        DisclosureVersion._base_manager.filter(pk=version.pk).update(completeness=0)
    with transaction.atomic(), pytest.raises(IntegrityError, match="append-only"):
        DisclosureVersion._base_manager.filter(pk=version.pk).delete()


def test_the_author_of_a_version_cannot_be_deleted(history, mediator):
    with pytest.raises(ProtectedError):
        mediator.delete()

    assert _versions(history)[1].created_by == mediator


def test_a_stale_merchant_cannot_fork_the_chain(merchant, mediator):
    stale = Merchant.objects.get(pk=merchant.pk)
    services.merchant_update(merchant_id=merchant.pk, actor=mediator, data={"registry": "A"})

    version = DisclosureVersion(merchant=stale, source="staff", snapshot={}, completeness=0)
    with transaction.atomic(), pytest.raises(integrity.ChainConflict):
        integrity.append(services.DISCLOSURE_VERSIONS, version, parent=stale)
    assert breaks() == []


# --- the admin --------------------------------------------------------------------------------


def test_the_admin_refuses_to_change_or_delete_a_version_even_for_a_superuser(
    client, superuser, history
):
    client.force_login(superuser)
    version = _versions(history)[0]
    change = reverse("admin:merchants_disclosureversion_change", args=[version.pk])

    page = client.get(change)
    assert page.status_code == 200
    assert 'name="_save"' not in page.content.decode()
    assert client.post(change, {"completeness": "0"}).status_code == 403
    delete = reverse("admin:merchants_disclosureversion_delete", args=[version.pk])
    assert client.post(delete, {"post": "yes"}).status_code == 403
    changelist = client.get(reverse("admin:merchants_disclosureversion_changelist"))
    assert "delete_selected" not in changelist.content.decode()
    bulk = client.post(
        reverse("admin:merchants_disclosureversion_changelist"),
        {"action": "delete_selected", "_selected_action": [version.pk], "post": "yes"},
    )
    assert bulk.status_code in (200, 302)
    assert DisclosureVersion.objects.count() == 3
    assert breaks() == []


def test_nobody_can_be_given_the_right_to_add_change_or_delete_versions():
    codenames = set(
        Permission.objects.filter(content_type__model="disclosureversion").values_list(
            "codename", flat=True
        )
    )

    assert codenames == {"view_disclosureversion"}


# --- verification documents -------------------------------------------------------------------


@pytest.fixture
def document(merchant, representative, pdf_bytes):
    return services.document_upload(
        merchant_id=merchant.pk,
        user=representative,
        kind="business_licence",
        uploaded=SimpleUploadedFile("licence.pdf", pdf_bytes),
    )


def test_an_altered_verification_document_is_reported(document):
    assert breaks() == []
    with document.file.storage.open(document.file.name, "wb") as handle:
        handle.write(b"%PDF-1.4 forged")

    [found] = breaks()
    assert found.check == "verification documents"
    assert found.row == f"document {document.pk} (licence.pdf)"
    assert document.sha256 in found.problem
    assert "bytes, recorded" in found.problem


def test_a_missing_verification_document_is_reported(document):
    document.file.storage.delete(document.file.name)

    [found] = breaks()
    assert f"the file {document.file.name} is missing from storage" == found.problem


def test_merchants_built_without_versions_have_an_empty_chain():
    Merchant.objects.create(legal_name="Bare Ltd", country="HK")
    MerchantFactory()

    assert breaks() == []
