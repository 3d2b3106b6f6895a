"""The kernel every move of a case goes through (docs/design.md, "The case").

A move locks the case row (``lock``), refuses a stale form or a move the state does not allow
(``check``, ``odr.rules``), changes the case in memory and collects what it writes in a
``UnitOfWork``: the changed fields of each case, the events, the notices and the cases whose
merchants' credit must be recomputed. ``UnitOfWork.commit`` writes them: each changed case
once, its version bumped, its events appended to its hash chain, the notifications written,
and the e-mails and the credit recomputation enqueued after commit. The deadline sweep runs
the same moves over a batch of cases with one unit of work, committed in a fixed number of
statements (``commit(bulk=True)``). Nothing else writes a case.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, field
from datetime import datetime

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection
from django.db.models import F, Value
from django.db.models.functions import Greatest
from django.utils import timezone
from django.utils.translation import gettext as _

from complaints.models import Complaint
from core import integrity
from core.queue import enqueue_on_commit
from merchants.selectors import merchant_ids_represented_by

from .. import events, rules
from ..deadlines import deadline_for
from ..integrity import CASE_EVENTS
from ..models import Case, CaseEvent, CaseState, Offer, Party
from ..notifications import Notice, notify_many, representatives_of_cases
from ..selectors import linked_merchant_ids, linked_merchant_ids_of

logger = logging.getLogger("odr.services")

S = CaseState
K = Case.DeadlineKind


class TransitionNotAllowed(Exception):
    """A move that the case's state or the actor's role does not allow; nothing was changed."""

    def __init__(self, message: str):
        self.message = str(message)
        super().__init__(self.message)


class NotPermitted(TransitionNotAllowed, PermissionDenied):
    """The actor may not take this move on this case (their role, not the case's state).

    A PermissionDenied like every other app's refusal (the API answers 403), and a
    TransitionNotAllowed, so that a page showing a refused move shows this one too."""


class CaseChanged(TransitionNotAllowed):
    """The form was built from an older version of the case: someone else acted first."""

    def __init__(self, message: str | None = None):
        super().__init__(
            message
            or _(
                "The case changed while you were looking at it. Reload the page, check what "
                "happened and try again."
            )
        )


# --- locking and checking -----------------------------------------------------------------


def now_or(now: datetime | None) -> datetime:
    return now or timezone.now()


def lock(case_id: int, expected_version: int | None) -> Case:
    # The row lock serialises every move on one case: a second mediator's request waits here
    # until the first commits, then finds the new version and is told the case changed.
    case = Case.objects.select_for_update().get(pk=case_id)
    if expected_version is not None and case.version != int(expected_version):
        raise CaseChanged()
    return case


def lock_offer(offer_id: int, expected_version: int | None) -> tuple[Case, Offer]:
    case_id = Offer.objects.filter(pk=offer_id).values_list("case_id", flat=True).first()
    if case_id is None:
        raise TransitionNotAllowed(_("This offer does not exist."))
    case = lock(case_id, expected_version)
    # Read after the case lock: offers only change under it, so this is the current state.
    return case, Offer.objects.get(pk=offer_id)


def check(case: Case, action: str) -> None:
    if not rules.allowed(case, action):
        raise TransitionNotAllowed(
            _("This is not possible while the case is at the stage “%(state)s”.")
            % {"state": case.get_state_display()}
        )


def enter(case: Case, action: str) -> list[str]:
    """Move the case to the state ``action`` leads to (odr.rules.TRANSITIONS)."""
    target = rules.target(action)
    if target is None:
        return []
    case.state = target
    return ["state"]


# --- who acts -----------------------------------------------------------------------------


def is_mediator(user) -> bool:
    return bool(
        user is not None and user.is_active and user.is_staff and user.has_perm("odr.mediate_case")
    )


def require_mediator(user) -> None:
    if not is_mediator(user):
        raise NotPermitted(_("Only a mediator can do this."))


def require_consumer(case: Case, user) -> None:
    if user is None or case.complaint.consumer_id != user.pk:
        raise NotPermitted(_("Only the consumer who filed the complaint can do this."))


def merchant_of(case: Case, user) -> int:
    """The linked merchant ``user`` speaks for on this case (the lowest id if several)."""
    ids = merchant_ids_represented_by(user) & linked_merchant_ids(case) if user else set()
    if not ids or case.accepted_at is None:
        raise NotPermitted(
            _("Only a representative of a merchant named in the complaint can do this.")
        )
    return min(ids)


def party_of(case: Case, user) -> str:
    """consumer or merchant; anything else is refused."""
    if user is not None and case.complaint.consumer_id == user.pk:
        return Party.CONSUMER
    merchant_of(case, user)
    return Party.MERCHANT


def other(party: str) -> str:
    return Party.MERCHANT if party == Party.CONSUMER else Party.CONSUMER


# --- small changes many moves make ----------------------------------------------------------


def set_deadline(case: Case, kind: str, now: datetime) -> list[str]:
    case.deadline_at = deadline_for(kind, start=now)
    case.deadline_kind = kind
    return ["deadline_at", "deadline_kind"]


def clear_deadline(case: Case) -> list[str]:
    case.deadline_at = None
    case.deadline_kind = ""
    return ["deadline_at", "deadline_kind"]


def note_merchant_answer(case: Case, now: datetime) -> list[str]:
    """The merchant's first answer, whenever it comes: the credit engine measures it."""
    if case.merchant_responded_at is None:
        case.merchant_responded_at = now
        return ["merchant_responded_at"]
    return []


def supersede_open_offers(case: Case, *, parties: tuple[str, ...], now: datetime) -> None:
    Offer.objects.filter(case=case, state=Offer.State.OPEN, party__in=parties).update(
        state=Offer.State.SUPERSEDED, responded_at=now
    )


ALL_PARTIES = (Party.CONSUMER, Party.MERCHANT, Party.MEDIATOR)


def required_text(field_name: str, value: str, message) -> str:
    value = (value or "").strip()
    if not value:
        raise ValidationError({field_name: message})
    return value


# --- the unit of work ---------------------------------------------------------------------


@dataclass
class UnitOfWork:
    """What one move, or the moves of a batch of cases, write, collected so that ``commit``
    writes it together: each changed case with its fields, the events, the notices, and the
    cases whose merchants' credit must be recomputed."""

    changed: dict[int, tuple[Case, list[str]]] = field(default_factory=dict)
    events: list = field(default_factory=list)
    notices: list[Notice] = field(default_factory=list)
    recompute: list[Case] = field(default_factory=list)

    def save(self, case: Case, fields: list[str] = ()) -> None:
        """The case is written with these fields (none: only its version moves)."""
        _case, before = self.changed.get(case.pk, (case, []))
        self.changed[case.pk] = (case, list(dict.fromkeys([*before, *fields])))

    def event(self, **kwargs) -> None:
        self.events.append(events.build(**kwargs))

    def notice(self, case: Case, kind: str, *, exclude=(), **texts) -> None:
        self.notices.append(Notice(case=case, kind=kind, exclude=tuple(exclude), **texts))

    def recompute_credit(self, case: Case) -> None:
        self.recompute.append(case)

    def commit(self, *, bulk: bool = False) -> None:
        """Write what the unit holds. ``bulk`` (the sweep's batches): in a number of queries
        that does not depend on how many cases it holds: one UPDATE of the cases, one INSERT
        of the events, one of the notifications, one read of the merchants they name and one
        of those merchants' representatives; the credit recomputation and the e-mails are one
        task each."""
        changed = list(self.changed.values())
        if bulk and connection.vendor == "postgresql":
            # The rows are locked (select_for_update), so the values in hand are the current
            # ones and one UPDATE can write them all, with the heads of the cases' event chains
            # that sealing the new events moved on. Elsewhere (SQLite, without row locks) each
            # case keeps the conditional UPDATE of save_case, and each event the conditional
            # append.
            written = timezone.now()
            names = {"version", "updated_at", "events_count", "events_head"}
            for case, fields in changed:
                case.version += 1
                case.updated_at = written
                names.update(fields)
            for event in self.events:
                integrity.seal(CASE_EVENTS, event, parent=event.case)
            cases = {case.pk: case for case, _fields in changed}
            cases.update((event.case.pk, event.case) for event in self.events)
            if cases:
                update_cases(list(cases.values()), sorted(names))
            CaseEvent.objects.bulk_create(self.events)
        else:
            for case, fields in changed:
                save_case(case, fields)
            for event in self.events:
                integrity.append(CASE_EVENTS, event, parent=event.case)
        by_merchant = [n.case for n in self.notices if n.merchant is not None]
        linked = linked_merchant_ids_of(
            {case.pk: case for case in [*self.recompute, *by_merchant]}.values()
        )
        merchant_ids = sorted({m for case in self.recompute for m in linked[case.pk]})
        if merchant_ids:
            # By name: odr must not import credit (credit reads odr, never the reverse).
            enqueue_on_commit("credit.tasks.recompute_merchants", merchant_ids)
        representatives = representatives_of_cases(by_merchant, linked=linked)
        notify_many(self.notices, representatives=representatives)


def save_case(case: Case, fields: list[str]) -> None:
    """Write only ``fields`` and bump the version, on the condition that nobody else did.

    The version condition repeats the lock's guarantee on databases without row locks (SQLite):
    if another writer got in first, no row matches and the whole move rolls back.
    """
    values = {name: getattr(case, name) for name in dict.fromkeys(fields)}
    # updated_at is when the row was written, even when a caller gives the move another time.
    written = timezone.now()
    updated = Case.objects.filter(pk=case.pk, version=case.version).update(
        **values, version=F("version") + 1, updated_at=written
    )
    if updated != 1:
        raise CaseChanged()
    case.version += 1
    case.updated_at = written
    note_complaint_activity([case.complaint_id], written)


def note_complaint_activity(complaint_ids: list[int], when) -> None:
    """A case changed: activity on its complaint (the consumer's list is ordered by it)."""
    Complaint.objects.filter(pk__in=complaint_ids).update(
        last_activity_at=Greatest(F("last_activity_at"), Value(when))
    )


def update_cases(cases: list[Case], names: list[str]) -> None:
    """``UPDATE odr_case ... FROM (VALUES ...)``: these fields of these cases, in one statement
    (PostgreSQL). Django's bulk_update writes the same with a CASE per field and case, whose
    building cost more than everything else a batch of the sweep does."""
    fields = [Case._meta.get_field(name) for name in names]
    row = "(%s::bigint, " + ", ".join(f"%s::{f.db_type(connection)}" for f in fields) + ")"
    params: list = []
    for case in cases:
        params.append(case.pk)
        params.extend(
            f.get_db_prep_save(getattr(case, f.attname), connection=connection) for f in fields
        )
    quote = connection.ops.quote_name
    assignments = ", ".join(f"{quote(f.column)} = v.{quote(f.column)}" for f in fields)
    columns = ", ".join(["id", *(quote(f.column) for f in fields)])
    sql = (
        f"UPDATE {quote(Case._meta.db_table)} AS c SET {assignments} "  # noqa: S608
        f"FROM (VALUES {', '.join([row] * len(cases))}) AS v({columns}) WHERE c.id = v.id"
    )
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
    written = max((case.updated_at for case in cases if case.updated_at), default=None)
    if written is not None:
        note_complaint_activity([case.complaint_id for case in cases], written)
