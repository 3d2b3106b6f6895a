"""Verification: pending, verified with an expiry, rejected with a reason, expired by the sweep."""

from __future__ import annotations

import datetime as dt

import pytest
import time_machine
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from merchants import services, tasks
from merchants.models import VerificationEvent, VerificationState
from tests.factories import MerchantFactory

pytestmark = pytest.mark.django_db

NOW = dt.datetime(2026, 6, 1, 9, 0, tzinfo=dt.UTC)


def test_verification_lasts_the_configured_period(merchant, mediator, settings):
    settings.REDRESS_VERIFICATION_VALID_DAYS = 365

    event = services.verification_verify(
        merchant_id=merchant.pk, reviewer=mediator, note="Licence seen.", now=NOW
    )

    merchant.refresh_from_db()
    assert merchant.verification_state == VerificationState.VERIFIED
    assert merchant.verified_at == NOW
    assert merchant.verification_expires_at == NOW + dt.timedelta(days=365)
    assert merchant.verified_by == mediator
    assert merchant.verified_version == 1
    assert (event.from_state, event.to_state, event.actor, event.note) == (
        "unverified",
        "verified",
        mediator,
        "Licence seen.",
    )
    assert event.expires_at == NOW + dt.timedelta(days=365)


def test_staff_can_choose_another_validity(merchant, mediator):
    services.verification_verify(merchant_id=merchant.pk, reviewer=mediator, valid_days=30, now=NOW)

    merchant.refresh_from_db()
    assert merchant.verification_expires_at == NOW + dt.timedelta(days=30)


def test_verifying_again_renews_the_period(merchant, mediator):
    services.verification_verify(merchant_id=merchant.pk, reviewer=mediator, now=NOW)
    later = NOW + dt.timedelta(days=300)

    services.verification_verify(
        merchant_id=merchant.pk, reviewer=mediator, now=later, valid_days=365
    )

    merchant.refresh_from_db()
    assert merchant.verification_expires_at == later + dt.timedelta(days=365)
    assert merchant.verification_events.count() == 2


def test_rejection_records_the_reason_and_removes_the_badge(
    merchant, mediator, mailoutbox, representative, django_capture_on_commit_callbacks
):
    services.verification_verify(merchant_id=merchant.pk, reviewer=mediator, now=NOW)

    with django_capture_on_commit_callbacks(execute=True):
        services.verification_reject(
            merchant_id=merchant.pk, reviewer=mediator, reason="The licence was revoked."
        )

    merchant.refresh_from_db()
    assert merchant.verification_state == VerificationState.REJECTED
    assert merchant.verification_note == "The licence was revoked."
    assert merchant.verified_at is None and merchant.verification_expires_at is None
    assert "The licence was revoked." in mailoutbox[-1].body


def test_rejection_needs_a_reason(merchant, mediator):
    with pytest.raises(ValidationError):
        services.verification_reject(merchant_id=merchant.pk, reviewer=mediator, reason=" ")

    merchant.refresh_from_db()
    assert merchant.verification_state == VerificationState.UNVERIFIED
    assert not VerificationEvent.objects.exists()


@pytest.mark.parametrize("service", ["verify", "reject", "expire"])
def test_a_representative_cannot_verify_anything(merchant, representative, service):
    calls = {
        "verify": lambda: services.verification_verify(
            merchant_id=merchant.pk, reviewer=representative
        ),
        "reject": lambda: services.verification_reject(
            merchant_id=merchant.pk, reviewer=representative, reason="x"
        ),
        "expire": lambda: services.verification_expire(
            merchant_id=merchant.pk, actor=representative
        ),
    }

    with pytest.raises(PermissionDenied):
        calls[service]()
    merchant.refresh_from_db()
    assert merchant.verification_state == VerificationState.UNVERIFIED


@pytest.mark.parametrize(
    ("start", "move"),
    [
        ("unverified", "expire"),
        ("rejected", "reject"),
        ("pending", "expire"),
    ],
)
def test_moves_that_make_no_sense_are_refused(merchant, mediator, start, move):
    if start == "rejected":
        services.verification_reject(merchant_id=merchant.pk, reviewer=mediator, reason="no")
    elif start == "pending":
        services.verification_mark_pending(merchant_id=merchant.pk, actor=mediator)
    moves = {
        "expire": lambda: services.verification_expire(merchant_id=merchant.pk, actor=mediator),
        "reject": lambda: services.verification_reject(
            merchant_id=merchant.pk, reviewer=mediator, reason="x"
        ),
    }

    with pytest.raises(services.VerificationNotAllowed):
        moves[move]()
    merchant.refresh_from_db()
    assert merchant.verification_state == start


# Every verification state by every move staff can make: allowed (True) or refused (False).
# Verifying a verified merchant renews it; only a current verification can expire.
VERIFICATION_MOVES = {
    #             pending verify  reject expire
    "unverified": (True, True, True, False),
    "pending": (False, True, True, False),
    "verified": (True, True, True, True),
    "rejected": (True, True, False, False),
    "expired": (True, True, True, False),
}
MOVE_TARGET = {
    "pending": "pending",
    "verify": "verified",
    "reject": "rejected",
    "expire": "expired",
}


