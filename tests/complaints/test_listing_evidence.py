""" "The listing as I saw it": the consumer pastes the product page's link and text; it is kept
as a statement, hashed from its text (SHA-256 of the UTF-8 bytes), with the time it was added,
and the integrity check watches it like any statement."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
import time_machine
from django.urls import reverse

from complaints import services
from complaints.models import EvidenceItem
from tests.factories import ComplaintFactory

from ..tampering import breaks, raw_update

pytestmark = pytest.mark.django_db

LISTING = "Genuine leather handbag — 100% authentic, 30-day returns. ¥1,299"
# The stored text: the link, a blank line, then the text as pasted.
STORED = "https://mall.example.test/item/42\n\n" + LISTING
# A fixed vector: sha256 of STORED's UTF-8 bytes, computed once outside Redress.
STORED_SHA256 = "327d1d3617f3cfd050497dccd32e6ec76f09355e16e4309e86b073d23b8b7399"


def _evidence_url(complaint):
    return reverse("complaints:edit", kwargs={"public_id": complaint.public_id, "step": "evidence"})


@time_machine.travel(datetime(2026, 12, 4, 9, 30, tzinfo=UTC), tick=False)
def test_the_listing_is_kept_with_its_link_time_and_hash(client, consumer):
    complaint = ComplaintFactory(consumer=consumer)
    client.force_login(consumer)

    response = client.post(
        _evidence_url(complaint),
        {"listing_url": "mall.example.test/item/42", "listing_text": f"  {LISTING}\r\n"},
    )

    assert response.status_code == 302
    item = complaint.evidence.get()
    assert item.kind == EvidenceItem.Kind.LISTING
    assert item.text == STORED
    assert item.sha256 == item.received_sha256 == STORED_SHA256
    assert item.size == len(STORED.encode("utf-8"))
    assert item.submitted_at == datetime(2026, 12, 4, 9, 30, tzinfo=UTC)
    page = client.get(_evidence_url(complaint)).content.decode()
    assert "The listing as I saw it" in page
    assert STORED_SHA256 in page


def test_a_link_without_the_text_is_refused_and_kept_typed(client, consumer):
    complaint = ComplaintFactory(consumer=consumer)
    client.force_login(consumer)

    response = client.post(
        _evidence_url(complaint), {"listing_url": "https://mall.example.test/item/42"}
    )

    assert response.status_code == 200
    assert "Paste the listing&#x27;s text too." in response.content.decode()
    assert "https://mall.example.test/item/42" in response.content.decode()
    assert not complaint.evidence.exists()


def test_a_listing_alone_is_evidence_added_to_a_submitted_complaint(client, consumer):
    complaint = ComplaintFactory(consumer=consumer, submitted=True)
    client.force_login(consumer)

    client.post(
        reverse("complaints:evidence_add", kwargs={"public_id": complaint.public_id}),
        {"listing_text": LISTING},
    )

    assert complaint.evidence.get().text == LISTING


def test_an_edited_listing_is_reported_by_the_integrity_check():
    complaint = ComplaintFactory(submitted=True)
    item = services.evidence_add_listing(
        complaint=complaint, url="", text="Price 80 EUR", submitted_by=complaint.consumer
    )
    assert breaks() == []

    raw_update(EvidenceItem, item.pk, text="Price 8 EUR")

    [found] = breaks()
    assert found.row == f"statement {item.pk}"
