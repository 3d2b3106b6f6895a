"""The pages of referrals: the mediator's referral in the admin with its proposals, the
consumer's page with the letter, the PDF and the report form, and the public verification page
and API (issue 15 parts 2, 4, 5)."""

from __future__ import annotations

import hashlib

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import translation

from odr.models import CaseState
from referrals import services
from referrals.models import Referral, ReferralBody
from tests.odr.builders import build

pytestmark = pytest.mark.django_db


def _flip_one_byte(content: bytes) -> bytes:
    """The PDF with one bit of one byte in its middle changed (its text is compressed, so a
    search-and-replace of visible text would find nothing)."""
    middle = len(content) // 2
    return content[:middle] + bytes([content[middle] ^ 0x01]) + content[middle + 1 :]


@pytest.fixture
def referred(mediator):
    w = build(CaseState.REFERRED, mediator)
    complaint = w.case.complaint
    complaint.consumer_country = "DE"
    complaint.save()
    w.merchant.country = "FR"
    w.merchant.save()
    return w


@pytest.fixture
def referral(referred):
    return services.referral_create(
        case_id=referred.case.pk,
        body_id=ReferralBody.objects.get(name="econsumer.gov").pk,
        mediator=referred.mediator,
        covering_letter="Dear Sir or Madam, we refer case.",
    )


# --- the admin ------------------------------------------------------------------------------


def test_the_case_page_of_a_referred_case_offers_to_send_it_on(client, referred):
    client.force_login(referred.mediator)

    page = client.get(reverse("admin:odr_case_change", args=[referred.case.pk])).content.decode()

    assert f"{reverse('admin:referrals_referral_add')}?case={referred.case.pk}" in page


def test_the_mediator_sees_the_bodies_that_fit_with_why_and_a_letter_ready(client, referred):
    client.force_login(referred.mediator)

    response = client.get(reverse("admin:referrals_referral_add"), {"case": referred.case.pk})
    page = response.content.decode()

    assert response.status_code == 200
    assert "European Consumer Centres Network (ECC-Net)" in page
    assert "It serves consumers living in Germany." in page
    assert (
        referred.case.complaint.reference
        in response.context["adminform"].form.initial["covering_letter"]
    )
    choices = [label for value, label in response.context["adminform"].form.fields["body"].choices]
    # the proposals come first, in their order
    assert choices[1:4] == [
        "European Consumer Centres Network (ECC-Net)",
        "econsumer.gov",
        "European Small Claims Procedure",
    ]


def _post_referral(client, case, body, **extra):
    data = {
        "case": case.pk,
        "body": body.pk,
        "channel": "",
        "covering_letter": "Dear Sir or Madam, please take this case.",
        "mismatch_reason": "",
        **extra,
    }
    return client.post(f"{reverse('admin:referrals_referral_add')}?case={case.pk}", data)


def test_the_mediator_refers_the_case_from_the_admin(client, referred):
    client.force_login(referred.mediator)
    ecc = ReferralBody.objects.get(name="European Consumer Centres Network (ECC-Net)")

    response = _post_referral(client, referred.case, ecc)

    assert response.status_code == 302
    referral = Referral.objects.get(case=referred.case)
    assert (referral.body, referral.channel) == (ecc, "web_form")
    assert referral.dossier is not None


def test_a_body_that_does_not_fit_asks_for_the_reason_and_keeps_the_letter(client, referred):
    client.force_login(referred.mediator)
    ftc = ReferralBody.objects.get(name="ReportFraud.ftc.gov (US Federal Trade Commission)")

    response = _post_referral(
        client, referred.case, ftc, covering_letter="A letter I took time to write."
    )

    assert response.status_code == 200
    assert "Give the reason to refer the case to it anyway." in response.content.decode()
    assert "A letter I took time to write." in response.content.decode()
    assert not Referral.objects.exists()

    response = _post_referral(client, referred.case, ftc, mismatch_reason="The shop is US-run.")
    assert response.status_code == 302
    assert Referral.objects.get().mismatch_reason == "The shop is US-run."


