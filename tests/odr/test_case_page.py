"""The case page: who may see it, what it shows, and the parties' actions through it."""

from __future__ import annotations

import hashlib
import io
import json
from decimal import Decimal

import pytest
from django.core import mail
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from PIL import Image, PngImagePlugin

from complaints.models import EvidenceItem
from odr import services
from odr.models import CaseEvent, CaseState, Message, Notification, Offer

from ..factories import MerchantRepresentativeFactory
from .builders import build, mediation_with_a_proposal

S = CaseState
pytestmark = pytest.mark.django_db


def _url(w, name="odr:case_detail", **kwargs):
    return reverse(name, kwargs={"reference": w.case.complaint.reference, **kwargs})


def test_the_consumer_sees_the_state_in_plain_words_and_the_next_deadline(client, mediator):
    w = build(S.AWAITING_MERCHANT, mediator)
    client.force_login(w.consumer)

    html = client.get(_url(w)).content.decode()

    assert "Waiting for the merchant&#x27;s answer" in html
    assert "The merchant has been asked to answer" in html
    assert "Next deadline:" in html
    assert "data-local-time" in html
    assert "merchant&#x27;s answer" in html


@pytest.mark.parametrize("who", ["stranger", "other_rep", "anonymous_staff"])
def test_anyone_but_the_parties_gets_404(client, mediator, who, other_consumer):
    w = build(S.NEGOTIATION, mediator)
    user = {
        "stranger": other_consumer,
        "other_rep": MerchantRepresentativeFactory().user,
        "anonymous_staff": mediator,
    }[who]
    client.force_login(user)

    assert client.get(_url(w)).status_code == 404
    response = client.post(_url(w, "odr:case_action", action="withdraw"), {"version": 1})
    assert response.status_code == 404


def test_an_unknown_reference_is_404(client, consumer):
    client.force_login(consumer)

    assert client.get("/cases/RD-2099-999999/").status_code == 404


def test_the_merchant_sees_a_complaint_only_after_screening_accepted_it(client, mediator):
    w = build(S.SUBMITTED, mediator)
    client.force_login(w.rep)
    assert client.get(_url(w)).status_code == 404

    services.case_accept(case_id=w.case.pk, mediator=mediator)

    response = client.get(_url(w))
    assert response.status_code == 200
    html = response.content.decode()
    for action in ("Accept the consumer's full claim", "Make an offer", "Dispute the claim"):
        assert action in html
    assert "Withdraw my complaint" not in html


def test_the_merchant_disputes_with_reasons(client, mediator):
    w = build(S.AWAITING_MERCHANT, mediator)
    client.force_login(w.rep)

    response = client.post(
        _url(w, "odr:case_action", action="dispute"),
        {"dispute-version": w.case.version, "dispute-reasons": "Delivered on 3 May, signed."},
    )

    assert response.status_code == 302
    case = w.reload()
    assert case.state == S.NEGOTIATION
    assert case.merchant_responded_at is not None
    assert Message.objects.get(case=case).body == "Delivered on 3 May, signed."


def _png() -> bytes:
    """A photo that names its author: the copy kept is re-saved without that."""
    info = PngImagePlugin.PngInfo()
    info.add_text("Author", "Li Wei")
    out = io.BytesIO()
    Image.new("RGB", (20, 20), "green").save(out, format="PNG", pnginfo=info)
    return out.getvalue()


def _dispute(client, w, reasons: str, upload):
    return client.post(
        _url(w, "odr:case_action", action="dispute"),
        {
            "dispute-version": w.case.version,
            "dispute-reasons": reasons,
            "dispute-attachment": upload,
        },
    )


def test_the_merchant_disputes_with_reasons_and_evidence(client, mediator):
    w = build(S.AWAITING_MERCHANT, mediator)
    photo = _png()
    client.force_login(w.rep)

    response = _dispute(
        client,
        w,
        "Signed for at the door, see the courier's record.",
        SimpleUploadedFile("proof of delivery.png", photo),
    )

    assert response.status_code == 302
    case = w.reload()
    assert case.state == S.NEGOTIATION
    message = Message.objects.get(case=case, party="merchant")
    item = message.attachment
    assert item.complaint_id == case.complaint_id
    assert item.label == "proof of delivery.png"
    # The hash of the file as the merchant sent it is kept beside the stored copy's.
    assert item.received_sha256 == hashlib.sha256(photo).hexdigest()
    assert item.sha256 != item.received_sha256
    assert item.submitted_by == w.rep
    assert case.events.get(kind="merchant_disputed").data["evidence_id"] == item.pk
    # The consumer reads the reasons with the evidence and its hash.
    client.force_login(w.consumer)
    html = client.get(_url(w)).content.decode()
    assert "Signed for at the door" in html
    assert item.sha256 in html
    assert item.received_sha256 in html


