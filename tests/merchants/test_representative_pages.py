"""Representatives' pages: their merchants, proposals and documents; never another merchant's."""

from __future__ import annotations

import re

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from merchants import services
from merchants.models import DisclosureProposal, VerificationDocument
from tests.factories import MerchantFactory, MerchantRepresentativeFactory, UserFactory

pytestmark = pytest.mark.django_db


def _form_data(merchant, **overrides) -> dict:
    """What the browser sends back from the prefilled proposal form, with some changes."""
    data = {
        "legal_name": merchant.legal_name,
        "legal_name_latin": merchant.legal_name_latin,
        "trade_names": "\n".join(merchant.trade_names),
        "roles": list(merchant.roles.values_list("role", flat=True)),
        "country": merchant.country.code,
        "registration_number": merchant.registration_number,
        "registry": merchant.registry,
        "registered_address": merchant.registered_address,
        "responsible_person": merchant.responsible_person,
        "contact_email": merchant.contact_email,
        "contact_phone": merchant.contact_phone,
        "website": merchant.website,
        "date_established": "",
        "annual_order_volume": "",
    }
    data.update(overrides)
    return data


def test_a_representative_sees_their_merchants(client, merchant, representative):
    MerchantFactory(legal_name="Someone Else Ltd")
    client.force_login(representative)

    response = client.get(reverse("merchants:mine"))

    html = response.content.decode()
    assert response.status_code == 200
    assert merchant.legal_name in html
    assert "Someone Else Ltd" not in html
    assert reverse("merchants:propose", args=[merchant.public_id]) in html


def test_anonymous_visitors_are_sent_to_sign_in(client, merchant):
    for url in (
        reverse("merchants:mine"),
        reverse("merchants:propose", args=[merchant.public_id]),
        reverse("merchants:documents", args=[merchant.public_id]),
    ):
        response = client.get(url)
        assert response.status_code == 302 and "/accounts/login/" in response.url


def test_the_proposal_form_is_prefilled_with_the_current_disclosure(
    client, merchant, representative
):
    client.force_login(representative)

    response = client.get(reverse("merchants:propose", args=[merchant.public_id]))

    html = response.content.decode()
    assert response.status_code == 200
    assert f'value="{merchant.legal_name}"' in html
    assert f'value="{merchant.registration_number}"' in html
    assert re.search(r'value="supplier"[^>]*checked', html)
    assert not re.search(r'value="carrier"[^>]*checked', html)
    for field in ("id_legal_name", "id_country", "id_registration_number", "id_contact_email"):
        assert f'for="{field}"' in html


def test_a_representative_sends_a_proposal(client, merchant, representative):
    client.force_login(representative)

    response = client.post(
        reverse("merchants:propose", args=[merchant.public_id]),
        _form_data(merchant, contact_phone="+49 40 1234 5678", trade_names="Nordlicht\nNL Beauty"),
    )

    assert response.status_code == 302
    proposal = DisclosureProposal.objects.get()
    assert proposal.data == {
        "trade_names": ["Nordlicht", "NL Beauty"],
        "contact_phone": "+49 40 1234 5678",
    }
    merchant.refresh_from_db()
    assert merchant.contact_phone == ""  # nothing public until staff approve


def test_the_page_shows_what_is_pending_and_holds_back_a_second_proposal(
    client, merchant, representative
):
    services.proposal_submit(
        merchant_id=merchant.pk, user=representative, data={"contact_phone": "+49 40 1234 5678"}
    )
    client.force_login(representative)

    html = client.get(reverse("merchants:propose", args=[merchant.public_id])).content.decode()
    assert "Waiting for review" in html and "+49 40 1234 5678" in html
    assert "Send the proposal" not in html

    response = client.post(
        reverse("merchants:propose", args=[merchant.public_id]),
        _form_data(merchant, contact_phone="+49 40 9999 9999"),
    )
    assert response.status_code == 200
    assert "waiting for review" in response.content.decode()
    assert DisclosureProposal.objects.count() == 1


def test_bad_input_keeps_what_was_typed_and_saves_nothing(client, merchant, representative):
    client.force_login(representative)

    response = client.post(
        reverse("merchants:propose", args=[merchant.public_id]),
        _form_data(
            merchant,
            legal_name="",
            registration_number="HRB#12",
            country="XX",
            contact_phone="+49 40 1234 5678",
            website="javascript:alert(1)",
        ),
    )

    form = response.context["form"]
    assert response.status_code == 200
    assert {"legal_name", "country", "website"} <= set(form.errors)
    assert 'value="+49 40 1234 5678"' in response.content.decode()
    assert not DisclosureProposal.objects.exists()


