"""The case dossier for a referral: the consumer and staff read it (print page and JSON);
it holds identities, the timeline, every evidence item with its SHA-256, offers, settlement
and the mediator's summary."""

from __future__ import annotations

import json

import pytest
from django.urls import reverse

from odr import services
from odr.models import CaseState

from ..factories import StatementFactory
from .builders import build

S = CaseState
pytestmark = pytest.mark.django_db


@pytest.fixture
def referred(mediator):
    w = build(S.MEDIATION, mediator)
    w.extra["evidence"] = [
        StatementFactory(complaint=w.case.complaint, text=text)
        for text in ("Seller promised genuine goods", "Serial number missing")
    ]
    services.message_post(case_id=w.case.pk, user=w.rep, body="We refuse any refund.")
    services.message_post(case_id=w.case.pk, user=mediator, body="Evasive", internal=True)
    services.case_refer(case_id=w.case.pk, mediator=mediator, summary="Counterfeit, no remedy.")
    w.reload()
    return w


def _json(client, w):
    url = reverse("odr:dossier_json", kwargs={"reference": w.case.complaint.reference})
    return client.get(url)


def test_the_json_dossier_holds_what_an_authority_needs(client, referred):
    client.force_login(referred.consumer)

    response = _json(client, referred)

    assert response.status_code == 200
    assert "attachment" in response["Content-Disposition"]
    dossier = json.loads(response.content)
    assert dossier["reference"] == referred.case.complaint.reference
    assert dossier["outcome"] == "referred_unresolved"
    assert dossier["consumer"]["email"] == referred.consumer.email
    assert dossier["respondents"][0]["merchant"]["legal_name"] == referred.merchant.legal_name
    assert {e["sha256"] for e in dossier["evidence"]} == {
        item.sha256 for item in referred.extra["evidence"]
    }
    assert [t["kind"] for t in dossier["timeline"]][-1] == "referred"
    assert dossier["offers"][0]["amount"] == "100.00"
    assert dossier["mediator_summary"] == "Counterfeit, no remedy."
    assert [m["body"] for m in dossier["messages"]] == ["We refuse any refund."]
    assert dossier["timeline"][0]["at"].endswith("+00:00")
    assert [(t["seq"], t["hash"]) for t in dossier["timeline"]] == list(
        referred.case.events.order_by("seq").values_list("seq", "hash")
    )


def test_the_print_page_shows_the_hashes(client, referred):
    client.force_login(referred.consumer)

    html = client.get(
        reverse("odr:dossier", kwargs={"reference": referred.case.complaint.reference})
    ).content.decode()

    for item in referred.extra["evidence"]:
        assert item.sha256 in html
    assert "Counterfeit, no remedy." in html
    assert "Evasive" not in html


def test_staff_read_the_dossier(client, referred, mediator):
    client.force_login(mediator)

    assert _json(client, referred).status_code == 200


def test_the_merchant_and_strangers_do_not(client, referred, other_consumer):
    for user in (referred.rep, other_consumer):
        client.force_login(user)
        assert _json(client, referred).status_code == 404


def test_a_photo_appears_with_the_hash_of_the_file_sent_and_of_the_copy_kept(client, referred):
    import hashlib
    import io

    from django.core.files.uploadedfile import SimpleUploadedFile
    from PIL import Image

    from complaints.services import evidence_add_file

    exif = Image.Exif()
    exif[0x8825] = {1: "N", 2: (31.0, 14.0, 0.0)}
    out = io.BytesIO()
    Image.new("RGB", (20, 20), "red").save(out, format="JPEG", exif=exif.tobytes())
    sent = out.getvalue()
    photo = evidence_add_file(
        complaint=referred.case.complaint,
        upload=SimpleUploadedFile("parcel.jpg", sent),
        submitted_by=referred.consumer,
    )
    client.force_login(referred.consumer)

    dossier = json.loads(_json(client, referred).content)
    page = client.get(
        reverse("odr:dossier", kwargs={"reference": referred.case.complaint.reference})
    ).content.decode()

    [entry] = [e for e in dossier["evidence"] if e["id"] == photo.pk]
    assert entry["received_sha256"] == hashlib.sha256(sent).hexdigest()
    assert entry["sha256"] == hashlib.sha256(photo.file.open("rb").read()).hexdigest()
    assert entry["received_sha256"] != entry["sha256"]
    assert entry["metadata_removed"] is True
    assert f'File as sent: <span class="mono">{entry["received_sha256"]}</span>' in page
    assert f'Copy kept, without metadata: <span class="mono">{entry["sha256"]}</span>' in page


OFFER_STATE_LABELS = {
    "open": "Open",
    "accepted": "Accepted",
    "rejected": "Rejected",
    "withdrawn": "Withdrawn",
    "superseded": "Superseded",
}


def test_the_print_page_shows_labels_not_codes(client, referred):
    merchant = referred.merchant
    merchant.country, merchant.verification_state = "CN", "verified"
    merchant.save()
    referred.case.complaint.respondents.update(reason="marketplace_seller")
    client.force_login(referred.consumer)
    url = reverse("odr:dossier", kwargs={"reference": referred.case.complaint.reference})

    html = client.get(url).content.decode()

    assert "Verification: Verified" in html
    assert "Country: China" in html
    assert "You bought from this seller on a marketplace, so it is the seller" in html
    for code in ("marketplace_seller", ": verified", ": CN"):
        assert code not in html
    offer = referred.case.offers.get()
    assert f"<td>{OFFER_STATE_LABELS[offer.state]} " in html
    assert f"<td>{offer.state} " not in html
    assert "What was bought</dt><dd>" in html

    # The JSON export keeps the codes, with the labels beside them.
    dossier = json.loads(_json(client, referred).content)
    identity = dossier["respondents"][0]["merchant"]
    assert (identity["country"], identity["country_name"]) == ("CN", "China")
    assert (identity["verification"], identity["verification_label"]) == ("verified", "Verified")
    assert dossier["respondents"][0]["reason"] == "marketplace_seller"
    assert dossier["offers"][0]["state"] == offer.state
    assert dossier["offers"][0]["state_label"] == OFFER_STATE_LABELS[offer.state]
