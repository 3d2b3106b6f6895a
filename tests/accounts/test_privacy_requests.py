"""The audit trail of privacy requests: written by the services, read-only in the admin."""

from __future__ import annotations

import pytest
from django.db import IntegrityError, transaction
from django.urls import reverse

from accounts import services
from accounts.models import PrivacyRequest

pytestmark = pytest.mark.django_db


def test_one_erasure_in_progress_per_account(consumer):
    first, created = services.privacy_erasure_open(user=consumer)
    again, created_again = services.privacy_erasure_open(user=consumer)

    assert created and not created_again
    assert again.pk == first.pk
    with pytest.raises(IntegrityError), transaction.atomic():
        PrivacyRequest.objects.create(
            user=consumer, kind="erasure", state="pending", requested_at=first.requested_at
        )


def test_a_refused_erasure_does_not_block_a_later_request(consumer):
    services.privacy_erasure_refuse(user=consumer, detail={"open_complaints": ["RD-2026-000001"]})

    request, created = services.privacy_erasure_open(user=consumer)

    assert created and request.state == PrivacyRequest.State.PENDING


def test_staff_read_the_trail_and_cannot_change_or_delete_it(client, superuser, consumer):
    row = services.privacy_export_record(user=consumer, detail={"complaints": 0})
    client.force_login(superuser)

    listing = client.get(reverse("admin:accounts_privacyrequest_changelist"))
    change = client.post(
        reverse("admin:accounts_privacyrequest_change", args=[row.pk]), {"state": "refused"}
    )
    delete = client.post(reverse("admin:accounts_privacyrequest_delete", args=[row.pk]))

    assert listing.status_code == 200
    assert consumer.email in listing.content.decode()
    assert change.status_code == 403
    assert delete.status_code == 403
    row.refresh_from_db()
    assert row.state == PrivacyRequest.State.DONE