def test_a_stray_character_in_the_registration_number_is_a_field_error(
    client, merchant, representative
):
    client.force_login(representative)

    response = client.post(
        reverse("merchants:propose", args=[merchant.public_id]),
        _form_data(merchant, registration_number="HRB#12"),
    )

    assert "registration_number" in response.context["form"].errors
    assert 'value="HRB#12"' in response.content.decode()


def test_a_proposal_that_changes_nothing_is_explained(client, merchant, representative):
    client.force_login(representative)

    response = client.post(
        reverse("merchants:propose", args=[merchant.public_id]), _form_data(merchant)
    )

    assert response.status_code == 200
    assert "changes nothing" in response.content.decode()


@pytest.mark.parametrize("view", ["propose", "documents"])
def test_another_merchants_pages_do_not_exist_for_a_representative(client, merchant, view):
    stranger = MerchantRepresentativeFactory().user
    client.force_login(stranger)

    assert client.get(reverse(f"merchants:{view}", args=[merchant.public_id])).status_code == 404
    assert (
        client.post(reverse(f"merchants:{view}", args=[merchant.public_id]), {}).status_code == 404
    )
    assert not DisclosureProposal.objects.exists()


def test_a_consumer_has_no_merchant_pages(client, merchant):
    client.force_login(UserFactory())

    assert client.get(reverse("merchants:propose", args=[merchant.public_id])).status_code == 404
    assert (
        "does not represent any merchant" in client.get(reverse("merchants:mine")).content.decode()
    )


def test_a_representative_uploads_a_document(client, merchant, representative, pdf_bytes):
    client.force_login(representative)

    response = client.post(
        reverse("merchants:documents", args=[merchant.public_id]),
        {"kind": "business_licence", "file": SimpleUploadedFile("licence.pdf", pdf_bytes)},
        follow=True,
    )

    html = response.content.decode()
    assert response.status_code == 200
    assert "licence.pdf was uploaded" in html
    assert VerificationDocument.objects.get().uploaded_by == representative
    # listed, but never offered for download to the representative
    assert "licence.pdf" in html and "/download/" not in html


def test_a_refused_file_is_a_field_error_and_the_kind_is_kept(client, merchant, representative):
    client.force_login(representative)

    response = client.post(
        reverse("merchants:documents", args=[merchant.public_id]),
        {
            "kind": "registry_extract",
            "file": SimpleUploadedFile("licence.pdf", b"<html><script>x</script>"),
        },
    )

    assert response.status_code == 200
    assert "file" in response.context["form"].errors
    assert 'value="registry_extract" selected' in response.content.decode()
    assert not VerificationDocument.objects.exists()


def test_representatives_never_change_verified_fields_directly(
    client, merchant, representative, mediator
):
    services.verification_verify(merchant_id=merchant.pk, reviewer=mediator)
    client.force_login(representative)

    response = client.post(
        reverse("merchants:propose", args=[merchant.public_id]),
        _form_data(merchant, legal_name="Renamed GmbH"),
    )

    assert response.status_code == 302
    merchant.refresh_from_db()
    assert merchant.legal_name != "Renamed GmbH"
    assert merchant.verification_state == "verified"
    # and the admin is closed to them
    assert (
        client.get(reverse("admin:merchants_merchant_change", args=[merchant.pk])).status_code
        == 302
    )


def test_the_lists_of_a_representative_are_paginated(client):
    rep = UserFactory(role="merchant_rep")
    merchants = [MerchantFactory(legal_name=f"Merchant {n:02d}") for n in range(21)]
    for merchant in merchants:
        MerchantRepresentativeFactory(user=rep, merchant=merchant)
    for n in range(21):
        VerificationDocument.objects.create(
            merchant=merchants[0],
            kind="other",
            file=f"verification/{n}",
            label=f"scan-{n:02d}.pdf",
            content_type="application/pdf",
            size=1,
            sha256=f"{n:064d}",
            uploaded_by=rep,
        )
    client.force_login(rep)

    mine = client.get(reverse("merchants:mine"))
    mine_2 = client.get(reverse("merchants:mine"), {"page": 2})
    documents_url = reverse("merchants:documents", args=[merchants[0].public_id])
    documents = client.get(documents_url)
    documents_2 = client.get(documents_url, {"page": 2})

    assert len(mine.context["merchants"]) == 20
    assert [m.legal_name for m in mine_2.context["merchants"]] == ["Merchant 20"]
    assert "?page=2" in mine.content.decode()
    assert len(documents.context["documents"]) == 20
    assert len(documents_2.context["documents"]) == 1
    assert "?page=2" in documents.content.decode()
