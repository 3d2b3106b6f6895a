"""Mediation: entering it (at a party's request or when a deadline passes) and who mediates."""

from __future__ import annotations

from datetime import datetime

from django.db import transaction
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from ..models import Case, Outcome, Party
from ..selectors import mediators_by_load
from ._kernel import (
    K,
    TransitionNotAllowed,
    UnitOfWork,
    check,
    enter,
    is_mediator,
    lock,
    logger,
    now_or,
    party_of,
    require_mediator,
    set_deadline,
)


class MediatorPool:
    """The active mediators and their open cases, read once however many cases are assigned
    from it (the sweep assigns a batch of cases at a time); each assignment counts."""

    def __init__(self):
        self._mediators: list | None = None

    def take(self, language: str):
        """The least-loaded mediator who reads ``language``, else the least loaded (None when
        there is none); the choice counts as one more open case."""
        if self._mediators is None:
            self._mediators = list(mediators_by_load())
        if not self._mediators:
            return None
        mediator = min(
            self._mediators, key=lambda m: (m.preferred_language != language, m.load, m.pk)
        )
        mediator.load += 1
        return mediator


def auto_assign(case: Case, *, pool: MediatorPool | None = None) -> list[str]:
    """Give the case to the least-loaded mediator who reads the consumer's language (else the
    least loaded); no change when it already has one or nobody is available."""
    if case.mediator_id:
        return []
    mediator = (pool or MediatorPool()).take(case.complaint.language)
    if mediator is None:
        logger.warning("No active mediator to assign case %s to", case.pk)
        return []
    case.mediator = mediator
    return ["mediator"]


_ASSIGNED = gettext_lazy("Case %(reference)s was assigned to you.")


def record_assignment(case: Case, *, actor, from_state: str, uow: UnitOfWork) -> None:
    uow.event(
        case=case,
        kind="mediator_assigned",
        actor=actor,
        party=Party.MEDIATOR if actor else None,
        from_state=from_state,
        data={"mediator_id": case.mediator_id},
    )
    uow.notice(case, "mediator_assigned", mediator=_ASSIGNED, exclude=(actor,))


def enter_mediation(
    case: Case,
    action: str,
    *,
    kind: str,
    actor,
    party,
    now: datetime,
    uow: UnitOfWork,
    pool: MediatorPool | None = None,
    note: str = "",
) -> None:
    """-> mediation, with its deadline and a mediator if the case has none."""
    from_state = case.state
    fields = [*enter(case, action), *set_deadline(case, K.MEDIATION, now)]
    assigned = auto_assign(case, pool=pool)
    uow.save(case, fields + assigned)
    uow.event(case=case, kind=kind, actor=actor, party=party, from_state=from_state, note=note)
    if assigned:
        record_assignment(case, actor=None, from_state=case.state, uow=uow)
    text = gettext_lazy("Case %(reference)s is now in mediation.")
    uow.notice(
        case,
        "mediation",
        consumer=text,
        merchant=text,
        mediator=None if assigned else text,
        exclude=(actor,),
    )


@transaction.atomic
def case_request_mediation(
    *,
    case_id: int,
    user,
    reason: str = "",
    expected_version: int | None = None,
    now: datetime | None = None,
) -> Case:
    """negotiation -> mediation at either party's request."""
    now = now_or(now)
    case = lock(case_id, expected_version)
    party = party_of(case, user)
    check(case, "request_mediation")
    uow = UnitOfWork()
    enter_mediation(
        case,
        "request_mediation",
        kind="mediation_requested",
        actor=user,
        party=party,
        now=now,
        uow=uow,
        note=reason.strip(),
    )
    uow.commit()
    return case


@transaction.atomic
def case_assign_mediator(
    *,
    case_id: int,
    mediator,
    assigned_by,
    expected_version: int | None = None,
    now: datetime | None = None,
) -> Case:
    """Give an open case to ``mediator`` (assign to me, or to a colleague)."""
    now = now_or(now)
    case = lock(case_id, expected_version)
    require_mediator(assigned_by)
    check(case, "assign")
    if not is_mediator(mediator):
        raise TransitionNotAllowed(_("Cases can only be assigned to active mediators."))
    if case.mediator_id == mediator.pk:
        raise TransitionNotAllowed(_("The case is already assigned to this mediator."))
    case.mediator = mediator
    uow = UnitOfWork()
    uow.save(case, ["mediator"])
    record_assignment(case, actor=assigned_by, from_state=case.state, uow=uow)
    uow.commit()
    return case


@transaction.atomic
def case_auto_assign(
    *,
    case_id: int,
    assigned_by=None,
    expected_version: int | None = None,
    now: datetime | None = None,
) -> Case:
    """Assign an unassigned open case to the least-loaded mediator who reads its language."""
    now = now_or(now)
    case = lock(case_id, expected_version)
    if assigned_by is not None:
        require_mediator(assigned_by)
    check(case, "assign")
    if case.mediator_id:
        raise TransitionNotAllowed(_("The case already has a mediator."))
    if not auto_assign(case):
        raise TransitionNotAllowed(_("No active mediator is available."))
    uow = UnitOfWork()
    uow.save(case, ["mediator"])
    record_assignment(case, actor=assigned_by, from_state=case.state, uow=uow)
    uow.commit()
    return case


def expire_merchant_response(
    case: Case, *, now: datetime, uow: UnitOfWork, pool: MediatorPool
) -> str:
    """The merchant did not answer in time: the case goes to mediation without it."""
    # Recorded now, not at closing: not answering is what the credit engine must see at once
    # (docs/design.md: an unanswered case "counts against its credit at once").
    case.outcome = Outcome.MERCHANT_UNRESPONSIVE
    uow.save(case, ["outcome"])
    uow.recompute_credit(case)
    enter_mediation(
        case,
        "expire_merchant_response",
        kind="merchant_response_expired",
        actor=None,
        party=None,
        now=now,
        uow=uow,
        pool=pool,
    )
    return "merchant_response_expired"


def expire_negotiation(case: Case, *, now: datetime, uow: UnitOfWork, pool: MediatorPool) -> str:
    """Negotiation ended without agreement: the case goes to mediation."""
    enter_mediation(
        case,
        "expire_negotiation",
        kind="negotiation_expired",
        actor=None,
        party=None,
        now=now,
        uow=uow,
        pool=pool,
    )
    return "negotiation_expired"
