"""Reminding the consumer before their withdrawal right ends while the case is still open:
mediation does not stop the statutory period (complaints.rights) from running."""

from __future__ import annotations

from datetime import date, timedelta

from django.db import transaction
from django.utils import formats
from django.utils.translation import gettext_lazy

from complaints.rights import Status, complaint_rights

from ..models import Case
from ._kernel import UnitOfWork

# The reminder goes this many days before the right's last day (and on any day up to it).
RIGHT_REMINDER_DAYS = 2


class _RightEnding:
    """The notice's text, rendered in the recipient's language when it is written; it keeps
    ``%(reference)s`` for notify_many to fill."""

    def __init__(self, right):
        self.right = right

    def __str__(self) -> str:
        return gettext_lazy(
            "Your right to %(action)s ends on %(deadline)s (case %(reference)s). The case does "
            "not stop it: if you want to use it, tell the seller in writing before then."
        ) % {
            "action": str(self.right.action),
            "deadline": formats.date_format(self.right.deadline, "DATE_FORMAT"),
            "reference": "%(reference)s",
        }


@transaction.atomic
def case_remind_right_expiring(*, case_id: int, today: date) -> bool:
    """Tell the consumer that a withdrawal right of their open case ends within
    RIGHT_REMINDER_DAYS, once per right's deadline. The case does not move (no version bump);
    the reminder is on its timeline."""
    case = Case.objects.select_for_update().select_related("complaint").get(pk=case_id)
    if not case.is_open:
        return False
    ending = [
        r
        for r in complaint_rights(case.complaint, today=today)
        if r.status == Status.OPEN
        and r.deadline - timedelta(days=RIGHT_REMINDER_DAYS) <= today
        and case.right_reminder_sent_for != r.deadline
    ]
    if not ending:
        return False
    right = ending[0]
    case.right_reminder_sent_for = right.deadline
    case.save(update_fields=["right_reminder_sent_for", "updated_at"])
    uow = UnitOfWork()
    uow.event(
        case=case,
        kind="right_reminder_sent",
        from_state=case.state,
        data={"right": right.code, "deadline": right.deadline.isoformat()},
    )
    uow.notice(case, "right_expiring", consumer=_RightEnding(right))
    uow.commit()
    return True
