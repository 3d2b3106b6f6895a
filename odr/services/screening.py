"""Opening a case and screening it: accept, reject, ask the consumer and their answer."""

from __future__ import annotations

from datetime import datetime

from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from complaints.models import Complaint, HoldDecision
from complaints.services import complaint_decide_hold

from .. import events
from ..models import Case, Message, Outcome, Party
from ._kernel import (
    K,
    S,
    TransitionNotAllowed,
    UnitOfWork,
    check,
    enter,
    lock,
    now_or,
    require_consumer,
    require_mediator,
    required_text,
    set_deadline,
)
from .closing import close


@transaction.atomic
def case_open(*, complaint_id: int, now: datetime | None = None) -> Case | None:
    """Open the case of a submitted complaint; the existing one if it is already open, None if
    the complaint is not submitted. Safe to call any number of times."""
    now = now_or(now)
    # Locking the complaint makes two concurrent calls open one case, not fail on the unique key.
    complaint = Complaint.objects.select_for_update().filter(pk=complaint_id).first()
    if complaint is None or complaint.status != Complaint.Status.SUBMITTED:
        return None
    existing = Case.objects.filter(complaint=complaint).first()
    if existing is not None:
        return existing
    case = Case(complaint=complaint, state=S.SUBMITTED)
    set_deadline(case, K.SCREENING, now)
    try:
        with transaction.atomic():
            case.save()
    except IntegrityError:
        # Another process opened it between our check and our insert (databases without row
        # locks); theirs is the case.
        return Case.objects.get(complaint=complaint)
    # The case row is new: its first events are its chain's first links.
    events.record(case=case, kind="case_opened", from_state="")
    if complaint.held_at is not None:
        events.record(
            case=case,
            kind="held_for_screening",
            from_state="",
            data={"reason": complaint.held_reason},
        )
    return case


@transaction.atomic
def case_accept(
    *,
    case_id: int,
    mediator,
    note: str = "",
    release_hold: bool = False,
    expected_version: int | None = None,
    now: datetime | None = None,
) -> Case:
    """submitted -> awaiting_merchant: in scope; the merchant's answer is now due.

    A complaint held for screening (flooding) is accepted only with ``release_hold``: the
    mediator says they looked at this one, so a bulk acceptance never lets a flood through.
    From then on it counts like any other."""
    now = now_or(now)
    case = lock(case_id, expected_version)
    require_mediator(mediator)
    check(case, "accept")
    held = case.complaint.is_held
    if held and not release_hold:
        raise TransitionNotAllowed(
            _(
                "This complaint is held for screening (%(reason)s). Open the case, check it and "
                "accept it there, confirming that the hold is released."
            )
            % {"reason": case.complaint.get_held_reason_display()}
        )
    if held:
        complaint_decide_hold(
            complaint_id=case.complaint_id, decision=HoldDecision.ACCEPTED, by=mediator, now=now
        )
    from_state = case.state
    case.accepted_at = now
    case.awaiting_consumer_info = False
    fields = [*enter(case, "accept"), "accepted_at", "awaiting_consumer_info"]
    fields += set_deadline(case, K.MERCHANT_RESPONSE, now)
    case.merchant_response_due_at = case.deadline_at
    fields.append("merchant_response_due_at")
    uow = UnitOfWork()
    uow.save(case, fields)
    uow.event(
        case=case,
        kind="accepted",
        actor=mediator,
        from_state=from_state,
        note=note,
        data={"hold_released": True} if held else None,
    )
    uow.notice(
        case,
        "accepted",
        consumer=gettext_lazy(
            "Your complaint %(reference)s was accepted. The merchant has been asked to answer."
        ),
        merchant=gettext_lazy(
            "A complaint naming your business, %(reference)s, needs your answer."
        ),
    )
    uow.commit()
    return case