def test_a_dispute_with_a_refused_file_changes_nothing_and_keeps_the_reasons(client, mediator):
    w = build(S.AWAITING_MERCHANT, mediator)
    client.force_login(w.rep)
    script = b'<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>'

    response = _dispute(
        client, w, "Our reasons, typed once", SimpleUploadedFile("record.png", script)
    )

    assert response.status_code == 400
    html = response.content.decode()
    assert "record.png was refused" in html
    assert "Our reasons, typed once" in html
    case = w.reload()
    assert case.state == S.AWAITING_MERCHANT
    assert case.merchant_responded_at is None
    assert not Message.objects.filter(case=case).exists()
    assert not EvidenceItem.objects.filter(complaint=case.complaint, kind="file").exists()


@pytest.mark.parametrize(
    ("amount", "currency", "field", "message"),
    [
        ("-5", "EUR", "amount", "greater than zero"),
        ("0", "EUR", "amount", "greater than zero"),
        ("99999999999", "EUR", "amount", "too large"),
        ("abc", "EUR", "amount", "Enter an amount"),
        ("50", "USD", "currency", "in EUR, the currency of the order"),
        ("", "EUR", "amount", "Enter the amount offered"),
    ],
)
def test_bad_offers_are_refused_with_field_errors_and_keep_what_was_typed(
    client, mediator, amount, currency, field, message
):
    w = build(S.AWAITING_MERCHANT, mediator)
    client.force_login(w.rep)

    response = client.post(
        _url(w, "odr:case_action", action="offer"),
        {
            "offer-version": w.case.version,
            "offer-kind": "partial_refund",
            "offer-amount": amount,
            "offer-currency": currency,
            "offer-terms": "Typed terms stay here",
        },
    )

    assert response.status_code == 400
    form = response.context["forms"]["offer"]
    assert message in " ".join(form.errors[field])
    html = response.content.decode()
    assert "Typed terms stay here" in html
    case = w.reload()
    assert case.state == S.AWAITING_MERCHANT
    assert not Offer.objects.filter(case=case).exists()


def test_the_merchant_offers_and_the_consumer_counters(client, mediator):
    w = build(S.AWAITING_MERCHANT, mediator)
    client.force_login(w.rep)
    client.post(
        _url(w, "odr:case_action", action="offer"),
        {
            "offer-version": w.case.version,
            "offer-kind": "partial_refund",
            "offer-amount": "40.00",
            "offer-currency": "EUR",
        },
    )
    merchant_offer = Offer.objects.get(case=w.case)

    client.force_login(w.consumer)
    page = client.get(_url(w))
    assert page.context["forms"]["offer"].initial["counter_to"] == merchant_offer.pk
    assert "Make a counter-offer" in page.content.decode()
    response = client.post(
        _url(w, "odr:case_action", action="offer"),
        {
            "offer-version": w.reload().version,
            "offer-kind": "refund",
            "offer-amount": "129.90",
            "offer-currency": "EUR",
            "offer-counter_to": merchant_offer.pk,
        },
    )

    assert response.status_code == 302
    merchant_offer.refresh_from_db()
    assert merchant_offer.state == Offer.State.SUPERSEDED
    assert w.case.events.filter(kind="offer_countered").exists()


def test_the_consumer_accepts_an_offer_confirms_payment_and_rates(client, mediator):
    w = build(S.NEGOTIATION, mediator)
    client.force_login(w.consumer)

    client.post(
        _url(w, "odr:offer_action", offer_id=w.offer.pk, action="accept"),
        {"version": w.case.version},
    )
    assert w.reload().state == S.SETTLED
    client.post(_url(w, "odr:case_action", action="confirm-paid"), {"version": w.case.version})
    assert w.reload().state == S.RESOLVED
    assert w.case.outcome == "resolved_by_merchant"

    page = client.get(_url(w)).content.decode()
    assert "Rate how your case was handled" in page
    client.post(
        _url(w, "odr:case_action", action="rate"), {"rate-score": "4", "rate-comment": "OK"}
    )
    assert w.case.rating.score == 4
    assert "Rate how your case was handled" not in client.get(_url(w)).content.decode()


def test_a_stale_form_is_told_the_case_changed_and_keeps_the_text(client, mediator):
    w = build(S.AWAITING_MERCHANT, mediator)
    seen = w.case.version
    services.merchant_dispute(case_id=w.case.pk, representative=w.rep, reasons="First answer")
    client.force_login(w.rep)

    response = client.post(
        _url(w, "odr:case_action", action="dispute"),
        {"dispute-version": seen, "dispute-reasons": "Second answer typed late"},
    )

    assert response.status_code == 409
    html = response.content.decode()
    assert "The case changed" in html
    assert "Second answer typed late" in html
    assert w.reload().events.filter(kind="merchant_disputed").count() == 1


