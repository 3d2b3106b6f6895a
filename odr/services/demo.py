"""The one move only a demonstration makes: a case's running deadline set to another time, so
that a `make run` user sees the sweep's reminders and escalations without waiting for days
(``manage.py demo_deadline``). Never reachable from a page or the API."""

from __future__ import annotations

from datetime import UTC, datetime

from django.db import transaction
from django.utils.translation import gettext as _

from ..models import Case
from ._kernel import TransitionNotAllowed, UnitOfWork, lock


@transaction.atomic
def case_move_deadline(*, case_id: int, deadline_at: datetime) -> Case:
    """Give the case's running deadline (its kind unchanged) the time ``deadline_at``.

    The move is on the case's timeline like every other (by "the system", with the old and the
    new time): a demo case's history says that its clock was moved. A new deadline gets its own
    reminder (Case.reminder_sent_for names the deadline it was sent for).
    """
    case = lock(case_id, None)
    if not case.is_open or case.deadline_at is None:
        raise TransitionNotAllowed(_("This case has no running deadline to move."))
    before = case.deadline_at
    case.deadline_at = deadline_at.astimezone(UTC)
    uow = UnitOfWork()
    uow.save(case, ["deadline_at"])
    uow.event(
        case=case,
        kind="deadline_moved",
        from_state=case.state,
        data={
            "deadline_kind": case.deadline_kind,
            "from": before.isoformat(),
            "to": case.deadline_at.isoformat(),
        },
    )
    uow.commit()
    return case