@pytest.mark.parametrize(
    ("start", "move", "allowed"),
    [
        (start, move, allowed)
        for start, row in VERIFICATION_MOVES.items()
        for move, allowed in zip(MOVE_TARGET, row, strict=True)
    ],
)
def test_every_move_from_every_verification_state(merchant, mediator, start, move, allowed):
    type(merchant).objects.filter(pk=merchant.pk).update(verification_state=start)
    moves = {
        "pending": lambda: services.verification_mark_pending(
            merchant_id=merchant.pk, actor=mediator
        ),
        "verify": lambda: services.verification_verify(merchant_id=merchant.pk, reviewer=mediator),
        "reject": lambda: services.verification_reject(
            merchant_id=merchant.pk, reviewer=mediator, reason="The licence was revoked."
        ),
        "expire": lambda: services.verification_expire(merchant_id=merchant.pk, actor=mediator),
    }

    if allowed:
        event = moves[move]()
        assert (event.from_state, event.to_state) == (start, MOVE_TARGET[move])
    else:
        with pytest.raises(services.VerificationNotAllowed):
            moves[move]()
        assert not VerificationEvent.objects.filter(merchant=merchant).exists()
    merchant.refresh_from_db()
    assert merchant.verification_state == (MOVE_TARGET[move] if allowed else start)


def test_staff_mark_a_verification_expired_now(merchant, mediator):
    services.verification_verify(merchant_id=merchant.pk, reviewer=mediator, now=NOW)

    services.verification_expire(
        merchant_id=merchant.pk, actor=mediator, now=NOW + dt.timedelta(days=3)
    )

    merchant.refresh_from_db()
    assert merchant.verification_state == VerificationState.EXPIRED
    assert merchant.verification_expires_at == NOW + dt.timedelta(days=3)
    assert merchant.verified_at == NOW  # when it was verified stays known


def test_the_sweep_expires_only_what_is_due(mediator):
    due = MerchantFactory()
    later = MerchantFactory()
    never = MerchantFactory()
    services.verification_verify(merchant_id=due.pk, reviewer=mediator, valid_days=10, now=NOW)
    services.verification_verify(merchant_id=later.pk, reviewer=mediator, valid_days=20, now=NOW)

    expired = services.verifications_expire_due(now=NOW + dt.timedelta(days=10))

    assert expired == 1
    for merchant in (due, later, never):
        merchant.refresh_from_db()
    assert (due.verification_state, later.verification_state, never.verification_state) == (
        "expired",
        "verified",
        "unverified",
    )
    event = due.verification_events.first()
    assert event.actor is None and event.to_state == "expired"


def test_the_sweep_runs_in_batches_and_twice_does_nothing_twice(mediator):
    merchants = [MerchantFactory() for _ in range(5)]
    for merchant in merchants:
        services.verification_verify(
            merchant_id=merchant.pk, reviewer=mediator, valid_days=1, now=NOW
        )
    when = NOW + dt.timedelta(days=2)

    assert services.verifications_expire_due(now=when, batch_size=2) == 5
    assert services.verifications_expire_due(now=when, batch_size=2) == 0
    assert VerificationEvent.objects.filter(to_state="expired").count() == 5


def test_the_daily_task_expires_verifications_past_their_date(
    merchant, mediator, representative, mailoutbox, django_capture_on_commit_callbacks
):
    services.verification_verify(
        merchant_id=merchant.pk, reviewer=mediator, valid_days=365, now=NOW
    )

    with (
        time_machine.travel(NOW + dt.timedelta(days=366)),
        django_capture_on_commit_callbacks(execute=True),
    ):
        result = tasks.expire_verifications.delay().get()

    merchant.refresh_from_db()
    assert result == 1
    assert merchant.verification_state == VerificationState.EXPIRED
    assert any("expired" in m.subject for m in mailoutbox)


def test_the_task_is_scheduled_daily(settings):
    entry = settings.CELERY_BEAT_SCHEDULE["merchants-expire-verifications"]

    assert entry["task"] == "merchants.tasks.expire_verifications"
    assert entry["schedule"] == dt.timedelta(days=1)


def test_verified_representatives_are_told(
    merchant, mediator, representative, mailoutbox, django_capture_on_commit_callbacks
):
    representative.preferred_language = "zh-hans"
    representative.save()

    with django_capture_on_commit_callbacks(execute=True):
        services.verification_verify(merchant_id=merchant.pk, reviewer=mediator)

    assert mailoutbox[0].to == [representative.email]
    assert f"/zh-hans/merchants/{merchant.public_id}/" in mailoutbox[0].body


def test_nothing_is_sent_when_the_transaction_rolls_back(
    merchant, mediator, representative, mailoutbox, django_capture_on_commit_callbacks
):
    from django.db import transaction

    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        try:
            with transaction.atomic():
                services.verification_verify(merchant_id=merchant.pk, reviewer=mediator)
                raise RuntimeError("boom")
        except RuntimeError:
            pass

    assert callbacks == [] and mailoutbox == []
    merchant.refresh_from_db()
    assert merchant.verification_state == VerificationState.UNVERIFIED


def test_expiry_default_comes_from_the_setting(merchant, mediator, settings):
    settings.REDRESS_VERIFICATION_VALID_DAYS = 90
    before = timezone.now()

    services.verification_verify(merchant_id=merchant.pk, reviewer=mediator)

    merchant.refresh_from_db()
    assert (
        dt.timedelta(days=90)
        <= merchant.verification_expires_at - before
        < dt.timedelta(days=90, minutes=1)
    )