def test_a_move_the_state_does_not_allow_is_refused_with_a_message(client, mediator):
    w = build(S.SUBMITTED, mediator)
    client.force_login(w.consumer)

    response = client.post(
        _url(w, "odr:case_action", action="confirm-paid"), {"version": w.case.version}, follow=True
    )

    assert "not possible while the case is at the stage" in response.content.decode()
    assert w.reload().state == S.SUBMITTED


def test_internal_notes_are_never_shown_to_the_parties(
    client, mediator, django_capture_on_commit_callbacks
):
    w = build(S.MEDIATION, mediator)
    mail.outbox.clear()
    notices = Notification.objects.count()
    events = CaseEvent.objects.filter(case=w.case).count()
    with django_capture_on_commit_callbacks(execute=True):
        services.message_post(
            case_id=w.case.pk, user=mediator, body="Merchant seems evasive", internal=True
        )
    # A note tells nobody and leaves no trace in the parties' timeline.
    assert mail.outbox == []
    assert Notification.objects.count() == notices
    assert CaseEvent.objects.filter(case=w.case).count() == events
    services.message_post(case_id=w.case.pk, user=mediator, body="Please send photos")

    for user in (w.consumer, w.rep):
        client.force_login(user)
        html = client.get(_url(w)).content.decode()
        assert "Please send photos" in html
        assert "Merchant seems evasive" not in html
        notes = client.get(reverse("odr:notification_list")).content.decode()
        assert "Merchant seems evasive" not in notes
    # The dossier (print page and JSON) is for the consumer and for an authority: the consumer,
    # and staff who export it, get the messages without the notes.
    for user in (w.consumer, mediator):
        client.force_login(user)
        dossier = client.get(_url(w, "odr:dossier")).content.decode()
        exported = client.get(_url(w, "odr:dossier_json"))
        assert "Please send photos" in dossier
        assert "Merchant seems evasive" not in dossier
        assert "Merchant seems evasive" not in exported.content.decode()
        bodies = [m["body"] for m in json.loads(exported.content)["messages"]]
        assert bodies == ["Please send photos"]


def test_the_consumer_reads_why_the_complaint_was_rejected(client, mediator):
    w = build(S.SUBMITTED, mediator)
    services.case_reject(
        case_id=w.case.pk, mediator=mediator, reason="The seller is in your own country."
    )
    client.force_login(w.consumer)

    html = client.get(_url(w)).content.decode()

    assert "Rejected at screening" in html
    assert "The seller is in your own country." in html
    assert "Rejected as unfounded" in html
    # A rejected complaint is never forwarded to the merchant.
    client.force_login(w.rep)
    assert client.get(_url(w)).status_code == 404


def test_the_consumer_answers_a_request_for_information(client, mediator):
    w = build(S.SUBMITTED, mediator)
    services.case_request_info(case_id=w.case.pk, mediator=mediator, question="Send the invoice")
    client.force_login(w.consumer)

    page = client.get(_url(w)).content.decode()
    assert "Send the information asked for" in page
    client.post(
        _url(w, "odr:case_action", action="provide-info"),
        {"provide-info-version": w.reload().version, "provide-info-text": "Invoice 2024-17"},
    )

    case = w.reload()
    assert case.awaiting_consumer_info is False
    assert case.deadline_kind == "screening"


def test_the_case_list_shows_only_the_viewers_cases(
    client, mediator, django_assert_max_num_queries
):
    mine = [build(S.NEGOTIATION, mediator) for _ in range(3)]
    build(S.NEGOTIATION, mediator)
    client.force_login(mine[0].consumer)

    with django_assert_max_num_queries(8):
        response = client.get(reverse("odr:case_list"))

    html = response.content.decode()
    assert mine[0].case.complaint.reference in html
    assert mine[1].case.complaint.reference not in html


def test_the_representative_lists_the_cases_naming_its_merchant(client, mediator):
    w = build(S.NEGOTIATION, mediator)
    client.force_login(w.rep)

    html = client.get(reverse("odr:case_list")).content.decode()

    assert w.case.complaint.reference in html


def test_the_case_page_in_simplified_chinese(client, mediator):
    w = build(S.AWAITING_MERCHANT, mediator)
    client.force_login(w.rep)

    html = client.get("/zh-hans" + _url(w)).content.decode()

    assert "等待商家答复" in html
    assert "接受诉求" in html
    assert "提出报价" in html