def test_the_mediator_records_the_body_s_answer_in_the_admin(client, referral, referred):
    client.force_login(referred.mediator)

    response = client.post(
        reverse("admin:referrals_referral_change", args=[referral.pk]),
        {"status": "acknowledged", "note": "Case number ECC-123."},
    )

    assert response.status_code == 302
    referral.refresh_from_db()
    assert referral.status == "acknowledged"
    assert referred.case.events.filter(kind="referral_status", note="Case number ECC-123.").exists()


def test_a_decided_referral_cannot_be_changed_in_the_admin(client, referral, referred):
    services.referral_set_status(
        referral_id=referral.pk, mediator=referred.mediator, status="decided_against"
    )
    client.force_login(referred.mediator)

    response = client.post(
        reverse("admin:referrals_referral_change", args=[referral.pk]), {"status": "sent"}
    )

    assert response.status_code == 200
    assert "This referral is closed" in response.content.decode()


# --- the consumer ---------------------------------------------------------------------------


def test_the_consumer_sees_the_body_the_letter_and_the_signed_pdf(client, referral, referred):
    client.force_login(referred.consumer)

    page = client.get(
        reverse("referrals:case", args=[referred.case.complaint.reference])
    ).content.decode()

    assert "econsumer.gov" in page
    assert "Dear Sir or Madam, we refer case." in page
    assert "Submit the case to this body yourself" in page
    assert reverse("referrals:dossier_pdf", args=[referral.dossier.uid]) in page
    assert referral.dossier.sha256 in page


def test_the_consumer_downloads_the_pdf_as_a_file(client, referral, referred):
    client.force_login(referred.consumer)

    response = client.get(reverse("referrals:dossier_pdf", args=[referral.dossier.uid]))
    content = b"".join(response.streaming_content)

    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"].startswith("attachment;")
    assert hashlib.sha256(content).hexdigest() == referral.dossier.pdf_sha256


def test_another_consumer_sees_neither_the_page_nor_the_pdf(client, referral, referred):
    from tests.factories import UserFactory

    client.force_login(UserFactory(role="consumer"))

    assert (
        client.get(reverse("referrals:case", args=[referred.case.complaint.reference])).status_code
        == 404
    )
    assert (
        client.get(reverse("referrals:dossier_pdf", args=[referral.dossier.uid])).status_code == 404
    )
    assert (
        client.post(reverse("referrals:report", args=[referral.pk]), {"status": "no_answer"})
    ).status_code == 404


def test_the_consumer_reports_the_body_s_decision_on_the_page(client, referral, referred):
    client.force_login(referred.consumer)

    response = client.post(
        reverse("referrals:report", args=[referral.pk]),
        {"status": "decided_for_consumer", "note": "Refund ordered."},
        follow=True,
    )

    referral.refresh_from_db()
    assert referral.status == "decided_for_consumer"
    assert "what the body did is recorded on the case" in response.content.decode()


def test_a_report_without_a_choice_is_explained(client, referral, referred):
    client.force_login(referred.consumer)

    response = client.post(reverse("referrals:report", args=[referral.pk]), {}, follow=True)

    assert "Choose what the body did." in response.content.decode()
    referral.refresh_from_db()
    assert referral.status == "sent"


def test_the_referrals_page_is_in_chinese_for_a_chinese_reader(client, referral, referred):
    client.force_login(referred.consumer)
    with translation.override("zh-hans"):
        url = reverse("referrals:case", args=[referred.case.complaint.reference])

    page = client.get(url).content.decode()

    assert "下载" in page  # "Download the signed dossier (PDF)"


# --- verification ---------------------------------------------------------------------------


def test_the_address_printed_on_the_pdf_confirms_it(client, referral):
    dossier = referral.dossier

    page = client.get(
        reverse("referrals:verify"), {"number": str(dossier.uid), "sha256": dossier.sha256}
    ).content.decode()

    assert "Authentic." in page
    assert referral.case.complaint.reference in page


