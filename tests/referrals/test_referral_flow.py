"""A referred case sent to an outside body and followed to an answer (issue 15 part 5): what is
sent and how, the status flow, the consumer's report, the reminder, and the outcome credit
reads."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.core import mail
from django.core.exceptions import PermissionDenied, ValidationError
from django.test import override_settings
from django.utils import timezone

from credit.selectors import complaint_statistics
from odr.models import CaseEvent, CaseState, Notification
from referrals import services, tasks
from referrals.models import Referral, ReferralBody, ReferralStatus
from tests.odr.builders import build

pytestmark = pytest.mark.django_db

LETTER = "Dear Sir or Madam, we refer this case to you."


@pytest.fixture
def referred(mediator):
    w = build(CaseState.REFERRED, mediator)
    complaint = w.case.complaint
    complaint.consumer_country = "DE"
    complaint.save()
    w.merchant.country = "FR"
    w.merchant.save()
    return w


def _body(name="econsumer.gov"):
    return ReferralBody.objects.get(name=name)


def _email_body():
    return ReferralBody.objects.create(
        name="Test ADR body",
        kind="adr_body",
        serves_all_countries=True,
        channels="email,web_form",
        email="cases@adr.example.test",
        website="https://adr.example.test/",
        source="https://adr.example.test/about",
    )


def _refer(w, body=None, **kwargs):
    return services.referral_create(
        case_id=w.case.pk,
        body_id=(body or _body()).pk,
        mediator=w.mediator,
        covering_letter=kwargs.pop("covering_letter", LETTER),
        **kwargs,
    )


def test_a_referral_issues_a_signed_dossier_and_records_an_event(referred):
    referral = _refer(referred)

    assert referral.channel == "web_form"  # econsumer.gov takes cases by its web form
    assert referral.status == ReferralStatus.SENT
    assert referral.dossier.case == referred.case
    event = CaseEvent.objects.filter(case=referred.case).order_by("-seq").first()
    assert event.kind == "referral_made"
    assert event.data["body_name"] == "econsumer.gov"
    assert event.data["dossier_sha256"] == referral.dossier.sha256
    assert Notification.objects.filter(
        user=referred.consumer, case=referred.case, kind="referral_made"
    ).exists()


def test_a_body_that_takes_e_mail_is_sent_the_pdf_after_commit(
    referred, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        referral = _refer(referred, _email_body())

    assert referral.channel == "email"
    sent = [m for m in mail.outbox if m.to == ["cases@adr.example.test"]]
    assert len(sent) == 1
    assert LETTER in sent[0].body
    assert referral.dossier.sha256 in sent[0].body
    (name, content, mimetype) = sent[0].attachments[0]
    assert (name, mimetype) == (
        f"dossier-{referred.case.complaint.reference}.pdf",
        "application/pdf",
    )
    assert content == referral.dossier.pdf.open("rb").read()
    referral.refresh_from_db()
    assert referral.emailed_at is not None
    # Sending again (a redelivered task) sends nothing more.
    assert tasks.email_referral(referral.pk) is False


def test_a_rolled_back_referral_sends_nothing(referred, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        _refer(referred, _email_body())

    assert callbacks  # the e-mail waits for the commit, which never comes
    assert [m for m in mail.outbox if m.to == ["cases@adr.example.test"]] == []


def test_only_a_referred_case_is_sent_and_only_by_a_mediator(mediator):
    w = build(CaseState.MEDIATION, mediator)
    with pytest.raises(ValidationError):
        _refer(w)
    referred = build(CaseState.REFERRED, mediator)
    with pytest.raises(PermissionDenied):
        services.referral_create(
            case_id=referred.case.pk,
            body_id=_body().pk,
            mediator=referred.consumer,
            covering_letter=LETTER,
        )
    assert Referral.objects.count() == 0


def test_a_body_outside_the_case_s_countries_needs_the_mediator_s_reason(referred):
    samr = _body("National 12315 Platform (State Administration for Market Regulation)")

    with pytest.raises(ValidationError) as refused:
        _refer(referred, samr)
    assert "mismatch_reason" in refused.value.message_dict

    referral = _refer(referred, samr, mismatch_reason="The seller ships from a Shenzhen warehouse.")
    event = CaseEvent.objects.filter(case=referred.case, kind="referral_made").get()
    assert event.note == "The seller ships from a Shenzhen warehouse."
    assert referral.mismatch_reason == event.note


def test_e_mail_cannot_be_chosen_for_a_body_without_an_address(referred):
    with pytest.raises(ValidationError) as refused:
        _refer(referred, channel="email")

    assert "channel" in refused.value.message_dict


def test_an_empty_letter_is_refused(referred):
    with pytest.raises(ValidationError) as refused:
        _refer(referred, covering_letter="   ")

    assert "covering_letter" in refused.value.message_dict


# The status flow, written out: from each status, the statuses it may move to. The three
# decisions end the referral.
FLOW = {
    "sent": {"acknowledged", "decided_for_consumer", "decided_against", "no_answer"},
    "acknowledged": {"sent", "decided_for_consumer", "decided_against", "no_answer"},
    "decided_for_consumer": set(),
    "decided_against": set(),
    "no_answer": set(),
}


@pytest.mark.parametrize("start", list(FLOW))
@pytest.mark.parametrize("to", list(FLOW))
def test_the_status_flow(referred, start, to):
    referral = _refer(referred)
    Referral.objects.filter(pk=referral.pk).update(status=start)

    if to == start or to in FLOW[start]:
        services.referral_set_status(referral_id=referral.pk, mediator=referred.mediator, status=to)
        referral.refresh_from_db()
        assert referral.status == to
    else:
        with pytest.raises(ValidationError):
            services.referral_set_status(
                referral_id=referral.pk, mediator=referred.mediator, status=to
            )


# What the body decided, as the case's outcome (and so for credit).
OUTCOMES = {
    "acknowledged": None,  # unchanged
    "no_answer": None,
    "decided_for_consumer": "referred_unresolved",
    "decided_against": "rejected_unfounded",
}


@pytest.mark.parametrize(("status", "outcome"), list(OUTCOMES.items()))
def test_the_body_s_decision_is_the_case_s_outcome(referred, status, outcome):
    referral = _refer(referred)
    before = referred.case.outcome

    services.referral_set_status(referral_id=referral.pk, mediator=referred.mediator, status=status)

    referred.case.refresh_from_db()
    assert referred.case.outcome == (outcome or before)


def test_a_merchant_decided_against_counts_as_unresolved_and_one_cleared_does_not(mediator):
    against = build(CaseState.REFERRED, mediator)
    merchant = against.merchant
    statistics = complaint_statistics(merchant.pk)
    assert (statistics["total"], statistics["resolved"]) == (1, 0)

    referral = _refer(against)
    services.referral_set_status(
        referral_id=referral.pk, mediator=mediator, status="decided_for_consumer"
    )
    statistics = complaint_statistics(merchant.pk)
    assert (statistics["total"], statistics["decided"], statistics["resolved"]) == (1, 1, 0)

    cleared = build(CaseState.REFERRED, mediator)
    referral = _refer(cleared)
    services.referral_set_status(
        referral_id=referral.pk, mediator=mediator, status="decided_against"
    )
    assert complaint_statistics(cleared.merchant.pk)["total"] == 0


def test_the_consumer_reports_what_the_body_decided(referred):
    referral = _refer(referred)

    services.referral_report_outcome(
        referral_id=referral.pk,
        consumer=referred.consumer,
        status="decided_for_consumer",
        note="The authority ordered a refund.",
    )

    referral.refresh_from_db()
    assert referral.status == "decided_for_consumer"
    event = CaseEvent.objects.filter(case=referred.case).order_by("-seq").first()
    assert (event.kind, event.note) == (
        "referral_outcome_reported",
        "The authority ordered a refund.",
    )
    assert event.data["by"] == "consumer"


def test_nobody_else_reports_for_the_consumer(referred):
    referral = _refer(referred)

    for someone in (referred.rep, referred.mediator):
        with pytest.raises(PermissionDenied):
            services.referral_report_outcome(
                referral_id=referral.pk, consumer=someone, status="no_answer"
            )
    with pytest.raises(ValidationError):
        services.referral_report_outcome(
            referral_id=referral.pk, consumer=referred.consumer, status="sent"
        )


@override_settings(REDRESS_REFERRAL_OUTCOME_REMINDER_DAYS=30)
def test_the_consumer_is_reminded_after_the_configured_time_and_then_each_period(referred):
    referral = _refer(referred)
    sent = referral.created_at
    reminders = Notification.objects.filter(user=referred.consumer, kind="referral_reminder_sent")

    assert services.referral_remind(referral_id=referral.pk, now=sent + timedelta(days=29)) is False
    assert services.referral_remind(referral_id=referral.pk, now=sent + timedelta(days=30)) is True
    assert reminders.count() == 1
    # not again within the next period
    assert services.referral_remind(referral_id=referral.pk, now=sent + timedelta(days=45)) is False
    assert services.referral_remind(referral_id=referral.pk, now=sent + timedelta(days=60)) is True
    assert reminders.count() == 2


def test_a_decided_referral_is_never_reminded(referred):
    referral = _refer(referred)
    services.referral_set_status(
        referral_id=referral.pk, mediator=referred.mediator, status="decided_against"
    )

    later = timezone.now() + timedelta(days=400)
    assert list(services.referrals_due_for_reminder(later)) == []


def test_the_daily_task_reminds_every_due_referral(referred, mediator):
    first = _refer(referred)
    Referral.objects.filter(pk=first.pk).update(created_at=timezone.now() - timedelta(days=31))
    other = build(CaseState.REFERRED, mediator)
    _refer(other)  # sent today: not due

    assert tasks.remind_referral_outcomes() == 1


def test_the_covering_letter_is_in_the_complaint_s_language(mediator):
    w = build(CaseState.REFERRED, mediator, language="zh-hans")

    letter = services.covering_letter(w.case)

    assert w.case.complaint.reference in letter
    assert "尊敬的" in letter


def test_erasing_the_consumer_erases_the_dossier_s_text_and_pdf_not_its_seal(
    referred, django_capture_on_commit_callbacks
):
    from privacy.services import consumer_erasure_request
    from referrals.dossiers import verify

    referral = _refer(referred)
    dossier = referral.dossier

    with django_capture_on_commit_callbacks(execute=True):
        consumer_erasure_request(user_id=referred.consumer.pk)

    dossier.refresh_from_db()
    assert dossier.erased_at is not None
    assert (dossier.canonical_json, dossier.pdf.name) == ("", "")
    assert referred.consumer.full_name not in dossier.canonical_json
    result = verify(number=dossier.uid, sha256=dossier.sha256)
    assert result.authentic and result.erased
