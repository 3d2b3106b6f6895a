"""What passed deadlines do, and the reminders before them: the work of the per-minute sweep.

A passed deadline takes the action odr.rules.EXPIRY names for its kind; each action is a move
of its topic's module (screening, mediation, settlement, closing), the same functions a
person's move uses, applied to a whole batch of cases through one unit of work.
"""

from __future__ import annotations

from datetime import datetime

from django.db import transaction
from django.utils.translation import gettext_lazy

from .. import rules
from ..deadlines import reminder_due_at
from ..models import OPEN_STATES, Case
from ._kernel import K, UnitOfWork, logger, now_or
from .closing import expire_mediation
from .mediation import MediatorPool, expire_merchant_response, expire_negotiation
from .screening import expire_consumer_info
from .settlement import expire_fulfilment

# The move of each system action of odr.rules.TRANSITIONS.
EXPIRY_MOVES = {
    "expire_consumer_info": expire_consumer_info,
    "expire_merchant_response": expire_merchant_response,
    "expire_negotiation": expire_negotiation,
    "expire_mediation": expire_mediation,
    "expire_fulfilment": expire_fulfilment,
}


@transaction.atomic
def cases_expire_deadlines(
    *, case_ids: list[int], now: datetime | None = None, pool: MediatorPool | None = None
) -> dict[int, str]:
    """What a passed deadline does (the case diagram of docs/design.md), done by the system
    (actor None), for a batch of cases at once: the sweep's batches cost the same few queries
    whatever they hold (UnitOfWork.commit); ``pool`` carries the mediators' loads from one
    batch to the next.

    Returns {case id: event kind written} for the cases that moved. A case whose deadline is
    not past, or that already moved on, is left as it is: that check under the lock is what
    makes the sweep idempotent (a second run finds a future deadline, or none, and does
    nothing).
    """
    now = now_or(now)
    pool = pool or MediatorPool()
    cases = (
        Case.objects.select_for_update(of=("self",))
        .select_related("complaint__consumer", "mediator")
        # What the moves and their notices read of the complaint and the people (a hundred
        # complaints and accounts in full cost more to load than to move the cases).
        .only(
            *(field.name for field in Case._meta.concrete_fields),
            "complaint__reference",
            "complaint__language",
            "complaint__consumer__is_active",
            "complaint__consumer__preferred_language",
            "mediator__is_active",
            "mediator__preferred_language",
        )
        .filter(pk__in=list(case_ids))
        .order_by("pk")
    )
    uow = UnitOfWork()
    moved = {}
    for case in cases:
        if case.state not in OPEN_STATES or case.deadline_at is None or case.deadline_at > now:
            continue
        kind = _expire(case, now=now, uow=uow, pool=pool)
        if kind:
            moved[case.pk] = kind
    uow.commit(bulk=True)
    return moved


def case_expire_deadline(*, case_id: int, now: datetime | None = None) -> str | None:
    """``cases_expire_deadlines`` for one case: the event kind written, or None."""
    return cases_expire_deadlines(case_ids=[case_id], now=now).get(case_id)


def _expire(case: Case, *, now: datetime, uow: UnitOfWork, pool: MediatorPool) -> str | None:
    action = rules.EXPIRY.get(case.deadline_kind)
    if action is None or not rules.allowed(case, action):
        logger.warning(
            "Case %s: deadline %s does not fit state %s", case.pk, case.deadline_kind, case.state
        )
        return None
    return EXPIRY_MOVES[action](case, now=now, uow=uow, pool=pool)


_REMINDERS = {
    K.CONSUMER_INFO: {
        "consumer": gettext_lazy(
            "Reminder: the mediator is waiting for your information on case %(reference)s."
        ),
    },
    K.MERCHANT_RESPONSE: {
        "merchant": gettext_lazy(
            "Reminder: case %(reference)s needs your answer before the deadline, or it goes "
            "to mediation without you."
        ),
    },
    K.NEGOTIATION: {
        "consumer": gettext_lazy(
            "Reminder: negotiation on case %(reference)s ends soon; without agreement it goes "
            "to mediation."
        ),
        "merchant": gettext_lazy(
            "Reminder: negotiation on case %(reference)s ends soon; without agreement it goes "
            "to mediation."
        ),
    },
    K.MEDIATION: {
        "mediator": gettext_lazy(
            "Reminder: mediation time on case %(reference)s ends soon; then it is referred."
        ),
        "consumer": gettext_lazy("Reminder: mediation time on case %(reference)s ends soon."),
        "merchant": gettext_lazy("Reminder: mediation time on case %(reference)s ends soon."),
    },
    K.FULFILMENT: {
        "merchant": gettext_lazy(
            "Reminder: the settlement of case %(reference)s must be fulfilled before the deadline."
        ),
        "consumer": gettext_lazy(
            "Reminder: confirm on the case page once you have received the settlement of case "
            "%(reference)s."
        ),
    },
}


@transaction.atomic
def case_send_reminder(*, case_id: int, now: datetime | None = None) -> bool:
    """Remind whoever must act before the current deadline, once per deadline.

    ``reminder_sent_for`` holds the deadline reminded of: a new deadline gets its own reminder,
    the same one never a second. A reminder does not move the case, so the version stays: the
    case row is saved here, not through the unit of work (which moves the version).
    """
    now = now_or(now)
    case = Case.objects.select_for_update().get(pk=case_id)
    deadline = case.deadline_at
    texts = _REMINDERS.get(case.deadline_kind)
    if (
        not texts
        or not case.is_open
        or deadline is None
        or case.reminder_sent_for == deadline
        or not reminder_due_at(deadline) <= now < deadline
    ):
        return False
    case.reminder_sent_for = deadline
    case.save(update_fields=["reminder_sent_for", "updated_at"])
    uow = UnitOfWork()
    uow.event(
        case=case,
        kind="reminder_sent",
        from_state=case.state,
        data={"deadline_kind": case.deadline_kind},
    )
    uow.notice(case, "reminder", **texts)
    uow.commit()
    return True
