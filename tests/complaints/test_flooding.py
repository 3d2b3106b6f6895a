"""Complaint flooding: many complaints from one account against one merchant in a short time,
or a new account's further complaints against one merchant, are held for screening."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
import time_machine
from django.utils import timezone

from complaints import services
from complaints.models import Complaint, HoldReason
from complaints.selectors import complaints_for_representative, evidence_downloadable_by
from odr.models import Case, CaseState
from odr.services import case_accept, case_open
from tests.factories import (
    ComplaintFactory,
    EvidenceFileFactory,
    MerchantFactory,
    MerchantRepresentativeFactory,
    RespondentFactory,
    UserFactory,
)

pytestmark = pytest.mark.django_db

START = datetime(2026, 11, 2, 9, 0, tzinfo=UTC)


def old_consumer():
    return UserFactory(role="consumer", date_joined=START - timedelta(days=90))


def file_complaint(consumer, *merchants, named: str = "") -> Complaint:
    complaint = ComplaintFactory(consumer=consumer)
    for merchant in merchants:
        RespondentFactory(complaint=complaint, merchant=merchant)
    if named:
        RespondentFactory(complaint=complaint, merchant=None, named_name=named)
    services.complaint_submit(complaint=complaint, consumer=consumer, consent=True)
    complaint.refresh_from_db()
    return complaint


@pytest.fixture
def merchant():
    return MerchantFactory()


def test_the_third_complaint_against_one_merchant_within_24_hours_is_held(merchant):
    consumer = old_consumer()
    with time_machine.travel(START, tick=False) as traveller:
        first = file_complaint(consumer, merchant)
        traveller.shift(timedelta(hours=5))
        second = file_complaint(consumer, merchant)
        traveller.shift(timedelta(hours=5))
        third = file_complaint(consumer, merchant)

    assert (first.held_reason, second.held_reason) == ("", "")
    assert first.held_at is None and not first.is_held
    assert third.held_reason == HoldReason.REPEATED
    assert third.held_at == START + timedelta(hours=10)
    assert third.is_held
    assert third.status == Complaint.Status.SUBMITTED  # held, not refused


def test_complaints_spread_beyond_the_window_are_not_held(merchant):
    consumer = old_consumer()
    with time_machine.travel(START, tick=False) as traveller:
        file_complaint(consumer, merchant)
        traveller.shift(timedelta(hours=13))
        file_complaint(consumer, merchant)
        # The first one is now more than 24 hours old: only one other in the window.
        traveller.shift(timedelta(hours=12))
        third = file_complaint(consumer, merchant)

    assert third.held_reason == ""


def test_complaints_against_different_merchants_or_from_others_do_not_add_up(merchant):
    consumer = old_consumer()
    with time_machine.travel(START, tick=False):
        file_complaint(consumer, merchant)
        file_complaint(consumer, MerchantFactory())
        file_complaint(old_consumer(), merchant)
        third_overall = file_complaint(consumer, MerchantFactory())

    assert third_overall.held_reason == ""


def test_a_merchant_named_twice_on_one_complaint_counts_it_once(merchant):
    consumer = old_consumer()
    with time_machine.travel(START, tick=False):
        file_complaint(consumer, merchant, merchant)
        second = file_complaint(consumer, merchant)

    assert second.held_reason == ""


def test_only_merchants_linked_in_the_directory_count(merchant):
    consumer = old_consumer()
    with time_machine.travel(START, tick=False):
        complaints = [file_complaint(consumer, named="Unknown Shop") for _ in range(3)]

    assert [c.held_reason for c in complaints] == ["", "", ""]


def test_a_new_accounts_second_complaint_against_one_merchant_is_held(merchant):
    with time_machine.travel(START, tick=False) as traveller:
        newcomer = UserFactory(role="consumer")
        first = file_complaint(newcomer, merchant)
        other_merchant = file_complaint(newcomer, MerchantFactory())
        traveller.shift(timedelta(hours=30))
        second = file_complaint(newcomer, merchant)

    assert first.held_reason == ""
    assert other_merchant.held_reason == ""
    assert second.held_reason == HoldReason.NEW_ACCOUNT


def test_an_account_older_than_the_new_account_period_is_not_held_for_a_second(merchant):
    with time_machine.travel(START, tick=False) as traveller:
        consumer = UserFactory(role="consumer")
        traveller.shift(timedelta(hours=47))
        file_complaint(consumer, merchant)
        traveller.shift(timedelta(hours=2))  # the account is 49 hours old now
        second = file_complaint(consumer, merchant)

    assert second.held_reason == ""


def test_the_thresholds_are_settings(settings, merchant):
    settings.REDRESS_FLOOD_COMPLAINTS = 2
    settings.REDRESS_FLOOD_NEW_ACCOUNT_HOURS = 0
    consumer = UserFactory(role="consumer")
    with time_machine.travel(timezone.now(), tick=False):
        first = file_complaint(consumer, merchant)
        second = file_complaint(consumer, merchant)

    assert first.held_reason == ""
    assert second.held_reason == HoldReason.REPEATED


def test_resubmitting_a_submitted_complaint_does_not_change_its_hold(merchant):
    consumer = old_consumer()
    with time_machine.travel(START, tick=False):
        file_complaint(consumer, merchant)
        second = file_complaint(consumer, merchant)
        file_complaint(consumer, merchant)
        again = services.complaint_submit(complaint=second, consumer=consumer, consent=True)

    assert again.held_reason == ""


def accept(complaint, mediator, **kwargs):
    """Screening accepts the complaint: only then is it forwarded to the merchants it names."""
    case = case_open(complaint_id=complaint.pk)
    return case_accept(case_id=case.pk, mediator=mediator, **kwargs)


def test_representatives_do_not_see_a_held_complaint_or_its_evidence(merchant, mediator):
    rep = MerchantRepresentativeFactory(merchant=merchant).user
    consumer = old_consumer()
    with time_machine.travel(START, tick=False):
        visible = [file_complaint(consumer, merchant) for _ in range(2)]
        held = file_complaint(consumer, merchant)
    EvidenceFileFactory(complaint=held)
    EvidenceFileFactory(complaint=visible[0])
    for complaint in visible:
        accept(complaint, mediator)
    # Even a held complaint whose case says "accepted" (only a mediator releasing the hold
    # gets it there) stays out of the representatives' sight while the hold stands.
    case_open(complaint_id=held.pk)
    Case.objects.filter(complaint=held).update(
        state=CaseState.AWAITING_MERCHANT, accepted_at=timezone.now()
    )

    listed = set(complaints_for_representative(rep))
    assert listed == set(visible)
    downloadable = evidence_downloadable_by(rep)
    assert downloadable.filter(complaint=visible[0]).exists()
    assert not downloadable.filter(complaint=held).exists()
    # The consumer still downloads the evidence of their own held complaint.
    assert evidence_downloadable_by(consumer).filter(complaint=held).exists()


def test_a_held_complaint_accepted_by_a_mediator_is_visible_to_representatives(merchant, mediator):
    rep = MerchantRepresentativeFactory(merchant=merchant).user
    consumer = old_consumer()
    with time_machine.travel(START, tick=False):
        for _ in range(2):
            file_complaint(consumer, merchant)
        held = file_complaint(consumer, merchant)
    accept(held, mediator, release_hold=True)

    held.refresh_from_db()
    assert not held.is_held
    assert held.hold_decided_by == mediator
    assert held in set(complaints_for_representative(rep))