@transaction.atomic
def case_reject(
    *,
    case_id: int,
    mediator,
    reason: str,
    expected_version: int | None = None,
    now: datetime | None = None,
) -> Case:
    """submitted -> rejected: out of scope or unfounded; the reason is shown to the consumer."""
    now = now_or(now)
    case = lock(case_id, expected_version)
    require_mediator(mediator)
    check(case, "reject")
    reason = required_text("reason", reason, _("Give the reason the consumer will read."))
    if case.complaint.is_held:
        # Rejected at screening: a held complaint then never counts for anyone's credit.
        complaint_decide_hold(
            complaint_id=case.complaint_id, decision=HoldDecision.REJECTED, by=mediator, now=now
        )
    from_state = case.state
    case.rejection_reason = reason
    case.awaiting_consumer_info = False
    uow = UnitOfWork()
    uow.save(case, ["rejection_reason", "awaiting_consumer_info"])
    uow.notice(
        case,
        "rejected",
        consumer=gettext_lazy(
            "Your complaint %(reference)s was not accepted. The reason is on the case page."
        ),
    )
    close(case, "reject", outcome=Outcome.REJECTED_UNFOUNDED, now=now, uow=uow)
    uow.event(case=case, kind="rejected", actor=mediator, from_state=from_state, note=reason)
    uow.commit()
    return case


@transaction.atomic
def case_request_info(
    *,
    case_id: int,
    mediator,
    question: str,
    expected_version: int | None = None,
    now: datetime | None = None,
) -> Case:
    """Screening waits for the consumer's answer, with its own deadline (state stays submitted)."""
    now = now_or(now)
    case = lock(case_id, expected_version)
    require_mediator(mediator)
    check(case, "request_info")
    if case.awaiting_consumer_info:
        raise TransitionNotAllowed(_("The consumer has already been asked and has not answered."))
    question = required_text("question", question, _("Write what the consumer should send."))
    case.awaiting_consumer_info = True
    uow = UnitOfWork()
    uow.save(case, ["awaiting_consumer_info", *set_deadline(case, K.CONSUMER_INFO, now)])
    Message.objects.create(case=case, author=mediator, party=Party.MEDIATOR, body=question)
    uow.event(
        case=case, kind="info_requested", actor=mediator, from_state=case.state, note=question
    )
    uow.notice(
        case,
        "info_requested",
        consumer=gettext_lazy(
            "The mediator needs more information about your complaint %(reference)s."
        ),
    )
    uow.commit()
    return case


@transaction.atomic
def case_info_provided(
    *,
    case_id: int,
    consumer,
    text: str,
    expected_version: int | None = None,
    now: datetime | None = None,
) -> Case:
    """The consumer answers the mediator's question; screening resumes with a fresh deadline."""
    now = now_or(now)
    case = lock(case_id, expected_version)
    require_consumer(case, consumer)
    check(case, "provide_info")
    if not case.awaiting_consumer_info:
        raise TransitionNotAllowed(_("Nobody is waiting for information on this case."))
    text = required_text("text", text, _("Write the information asked for."))
    case.awaiting_consumer_info = False
    uow = UnitOfWork()
    uow.save(case, ["awaiting_consumer_info", *set_deadline(case, K.SCREENING, now)])
    Message.objects.create(case=case, author=consumer, party=Party.CONSUMER, body=text)
    uow.event(
        case=case,
        kind="info_provided",
        actor=consumer,
        party=Party.CONSUMER,
        from_state=case.state,
    )
    uow.notice(
        case,
        "info_provided",
        mediator=gettext_lazy("The consumer answered your question on case %(reference)s."),
    )
    uow.commit()
    return case


def expire_consumer_info(case: Case, *, now: datetime, uow: UnitOfWork, **_context) -> str:
    """A passed deadline for the consumer's answer: screening resumes without it."""
    from_state = case.state
    case.awaiting_consumer_info = False
    uow.save(case, ["awaiting_consumer_info", *set_deadline(case, K.SCREENING, now)])
    uow.event(case=case, kind="info_expired", from_state=from_state)
    uow.notice(
        case,
        "info_expired",
        mediator=gettext_lazy(
            "The consumer did not send the information asked for on case %(reference)s."
        ),
    )
    return "info_expired"
