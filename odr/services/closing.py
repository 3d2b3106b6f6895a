"""The final stage: referral, the consumer's withdrawal, and the outcome a mediator records."""

from __future__ import annotations

from datetime import datetime

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from .. import rules
from ..models import Case, Outcome, Party
from ._kernel import (
    ALL_PARTIES,
    UnitOfWork,
    check,
    clear_deadline,
    enter,
    is_mediator,
    lock,
    now_or,
    require_consumer,
    require_mediator,
    required_text,
    supersede_open_offers,
)

_RATE_CASE = gettext_lazy(
    "Case %(reference)s is closed. Please tell us how it was handled (1 to 5)."
)


def close(case: Case, action: str, *, outcome: str, now: datetime, uow: UnitOfWork) -> None:
    """Close the case by ``action`` with its outcome; the credit engine and the consumer's
    rating follow. The consumer is asked once: a case closes once, and this is the only place
    that asks."""
    fields = enter(case, action)
    case.outcome = outcome
    case.closed_at = now
    uow.save(case, [*fields, "outcome", "closed_at", *clear_deadline(case)])
    uow.recompute_credit(case)
    uow.notice(case, "rate_case", consumer=_RATE_CASE)


def _referral_outcome(case: Case) -> str:
    # A merchant that never answered at any stage is why the case could not be resolved.
    if case.merchant_responded_at is None:
        return Outcome.MERCHANT_UNRESPONSIVE
    return Outcome.REFERRED_UNRESOLVED


def refer(
    case: Case, action: str, *, actor, kind: str, summary: str, now: datetime, uow: UnitOfWork
) -> None:
    """mediation or escalated -> referred, by a mediator (``refer``) or a passed mediation
    deadline (``expire_mediation``)."""
    from_state = case.state
    if summary:
        case.mediator_summary = summary
        uow.save(case, ["mediator_summary"])
    # The notice of the referral comes before the request to rate, as the consumer reads them.
    uow.notice(
        case,
        "referred",
        consumer=gettext_lazy(
            "Mediation of case %(reference)s ended without agreement. The case is referred; "
            "its dossier is on the case page for a consumer authority, arbitrator or court."
        ),
        merchant=gettext_lazy(
            "Mediation of case %(reference)s ended without agreement; the case is referred."
        ),
        exclude=(actor,),
    )
    close(case, action, outcome=_referral_outcome(case), now=now, uow=uow)
    uow.event(case=case, kind=kind, actor=actor, from_state=from_state, note=summary)


@transaction.atomic
def case_refer(
    *,
    case_id: int,
    mediator,
    summary: str,
    expected_version: int | None = None,
    now: datetime | None = None,
) -> Case:
    """Mediation failed: mediation (or an escalated settlement) -> referred, with the
    mediator's summary for the dossier."""
    now = now_or(now)
    case = lock(case_id, expected_version)
    require_mediator(mediator)
    check(case, "refer")
    summary = required_text(
        "summary", summary, _("Summarise the case for the authority it is referred to.")
    )
    uow = UnitOfWork()
    refer(case, "refer", actor=mediator, kind="referred", summary=summary, now=now, uow=uow)
    uow.commit()
    return case


@transaction.atomic
def case_withdraw(
    *,
    case_id: int,
    consumer,
    reason: str = "",
    expected_version: int | None = None,
    now: datetime | None = None,
) -> Case:
    """Any open stage -> withdrawn, at the consumer's wish."""
    now = now_or(now)
    case = lock(case_id, expected_version)
    require_consumer(case, consumer)
    check(case, "withdraw")
    from_state = case.state
    uow = UnitOfWork()
    case.awaiting_consumer_info = False
    uow.save(case, ["awaiting_consumer_info"])
    supersede_open_offers(case, parties=ALL_PARTIES, now=now)
    text = gettext_lazy("The consumer withdrew the complaint of case %(reference)s.")
    uow.notice(
        case,
        "withdrawn",
        merchant=text if case.accepted_at else None,
        mediator=text,
    )
    close(case, "withdraw", outcome=Outcome.WITHDRAWN, now=now, uow=uow)
    uow.event(
        case=case,
        kind="withdrawn",
        actor=consumer,
        party=Party.CONSUMER,
        from_state=from_state,
        note=reason.strip(),
    )
    uow.commit()
    return case


@transaction.atomic
def case_record_outcome(
    *,
    case_id: int,
    mediator,
    outcome: str,
    summary: str = "",
    expected_version: int | None = None,
    now: datetime | None = None,
) -> Case:
    """Record (or correct) the outcome of a resolved or referred case, within the outcomes its
    closing allows; the credit engine recomputes."""
    now = now_or(now)
    case = lock(case_id, expected_version)
    require_mediator(mediator)
    check(case, "record_outcome")
    if outcome not in rules.OUTCOMES_FOR_STATE[case.state]:
        raise ValidationError(
            {"outcome": _("This outcome does not fit a case that closed this way.")}
        )
    previous = case.outcome
    case.outcome = outcome
    uow = UnitOfWork()
    uow.save(case, ["outcome"])
    if summary.strip():
        case.mediator_summary = summary.strip()
        uow.save(case, ["mediator_summary"])
    uow.event(
        case=case,
        kind="outcome_recorded",
        actor=mediator,
        from_state=case.state,
        note=summary.strip(),
        data={"previous": previous, "outcome": outcome},
    )
    uow.recompute_credit(case)
    uow.commit()
    return case


def expire_mediation(case: Case, *, now: datetime, uow: UnitOfWork, **_context) -> str:
    """Mediation time ran out (or an escalated settlement stayed unpaid): referred."""
    refer(
        case,
        "expire_mediation",
        actor=None,
        kind="mediation_expired",
        summary="",
        now=now,
        uow=uow,
    )
    return "mediation_expired"


@transaction.atomic
def case_follow_referral(
    *,
    case_id: int,
    actor,
    kind: str,
    note: str = "",
    data: dict | None = None,
    outcome: str | None = None,
    notices: dict | None = None,
    now: datetime | None = None,
) -> Case:
    """A step of a referred case's follow-up, on the case's chain: a mediator sent it to a
    body or recorded the body's answer (``follow_referral``), or the consumer reported what the
    body decided (``report_referral_outcome``). ``outcome``, when given, is the case's outcome
    from now on (what the body decided; the credit engine recomputes). ``notices``: texts for
    ``uow.notice`` (consumer=, merchant=, mediator=)."""
    now = now_or(now)
    case = lock(case_id, None)
    if actor is None:  # the system (a reminder)
        action, party = "follow_referral", None
    elif is_mediator(actor):
        action, party = "follow_referral", Party.MEDIATOR
    else:
        require_consumer(case, actor)
        action, party = "report_referral_outcome", Party.CONSUMER
    check(case, action)
    uow = UnitOfWork()
    uow.save(case)  # its version moves: a page showing the referral before is stale
    previous = case.outcome
    if outcome and outcome != previous:
        case.outcome = outcome
        uow.save(case, ["outcome"])
        uow.recompute_credit(case)
    if notices:
        uow.notice(case, kind, exclude=(actor,) if actor else (), **notices)
    uow.event(
        case=case,
        kind=kind,
        actor=actor,
        party=party,
        from_state=case.state,
        note=note.strip(),
        data={**(data or {}), **({"previous": previous, "outcome": outcome} if outcome else {})},
    )
    uow.commit()
    return case