@pytest.mark.parametrize(
    "params",
    [
        {"number": "not-a-uuid", "sha256": "0" * 64},
        {"number": "d2c17ce0-abc1-4906-8425-2f5265718124", "sha256": "xyz"},
        {"number": "d2c17ce0-abc1-4906-8425-2f5265718124"},
        {"sha256": "0" * 64, "signature": "x" * 5000},
        {"number": "\x00", "sha256": "\x00"},
    ],
)
def test_malformed_input_is_explained_never_a_server_error(client, params):
    response = client.get(reverse("referrals:verify"), params)

    assert response.status_code == 400
    assert "Authentic." not in response.content.decode()


def test_a_wrong_hash_is_not_authentic(client, referral):
    page = client.get(
        reverse("referrals:verify"), {"number": str(referral.dossier.uid), "sha256": "a" * 64}
    ).content.decode()

    assert "Not authentic." in page


def test_the_uploaded_pdf_is_checked_byte_for_byte(client, referral):
    content = referral.dossier.pdf.open("rb").read()

    genuine = client.post(
        reverse("referrals:verify"), {"pdf": SimpleUploadedFile("d.pdf", content)}
    ).content.decode()
    tampered = client.post(
        reverse("referrals:verify"),
        {"pdf": SimpleUploadedFile("d.pdf", _flip_one_byte(content))},
    ).content.decode()
    not_a_pdf = client.post(
        reverse("referrals:verify"), {"pdf": SimpleUploadedFile("d.pdf", b"\x00\xff junk")}
    )

    assert "Authentic." in genuine
    assert "Not authentic." in tampered
    assert not_a_pdf.status_code == 200 and "Not authentic." in not_a_pdf.content.decode()


def test_the_verification_page_says_not_authentic_in_chinese(client):
    with translation.override("zh-hans"):
        url = reverse("referrals:verify")

    page = client.get(
        url, {"number": "d2c17ce0-abc1-4906-8425-2f5265718124", "sha256": "0" * 64}
    ).content.decode()

    assert "不是真实的" in page


def test_the_api_checks_by_number_and_hash_and_by_the_pdf_s_hash(client, referral):
    dossier = referral.dossier

    by_hash = client.post(
        "/api/v1/dossiers/verify/",
        {"number": str(dossier.uid), "sha256": dossier.sha256},
        content_type="application/json",
    ).json()
    by_file = client.post(
        "/api/v1/dossiers/verify-file/",
        {"pdf_sha256": dossier.pdf_sha256},
        content_type="application/json",
    ).json()
    wrong = client.post(
        "/api/v1/dossiers/verify/",
        {"number": str(dossier.uid), "sha256": "b" * 64},
        content_type="application/json",
    ).json()

    assert by_hash["authentic"] and by_file["authentic"]
    assert by_hash["dossier"]["case_reference"] == referral.case.complaint.reference
    assert wrong == {"authentic": False, "reason": "hash_mismatch", "dossier": None}


@pytest.mark.parametrize(
    "body",
    [{}, {"number": 5, "sha256": "0" * 64}, {"number": "x", "sha256": "0" * 64, "extra": 1}],
)
def test_the_api_refuses_malformed_requests_in_its_error_shape(client, body):
    response = client.post("/api/v1/dossiers/verify/", body, content_type="application/json")

    assert response.status_code == 400
    assert response.json()["error"]["code"] == "invalid"


def test_the_api_check_is_throttled_per_address(client, settings):
    from django.core.cache import caches

    caches["limits"].clear()
    settings.REDRESS_DOSSIER_VERIFY_RATE = "2/minute"
    body = {"pdf_sha256": "0" * 64}

    answers = [
        client.post("/api/v1/dossiers/verify-file/", body, content_type="application/json")
        for _ in range(3)
    ]

    assert [a.status_code for a in answers] == [200, 200, 429]
    assert answers[2].json()["error"]["code"] == "throttled"
    assert "Retry-After" in answers[2]
    caches["limits"].clear()
