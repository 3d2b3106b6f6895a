"""Held complaints end to end: submitted through the complaints service, screened at the
mediators' desk, and kept out of the merchant's credit until a mediator decides."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
import time_machine
from django.urls import reverse

from complaints import services as complaint_services
from complaints.models import Complaint, HoldDecision, HoldReason
from credit.services import credit_recompute
from odr import services
from odr.models import Case, CaseState, Outcome
from odr.selectors import credit_case_rows
from tests.credit.helpers import current_snapshot
from tests.factories import (
    CaseFactory,
    ComplaintFactory,
    MerchantRepresentativeFactory,
    RespondentFactory,
    UserFactory,
)

pytestmark = pytest.mark.django_db
S = CaseState
START = datetime(2026, 11, 2, 9, 0, tzinfo=UTC)
QUEUE = reverse("admin:odr_case_changelist")


@pytest.fixture
def flood(django_capture_on_commit_callbacks):
    """Three complaints in three hours from one account against one merchant: the third is
    held. Cases are opened by the ODR task the submission enqueues."""
    representation = MerchantRepresentativeFactory()
    consumer = UserFactory(role="consumer", date_joined=START - timedelta(days=200))
    cases = []
    with time_machine.travel(START, tick=False) as traveller:
        for _ in range(3):
            complaint = ComplaintFactory(consumer=consumer)
            RespondentFactory(complaint=complaint, merchant=representation.merchant)
            with django_capture_on_commit_callbacks(execute=True):
                complaint_services.complaint_submit(
                    complaint=complaint, consumer=consumer, consent=True
                )
            cases.append(Case.objects.select_related("complaint").get(complaint=complaint))
            traveller.shift(timedelta(hours=1))
    return representation, cases


def _rows(merchant):
    return {row["case_id"] for row in credit_case_rows().filter(merchant_id=merchant.pk)}


def _expire_merchant_answer(case_id):
    case = Case.objects.get(pk=case_id)
    services.case_expire_deadline(case_id=case_id, now=case.deadline_at + timedelta(seconds=1))


def _accept_and_leave_unanswered(mediator, *cases):
    """Accepted, then the merchant lets its answer deadline pass: outcomes that count."""
    for case in cases:
        services.case_accept(case_id=case.pk, mediator=mediator)
        _expire_merchant_answer(case.pk)


def test_the_held_case_says_so_on_its_timeline_and_in_the_queue(client, mediator, flood):
    _, (first, _second, held) = flood
    assert held.complaint.held_reason == HoldReason.REPEATED
    assert held.events.filter(kind="held_for_screening", data__reason="repeated").exists()
    assert not first.events.filter(kind="held_for_screening").exists()
    client.force_login(mediator)

    waiting = client.get(QUEUE, {"held": "waiting"}).content.decode()
    everything = client.get(QUEUE).content.decode()

    assert held.complaint.reference in waiting
    assert first.complaint.reference not in waiting
    reason = str(HoldReason.REPEATED.label)
    assert reason in everything  # the column shows why it is held
    page = client.get(reverse("admin:odr_case_change", args=[held.pk])).content.decode()
    assert reason in page


def test_bulk_acceptance_leaves_a_held_complaint_for_screening(client, mediator, flood):
    _, cases = flood
    client.force_login(mediator)

    response = client.post(
        QUEUE,
        {"action": "accept_selected", "_selected_action": [c.pk for c in cases]},
        follow=True,
    )

    states = [Case.objects.get(pk=c.pk).state for c in cases]
    assert states == [S.AWAITING_MERCHANT, S.AWAITING_MERCHANT, S.SUBMITTED]
    html = response.content.decode()
    assert "2 case(s) done" in html
    assert cases[2].complaint.reference in html  # named with the reason it was not accepted


def test_the_service_accepts_a_held_complaint_only_when_the_hold_is_released(mediator, flood):
    _, (*_, held) = flood

    with pytest.raises(services.TransitionNotAllowed):
        services.case_accept(case_id=held.pk, mediator=mediator)
    assert Case.objects.get(pk=held.pk).state == S.SUBMITTED

    services.case_accept(case_id=held.pk, mediator=mediator, release_hold=True)

    held.refresh_from_db()
    held.complaint.refresh_from_db()
    assert held.state == S.AWAITING_MERCHANT
    assert held.complaint.hold_decision == HoldDecision.ACCEPTED
    assert held.complaint.hold_decided_by == mediator
    assert held.events.get(kind="accepted").data["hold_released"] is True


def test_the_desk_accept_form_asks_to_release_the_hold(client, mediator, flood):
    _, (*_, held) = flood
    client.force_login(mediator)
    url = reverse("admin:odr_case_act", args=[held.pk, "accept"])

    form = client.get(url).content.decode()
    refused = client.post(url, {"version": held.version, "note": ""})
    assert Case.objects.get(pk=held.pk).state == S.SUBMITTED
    accepted = client.post(url, {"version": held.version, "note": "", "release_hold": "on"})

    assert 'name="release_hold"' in form
    assert refused.status_code == 200  # the form again, with the box to tick
    assert accepted.status_code == 302
    assert Case.objects.get(pk=held.pk).state == S.AWAITING_MERCHANT


def test_a_held_complaint_moves_no_credit_until_accepted_then_counts_normally(
    mediator, flood, django_capture_on_commit_callbacks
):
    representation, (first, second, held) = flood
    merchant = representation.merchant
    with django_capture_on_commit_callbacks(execute=True):
        _accept_and_leave_unanswered(mediator, first, second)
    before = current_snapshot(merchant.pk)
    assert before.case_count == 2
    assert _rows(merchant) == {first.pk, second.pk}

    with django_capture_on_commit_callbacks(execute=True):
        services.case_accept(case_id=held.pk, mediator=mediator, release_hold=True)
        _expire_merchant_answer(held.pk)

    assert Case.objects.get(pk=held.pk).outcome == Outcome.MERCHANT_UNRESPONSIVE
    assert _rows(merchant) == {first.pk, second.pk, held.pk}
    after = current_snapshot(merchant.pk)
    assert after.case_count == 3
    assert after.score < before.score  # one more unanswered complaint counts against it


def test_a_held_complaint_rejected_as_unfounded_never_counts(
    mediator, flood, django_capture_on_commit_callbacks
):
    representation, (first, second, held) = flood
    merchant = representation.merchant
    with django_capture_on_commit_callbacks(execute=True):
        _accept_and_leave_unanswered(mediator, first, second)
    before = current_snapshot(merchant.pk)

    with django_capture_on_commit_callbacks(execute=True):
        services.case_reject(case_id=held.pk, mediator=mediator, reason="Repeated filing.")
    credit_recompute(merchant_ids=[merchant.pk])

    held.complaint.refresh_from_db()
    assert held.complaint.hold_decision == HoldDecision.REJECTED
    assert held.pk not in _rows(merchant)
    after = current_snapshot(merchant.pk)
    assert (after.pk, after.score, after.case_count) == (before.pk, before.score, 2)


def test_the_credit_selector_leaves_out_held_cases_whatever_their_columns_say():
    """credit_case_rows is the credit engine's only view of cases: a held complaint's case is
    not in it even if its columns would count (accepted, decided), until the hold is accepted."""
    representation = MerchantRepresentativeFactory()
    merchant = representation.merchant
    counted = CaseFactory(merchant=merchant, state="referred", outcome="merchant_unresponsive")
    held = CaseFactory(
        merchant=merchant,
        state="referred",
        outcome="merchant_unresponsive",
        complaint__held_reason=HoldReason.NEW_ACCOUNT,
        complaint__held_at=START,
    )

    assert _rows(merchant) == {counted.pk}
    result = credit_recompute(merchant_ids=[merchant.pk])
    assert result.merchants == 1
    assert current_snapshot(merchant.pk).case_count == 1

    Complaint.objects.filter(pk=held.complaint_id).update(hold_decision=HoldDecision.ACCEPTED)
    assert _rows(merchant) == {counted.pk, held.pk}
    credit_recompute(merchant_ids=[merchant.pk])
    assert current_snapshot(merchant.pk).case_count == 2