def test_consumers_ratings_appear_in_the_merchants_statistics(client, mediator):
    rated = [build(S.RESOLVED, mediator) for _ in range(2)]
    for w, score in zip(rated, (5, 2), strict=True):
        services.case_rate(case_id=w.case.pk, consumer=w.consumer, score=score)
    other = build(S.RESOLVED, mediator)
    from complaints.models import Respondent

    # Both rated cases name the same merchant; the third case names another one, unrated.
    Respondent.objects.filter(complaint=rated[1].case.complaint).update(merchant=rated[0].merchant)

    html = client.get(rated[0].merchant.get_absolute_url()).content.decode()
    assert "3.5 of 5 (2 ratings)" in html

    html = client.get(other.merchant.get_absolute_url()).content.decode()
    assert "3.5 of 5" not in html
    assert "No rating yet." in html

    html = client.get("/zh-hans" + rated[0].merchant.get_absolute_url()).content.decode()
    assert "3.5 分" in html
    assert "共 2 个评分" in html


@pytest.mark.parametrize(
    ("typed", "stored"),
    [
        ("a\u202eb", "ab"),
        ("e\u0301", "\u00e9"),
        ("x\u0007y", "xy"),
        ("line1\nline2", "line1\nline2"),
        ("line1\r\n\u200bline2\u2066", "line1\nline2"),
    ],
)
def test_a_message_is_stored_clean(client, mediator, typed, stored):
    w = build(S.NEGOTIATION, mediator)
    client.force_login(w.consumer)

    response = client.post(_url(w, "odr:case_action", action="message"), {"message-body": typed})

    assert response.status_code == 302
    assert Message.objects.get(case=w.case, author=w.consumer).body == stored


def test_an_offer_beyond_the_amount_paid_is_refused_on_the_page(client, mediator):
    w = build(S.AWAITING_MERCHANT, mediator)
    client.force_login(w.rep)

    response = client.post(
        "/zh-hans" + _url(w, "odr:case_action", action="offer"),
        {
            "offer-version": w.case.version,
            "offer-kind": "compensation",
            "offer-amount": "1000",
            "offer-currency": "EUR",
        },
    )

    assert response.status_code == 400
    assert "赔偿最多为实付金额的 3 倍，即 €389.70。" in response.content.decode()  # noqa: RUF001
    assert not Offer.objects.filter(case=w.case).exists()


def test_the_mediators_proposal_comes_before_the_full_claim_and_both_state_amounts(
    client, mediator
):
    w, _proposal = mediation_with_a_proposal(mediator)
    client.force_login(w.rep)

    html = client.get(_url(w)).content.decode()

    accept_proposal = "Accept the mediator's proposal: €120.00</button>"
    accept_claim = "Accept the consumer's full claim: €189.00</button>"
    assert accept_proposal in html
    assert accept_claim in html
    assert html.index(accept_proposal) < html.index(accept_claim)
    assert "I accept the consumer&#x27;s full claim: €189.00" in html
    assert "Accept the claim<" not in html and "Accept the proposal<" not in html


def test_accepting_the_full_claim_without_confirming_it_is_refused(client, mediator):
    w, _proposal = mediation_with_a_proposal(mediator)
    client.force_login(w.rep)

    response = client.post(
        _url(w, "odr:case_action", action="accept-claim"), {"accept-claim-version": w.case.version}
    )

    assert response.status_code == 400
    assert (
        "Tick the box to confirm that you accept the consumer&#x27;s full claim. To accept the "
        "mediator&#x27;s proposal instead, use its own button."
    ) in response.content.decode()
    assert w.reload().state == S.MEDIATION
    assert not CaseEvent.objects.filter(case=w.case, kind="merchant_accepted_claim").exists()


def test_accepting_the_full_claim_once_confirmed_settles_it(client, mediator):
    w, _proposal = mediation_with_a_proposal(mediator)
    client.force_login(w.rep)

    response = client.post(
        _url(w, "odr:case_action", action="accept-claim"),
        {"accept-claim-version": w.case.version, "accept-claim-confirm": "on"},
    )

    assert response.status_code == 302
    assert w.reload().state == S.SETTLED
    assert w.case.settlement.amount == Decimal("189.00")


def test_accepting_the_mediators_proposal_settles_on_the_proposal(client, mediator):
    w, proposal = mediation_with_a_proposal(mediator)
    client.force_login(w.rep)

    client.post(
        _url(w, "odr:offer_action", offer_id=proposal.pk, action="accept-proposal"),
        {"version": w.case.version},
    )

    proposal.refresh_from_db()
    assert proposal.merchant_accepted_at is not None
    assert w.reload().state == S.MEDIATION  # the consumer has yet to accept it
