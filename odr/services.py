"""Every change to a case: one function per move of the docs/design.md state machine, plus offers,
messages, mediator assignment, deadline expiry, reminders and ratings.

Each move locks the case row, refuses a stale form (``expected_version``) or a move the state
does not allow (TransitionNotAllowed, nothing changed), saves only the fields it changed, bumps
``version``, writes a CaseEvent, sets the next deadline, and tells the people who must act; all
work for later (e-mail, credit recomputation) leaves only after commit.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, field
from datetime import datetime
from decimal import Decimal

from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.db import IntegrityError, connection, transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from accounts import services as accounts_services
from accounts.models import PrivacyRequest
from complaints import services as complaints_services
from complaints.models import Complaint, HoldDecision, PseudonymisedReason, Remedy
from complaints.services import complaint_decide_hold, evidence_add_file
from core import integrity
from core.money import amount_bound, check_amount_bound, parse_amount, validate_currency
from core.queue import enqueue_on_commit
from core.text import clean_text
from merchants.models import Merchant
from merchants.selectors import merchant_ids_represented_by

from . import events, rules
from .deadlines import deadline_for, reminder_due_at
from .integrity import CASE_EVENTS
from .models import (
    OPEN_STATES,
    Case,
    CaseEvent,
    CaseRating,
    CaseState,
    Message,
    Notification,
    Offer,
    Outcome,
    Party,
    Settlement,
)
from .notifications import Notice, notify, notify_many, representatives_of_cases
from .selectors import (
    consumer_cases_to_pseudonymise,
    consumer_open_complaints,
    linked_merchant_ids,
    linked_merchant_ids_of,
    mediators_by_load,
)

logger = logging.getLogger(__name__)

S = CaseState
K = Case.DeadlineKind


class TransitionNotAllowed(Exception):
    """A move that the case's state or the actor's role does not allow; nothing was changed."""

    def __init__(self, message: str):
        self.message = str(message)
        super().__init__(self.message)


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


# --- building blocks ----------------------------------------------------------------------


def _now(now: datetime | None) -> datetime:
    return now or timezone.now()


def _lock(case_id: int, expected_version: int | None) -> Case:
    # The row lock serialises every move on one case: a second mediator's request waits here
    # until the first commits, then finds the new version and is told the case changed.
    case = Case.objects.select_for_update().get(pk=case_id)
    if expected_version is not None and case.version != int(expected_version):
        raise CaseChanged()
    return case


def _check(case: Case, action: str) -> None:
    if not rules.allowed(case, action):
        raise TransitionNotAllowed(
            _("This is not possible while the case is at the stage “%(state)s”.")
            % {"state": case.get_state_display()}
        )


def _save(case: Case, fields: list[str]) -> None:
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


def _set_deadline(case: Case, kind: str, now: datetime) -> list[str]:
    case.deadline_at = deadline_for(kind, start=now)
    case.deadline_kind = kind
    return ["deadline_at", "deadline_kind"]


def _clear_deadline(case: Case) -> list[str]:
    case.deadline_at = None
    case.deadline_kind = ""
    return ["deadline_at", "deadline_kind"]


def _is_mediator(user) -> bool:
    return bool(
        user is not None and user.is_active and user.is_staff and user.has_perm("odr.mediate_case")
    )


def _require_mediator(user) -> None:
    if not _is_mediator(user):
        raise TransitionNotAllowed(_("Only a mediator can do this."))


def _require_consumer(case: Case, user) -> None:
    if user is None or case.complaint.consumer_id != user.pk:
        raise TransitionNotAllowed(_("Only the consumer who filed the complaint can do this."))


def _merchant_of(case: Case, user) -> int:
    """The linked merchant ``user`` speaks for on this case (the lowest id if several)."""
    ids = merchant_ids_represented_by(user) & linked_merchant_ids(case) if user else set()
    if not ids or case.accepted_at is None:
        raise TransitionNotAllowed(
            _("Only a representative of a merchant named in the complaint can do this.")
        )
    return min(ids)


def _party(case: Case, user) -> str:
    """consumer or merchant; anything else is refused."""
    if user is not None and case.complaint.consumer_id == user.pk:
        return Party.CONSUMER
    _merchant_of(case, user)
    return Party.MERCHANT


def _other(party: str) -> str:
    return Party.MERCHANT if party == Party.CONSUMER else Party.CONSUMER


def _note_merchant_answer(case: Case, now: datetime) -> list[str]:
    """The merchant's first answer, whenever it comes: the credit engine measures it."""
    if case.merchant_responded_at is None:
        case.merchant_responded_at = now
        return ["merchant_responded_at"]
    return []


def _recompute_credit(case: Case) -> None:
    merchant_ids = sorted(linked_merchant_ids(case))
    if merchant_ids:
        # By name: odr must not import credit (credit reads odr, never the reverse).
        enqueue_on_commit("credit.tasks.recompute_merchants", merchant_ids)


@dataclass
class _Writes:
    """What one move, or the moves of a batch of cases, write, collected so that they are
    written together by ``_apply``: each changed case with its fields, the events, the
    notices, and the cases whose merchants' credit must be recomputed."""

    changed: dict[int, tuple[Case, list[str]]] = field(default_factory=dict)
    events: list = field(default_factory=list)
    notices: list[Notice] = field(default_factory=list)
    recompute: list[Case] = field(default_factory=list)

    def save(self, case: Case, fields: list[str]) -> None:
        _case, before = self.changed.get(case.pk, (case, []))
        self.changed[case.pk] = (case, list(dict.fromkeys([*before, *fields])))

    def event(self, **kwargs) -> None:
        self.events.append(events.build(**kwargs))

    def notice(self, case: Case, kind: str, **texts) -> None:
        self.notices.append(Notice(case=case, kind=kind, **texts))


def _apply(writes: _Writes, *, bulk: bool = False) -> None:
    """Write what ``writes`` holds, in a number of queries that does not depend on how many
    cases it holds when ``bulk`` (the sweep's batches): one UPDATE of the cases, one INSERT of
    the events, one of the notifications, one read of the merchants they name and one of those
    merchants' representatives; the credit recomputation and the e-mails are one task each."""
    changed = list(writes.changed.values())
    if bulk and connection.vendor == "postgresql":
        # The rows are locked (select_for_update), so the values in hand are the current ones
        # and one UPDATE can write them all, with the heads of the cases' event chains that
        # sealing the new events moved on. Elsewhere (SQLite, without row locks) each case keeps
        # the conditional UPDATE of _save, and each event the conditional append.
        written = timezone.now()
        names = {"version", "updated_at", "events_count", "events_head"}
        for case, fields in changed:
            case.version += 1
            case.updated_at = written
            names.update(fields)
        for event in writes.events:
            integrity.seal(CASE_EVENTS, event, parent=event.case)
        cases = {case.pk: case for case, _fields in changed}
        cases.update((event.case.pk, event.case) for event in writes.events)
        if cases:
            _update_cases(list(cases.values()), sorted(names))
        CaseEvent.objects.bulk_create(writes.events)
    else:
        for case, fields in changed:
            _save(case, fields)
        for event in writes.events:
            integrity.append(CASE_EVENTS, event, parent=event.case)
    needs_merchants = writes.recompute + [n.case for n in writes.notices if n.merchant is not None]
    linked = linked_merchant_ids_of({case.pk: case for case in needs_merchants}.values())
    merchant_ids = sorted({m for case in writes.recompute for m in linked[case.pk]})
    if merchant_ids:
        # By name: odr must not import credit (credit reads odr, never the reverse).
        enqueue_on_commit("credit.tasks.recompute_merchants", merchant_ids)
    representatives = representatives_of_cases(
        [n.case for n in writes.notices if n.merchant is not None], linked=linked
    )
    notify_many(writes.notices, representatives=representatives)


def _update_cases(cases: list[Case], names: list[str]) -> None:
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


def _close(
    case: Case, *, state: str, outcome: str, now: datetime, writes: _Writes | None = None
) -> list[str]:
    """Close the case with its outcome; the credit engine and the consumer's rating follow."""
    case.state = state
    case.outcome = outcome
    case.closed_at = now
    if writes is None:
        _recompute_credit(case)
    else:
        writes.recompute.append(case)
    return ["state", "outcome", "closed_at", *_clear_deadline(case)]


_RATE_CASE = gettext_lazy(
    "Case %(reference)s is closed. Please tell us how it was handled (1 to 5)."
)


def _after_close(case: Case, writes: _Writes | None = None) -> None:
    # Asked once: a case closes once, and this is the only place that asks.
    if writes is None:
        notify(case=case, kind="rate_case", consumer=_RATE_CASE)
    else:
        writes.notice(case, "rate_case", consumer=_RATE_CASE)


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


def _auto_assign(case: Case, *, pool: MediatorPool | None = None) -> list[str]:
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


def _record_assignment(
    case: Case, *, actor, from_state: str, writes: _Writes | None = None
) -> None:
    own = writes is None
    writes = _Writes() if own else writes
    writes.event(
        case=case,
        kind="mediator_assigned",
        actor=actor,
        party=Party.MEDIATOR if actor else None,
        from_state=from_state,
        data={"mediator_id": case.mediator_id},
    )
    writes.notice(case, "mediator_assigned", mediator=_ASSIGNED, exclude=(actor,))
    if own:
        _apply(writes)


def _supersede_open_offers(case: Case, *, parties: tuple[str, ...], now: datetime) -> None:
    Offer.objects.filter(case=case, state=Offer.State.OPEN, party__in=parties).update(
        state=Offer.State.SUPERSEDED, responded_at=now
    )


def _validated_offer(
    case: Case, *, kind: str, amount, currency: str, terms: str, beyond_bound_reason=None
) -> dict:
    """Field errors (kind, amount, currency, terms) or the clean values of an offer. The amount
    is bounded by the amount paid (core.money.amount_bound); ``beyond_bound_reason`` is the
    mediator's alone: given, the bound is lifted."""
    errors: dict[str, str] = {}
    if kind not in Offer.Kind.values:
        errors["kind"] = _("Choose what is offered.")
    code = (currency or "").strip().upper()
    order_currency = (case.complaint.currency or "").upper()
    value: Decimal | None = None
    if amount in (None, ""):
        if kind in rules.MONEY_KINDS:
            errors["amount"] = _("Enter the amount offered.")
    else:
        try:
            value = parse_amount(amount, currency=code or order_currency)
        except ValidationError as exc:
            errors["amount"] = exc.messages[0]
    if value is not None or code:
        if not code:
            code = order_currency
        try:
            code = validate_currency(code)
        except ValidationError as exc:
            errors["currency"] = exc.messages[0]
        else:
            if order_currency and code != order_currency:
                errors["currency"] = _(
                    "Offers on this case are in %(currency)s, the currency of the order."
                ) % {"currency": order_currency}
    if value is not None and "amount" not in errors and not beyond_bound_reason:
        try:
            check_amount_bound(
                value, kind=kind, paid=case.complaint.amount, currency=order_currency
            )
        except ValidationError as exc:
            errors["amount"] = exc.messages[0]
            if beyond_bound_reason is not None:
                errors["beyond_bound_reason"] = _(
                    "To propose more, give the reason: it is recorded in the case's history."
                )
    terms = clean_text(terms or "", multiline=True).strip()
    if value is None and not terms and "amount" not in errors:
        errors["terms"] = _("Describe what is offered.")
    if errors:
        raise ValidationError(errors)
    return {
        "kind": kind,
        "amount": value,
        "currency": code if value is not None else "",
        "terms": terms,
    }


def _required_text(field: str, value: str, message) -> str:
    value = (value or "").strip()
    if not value:
        raise ValidationError({field: message})
    return value


def _settle(
    case: Case,
    *,
    actor,
    party: str | None,
    terms: str,
    amount: Decimal | None,
    currency: str,
    payer: str,
    payer_merchant_id: int | None,
    recovered_from_id: int | None = None,
    offer: Offer | None = None,
    now: datetime,
) -> Settlement:
    """negotiation or mediation -> settled: record what was agreed and who pays by when."""
    from_state = case.state
    _supersede_open_offers(case, parties=(Party.CONSUMER, Party.MERCHANT, Party.MEDIATOR), now=now)
    settlement = Settlement.objects.create(
        case=case,
        offer=offer,
        terms=terms or (offer.get_kind_display() if offer else ""),
        amount=amount,
        currency=currency,
        payer=payer or Settlement.Payer.MERCHANT,
        payer_merchant_id=payer_merchant_id,
        recovered_from_id=recovered_from_id,
        due_at=deadline_for(K.FULFILMENT, start=now),
    )
    case.state = S.SETTLED
    fields = ["state", "awaiting_consumer_info", *_set_deadline(case, K.FULFILMENT, now)]
    case.awaiting_consumer_info = False
    _save(case, fields)
    events.record(
        case=case,
        kind="settled",
        actor=actor,
        party=party,
        from_state=from_state,
        data={"settlement_id": settlement.pk, "in_mediation": from_state == S.MEDIATION},
    )
    notify(
        case=case,
        kind="settled",
        consumer=gettext_lazy(
            "A settlement was agreed on case %(reference)s. Confirm on the case page once you "
            "have received it."
        ),
        merchant=gettext_lazy(
            "A settlement was agreed on case %(reference)s. Please fulfil it by the due date."
        ),
        mediator=gettext_lazy("A settlement was agreed on case %(reference)s."),
        exclude=[actor],
    )
    return settlement


# --- opening and screening ----------------------------------------------------------------


@transaction.atomic
def case_open(*, complaint_id: int, now: datetime | None = None) -> Case | None:
    """Open the case of a submitted complaint; the existing one if it is already open, None if
    the complaint is not submitted. Safe to call any number of times."""
    now = _now(now)
    # Locking the complaint makes two concurrent calls open one case, not fail on the unique key.
    complaint = Complaint.objects.select_for_update().filter(pk=complaint_id).first()
    if complaint is None or complaint.status != Complaint.Status.SUBMITTED:
        return None
    existing = Case.objects.filter(complaint=complaint).first()
    if existing is not None:
        return existing
    case = Case(complaint=complaint, state=S.SUBMITTED)
    _set_deadline(case, K.SCREENING, now)
    try:
        with transaction.atomic():
            case.save()
    except IntegrityError:
        # Another process opened it between our check and our insert (databases without row
        # locks); theirs is the case.
        return Case.objects.get(complaint=complaint)
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
    now = _now(now)
    case = _lock(case_id, expected_version)
    _require_mediator(mediator)
    _check(case, "accept")
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
    case.state = S.AWAITING_MERCHANT
    case.accepted_at = now
    case.awaiting_consumer_info = False
    fields = ["state", "accepted_at", "awaiting_consumer_info"]
    fields += _set_deadline(case, K.MERCHANT_RESPONSE, now)
    case.merchant_response_due_at = case.deadline_at
    fields.append("merchant_response_due_at")
    _save(case, fields)
    events.record(
        case=case,
        kind="accepted",
        actor=mediator,
        from_state=from_state,
        note=note,
        data={"hold_released": True} if held else None,
    )
    notify(
        case=case,
        kind="accepted",
        consumer=gettext_lazy(
            "Your complaint %(reference)s was accepted. The merchant has been asked to answer."
        ),
        merchant=gettext_lazy(
            "A complaint naming your business, %(reference)s, needs your answer."
        ),
    )
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
    now = _now(now)
    case = _lock(case_id, expected_version)
    _require_mediator(mediator)
    _check(case, "reject")
    reason = _required_text("reason", reason, _("Give the reason the consumer will read."))
    if case.complaint.is_held:
        # Rejected at screening: a held complaint then never counts for anyone's credit.
        complaint_decide_hold(
            complaint_id=case.complaint_id, decision=HoldDecision.REJECTED, by=mediator, now=now
        )
    from_state = case.state
    case.rejection_reason = reason
    case.awaiting_consumer_info = False
    fields = ["rejection_reason", "awaiting_consumer_info"]
    fields += _close(case, state=S.REJECTED, outcome=Outcome.REJECTED_UNFOUNDED, now=now)
    _save(case, fields)
    events.record(case=case, kind="rejected", actor=mediator, from_state=from_state, note=reason)
    notify(
        case=case,
        kind="rejected",
        consumer=gettext_lazy(
            "Your complaint %(reference)s was not accepted. The reason is on the case page."
        ),
    )
    _after_close(case)
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
    now = _now(now)
    case = _lock(case_id, expected_version)
    _require_mediator(mediator)
    _check(case, "request_info")
    if case.awaiting_consumer_info:
        raise TransitionNotAllowed(_("The consumer has already been asked and has not answered."))
    question = _required_text("question", question, _("Write what the consumer should send."))
    case.awaiting_consumer_info = True
    fields = ["awaiting_consumer_info", *_set_deadline(case, K.CONSUMER_INFO, now)]
    _save(case, fields)
    Message.objects.create(case=case, author=mediator, party=Party.MEDIATOR, body=question)
    events.record(
        case=case, kind="info_requested", actor=mediator, from_state=case.state, note=question
    )
    notify(
        case=case,
        kind="info_requested",
        consumer=gettext_lazy(
            "The mediator needs more information about your complaint %(reference)s."
        ),
    )
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
    now = _now(now)
    case = _lock(case_id, expected_version)
    _require_consumer(case, consumer)
    _check(case, "provide_info")
    if not case.awaiting_consumer_info:
        raise TransitionNotAllowed(_("Nobody is waiting for information on this case."))
    text = _required_text("text", text, _("Write the information asked for."))
    case.awaiting_consumer_info = False
    fields = ["awaiting_consumer_info", *_set_deadline(case, K.SCREENING, now)]
    _save(case, fields)
    Message.objects.create(case=case, author=consumer, party=Party.CONSUMER, body=text)
    events.record(
        case=case,
        kind="info_provided",
        actor=consumer,
        party=Party.CONSUMER,
        from_state=case.state,
    )
    notify(
        case=case,
        kind="info_provided",
        mediator=gettext_lazy("The consumer answered your question on case %(reference)s."),
    )
    return case


# --- the merchant's answer ----------------------------------------------------------------


def _merchant_answered(case: Case, *, kind: str, actor, now: datetime, note: str = "", data=None):
    """awaiting_merchant -> negotiation: the merchant's first answer (docs/design.md)."""
    from_state = case.state
    case.state = S.NEGOTIATION
    fields = ["state", *_note_merchant_answer(case, now), *_set_deadline(case, K.NEGOTIATION, now)]
    _save(case, fields)
    events.record(
        case=case,
        kind=kind,
        actor=actor,
        party=Party.MERCHANT,
        from_state=from_state,
        note=note,
        data=data,
    )


@transaction.atomic
def merchant_accept_claim(
    *,
    case_id: int,
    representative,
    note: str = "",
    expected_version: int | None = None,
    now: datetime | None = None,
) -> Case:
    """The merchant gives the consumer what the complaint asks for: the case settles on the
    claim's terms (from awaiting_merchant it passes through negotiation, as the diagram in
    docs/design.md draws it).
    """
    now = _now(now)
    case = _lock(case_id, expected_version)
    merchant_id = _merchant_of(case, representative)
    _check(case, "accept_claim")
    complaint = case.complaint
    if case.state == S.AWAITING_MERCHANT:
        _merchant_answered(
            case, kind="merchant_accepted_claim", actor=representative, now=now, note=note
        )
    else:
        fields = _note_merchant_answer(case, now)
        if fields:
            _save(case, fields)
        events.record(
            case=case,
            kind="merchant_accepted_claim",
            actor=representative,
            party=Party.MERCHANT,
            from_state=case.state,
            note=note,
        )
    amount = complaint.remedy_amount
    if amount is None and complaint.remedy == Remedy.REFUND:
        amount = complaint.amount
    if amount is not None and amount <= 0:
        amount = None
    claim = complaint.get_remedy_display() if complaint.remedy else _("The consumer's claim")
    terms = f"{claim}: {complaint.remedy_details}" if complaint.remedy_details else claim
    _settle(
        case,
        actor=representative,
        party=Party.MERCHANT,
        terms=terms,
        amount=amount,
        currency=complaint.currency if amount is not None else "",
        payer=Settlement.Payer.MERCHANT,
        payer_merchant_id=merchant_id,
        now=now,
    )
    return case


def _create_offer(case: Case, *, user, party: str, values: dict, now: datetime, **extra) -> Offer:
    return Offer.objects.create(case=case, made_by=user, party=party, **values, **extra)


@transaction.atomic
def merchant_make_offer(
    *,
    case_id: int,
    representative,
    kind: str,
    amount=None,
    currency: str = "",
    terms: str = "",
    expected_version: int | None = None,
    now: datetime | None = None,
) -> Offer:
    """awaiting_merchant -> negotiation: the merchant answers with an offer."""
    now = _now(now)
    case = _lock(case_id, expected_version)
    merchant_id = _merchant_of(case, representative)
    _check(case, "merchant_offer")
    values = _validated_offer(case, kind=kind, amount=amount, currency=currency, terms=terms)
    offer = _create_offer(
        case,
        user=representative,
        party=Party.MERCHANT,
        values=values,
        now=now,
        payer=Settlement.Payer.MERCHANT,
        payer_merchant_id=merchant_id,
    )
    _merchant_answered(
        case, kind="merchant_offered", actor=representative, now=now, data={"offer_id": offer.pk}
    )
    notify(
        case=case,
        kind="offer_made",
        consumer=gettext_lazy(
            "The merchant answered your complaint %(reference)s with an offer. Accept, reject "
            "or counter it on the case page."
        ),
    )
    return offer


@transaction.atomic
def merchant_dispute(
    *,
    case_id: int,
    representative,
    reasons: str,
    attachment=None,
    expected_version: int | None = None,
    now: datetime | None = None,
) -> Case:
    """awaiting_merchant -> negotiation: the merchant disputes the claim, giving its reasons
    and, if it has one, its evidence (an uploaded file that becomes an evidence item of the
    complaint, like a message attachment; UploadRejected names it and nothing is changed)."""
    now = _now(now)
    case = _lock(case_id, expected_version)
    _merchant_of(case, representative)
    _check(case, "dispute")
    reasons = _required_text("reasons", reasons, _("Explain why you dispute the claim."))
    evidence = None
    if attachment is not None:
        evidence = evidence_add_file(
            complaint=case.complaint, upload=attachment, submitted_by=representative
        )
    Message.objects.create(
        case=case,
        author=representative,
        party=Party.MERCHANT,
        body=reasons,
        attachment=evidence,
    )
    _merchant_answered(
        case,
        kind="merchant_disputed",
        actor=representative,
        now=now,
        note=reasons,
        data={"evidence_id": evidence.pk} if evidence else None,
    )
    notify(
        case=case,
        kind="merchant_disputed",
        consumer=gettext_lazy(
            "The merchant disputes your complaint %(reference)s. Read its reasons and answer on "
            "the case page, or ask for mediation."
        ),
    )
    return case


# --- negotiation: offers ------------------------------------------------------------------


@transaction.atomic
def offer_make(
    *,
    case_id: int,
    user,
    kind: str,
    amount=None,
    currency: str = "",
    terms: str = "",
    counter_to: int | None = None,
    expected_version: int | None = None,
    now: datetime | None = None,
) -> Offer:
    """An offer, or a counter-offer to the other side's open offer. It replaces the open offers
    of both parties: only the latest proposal between them stands."""
    now = _now(now)
    case = _lock(case_id, expected_version)
    party = _party(case, user)
    _check(case, "offer")
    if counter_to is not None:
        countered = Offer.objects.filter(pk=counter_to, case=case).first()
        if (
            countered is None
            or countered.state != Offer.State.OPEN
            or countered.party != _other(party)
        ):
            raise TransitionNotAllowed(_("That offer can no longer be countered."))
    values = _validated_offer(case, kind=kind, amount=amount, currency=currency, terms=terms)
    extra = {}
    fields = []
    if party == Party.MERCHANT:
        extra = {"payer": Settlement.Payer.MERCHANT, "payer_merchant_id": _merchant_of(case, user)}
        fields = _note_merchant_answer(case, now)
    _supersede_open_offers(case, parties=(Party.CONSUMER, Party.MERCHANT), now=now)
    offer = _create_offer(case, user=user, party=party, values=values, now=now, **extra)
    _save(case, fields)
    events.record(
        case=case,
        kind="offer_countered" if counter_to else "offer_made",
        actor=user,
        party=party,
        from_state=case.state,
        data={"offer_id": offer.pk, "counter_to": counter_to},
    )
    text = gettext_lazy("There is a new offer on case %(reference)s. Please answer it.")
    notify(
        case=case,
        kind="offer_made",
        consumer=text if party == Party.MERCHANT else None,
        merchant=text if party == Party.CONSUMER else None,
        mediator=gettext_lazy("A party made an offer on case %(reference)s."),
    )
    return offer


def _lock_offer(offer_id: int, expected_version: int | None) -> tuple[Case, Offer]:
    case_id = Offer.objects.filter(pk=offer_id).values_list("case_id", flat=True).first()
    if case_id is None:
        raise TransitionNotAllowed(_("This offer does not exist."))
    case = _lock(case_id, expected_version)
    # Read after the case lock: offers only change under it, so this is the current state.
    return case, Offer.objects.get(pk=offer_id)


@transaction.atomic
def offer_accept(
    *,
    offer_id: int,
    user,
    expected_version: int | None = None,
    now: datetime | None = None,
) -> Settlement:
    """The other side accepts an open offer: the case settles on its terms."""
    now = _now(now)
    case, offer = _lock_offer(offer_id, expected_version)
    party = _party(case, user)
    _check(case, "accept_offer")
    if offer.state != Offer.State.OPEN or offer.party != _other(party):
        raise TransitionNotAllowed(_("This offer cannot be accepted any more."))
    offer.state = Offer.State.ACCEPTED
    offer.responded_at = now
    offer.save(update_fields=["state", "responded_at"])
    payer_merchant_id = offer.payer_merchant_id
    fields = []
    if party == Party.MERCHANT:
        payer_merchant_id = _merchant_of(case, user)
        fields = _note_merchant_answer(case, now)
    if fields:
        _save(case, fields)
    events.record(
        case=case,
        kind="offer_accepted",
        actor=user,
        party=party,
        from_state=case.state,
        data={"offer_id": offer.pk},
    )
    return _settle(
        case,
        actor=user,
        party=party,
        terms=offer.terms,
        amount=offer.amount,
        currency=offer.currency,
        payer=Settlement.Payer.MERCHANT,
        payer_merchant_id=payer_merchant_id,
        offer=offer,
        now=now,
    )


@transaction.atomic
def offer_reject(
    *,
    offer_id: int,
    user,
    reason: str = "",
    expected_version: int | None = None,
    now: datetime | None = None,
) -> Offer:
    now = _now(now)
    case, offer = _lock_offer(offer_id, expected_version)
    party = _party(case, user)
    _check(case, "reject_offer")
    if offer.state != Offer.State.OPEN or offer.party != _other(party):
        raise TransitionNotAllowed(_("This offer cannot be rejected any more."))
    offer.state = Offer.State.REJECTED
    offer.responded_at = now
    offer.save(update_fields=["state", "responded_at"])
    _save(case, _note_merchant_answer(case, now) if party == Party.MERCHANT else [])
    events.record(
        case=case,
        kind="offer_rejected",
        actor=user,
        party=party,
        from_state=case.state,
        note=reason.strip(),
        data={"offer_id": offer.pk},
    )
    text = gettext_lazy("Your offer on case %(reference)s was rejected.")
    notify(
        case=case,
        kind="offer_rejected",
        consumer=text if party == Party.MERCHANT else None,
        merchant=text if party == Party.CONSUMER else None,
    )
    return offer


@transaction.atomic
def offer_withdraw(
    *,
    offer_id: int,
    user,
    expected_version: int | None = None,
    now: datetime | None = None,
) -> Offer:
    now = _now(now)
    case, offer = _lock_offer(offer_id, expected_version)
    party = _party(case, user)
    _check(case, "withdraw_offer")
    if offer.state != Offer.State.OPEN or offer.party != party:
        raise TransitionNotAllowed(_("This offer cannot be withdrawn any more."))
    offer.state = Offer.State.WITHDRAWN
    offer.responded_at = now
    offer.save(update_fields=["state", "responded_at"])
    _save(case, [])
    events.record(
        case=case,
        kind="offer_withdrawn",
        actor=user,
        party=party,
        from_state=case.state,
        data={"offer_id": offer.pk},
    )
    text = gettext_lazy("An offer on case %(reference)s was withdrawn.")
    notify(
        case=case,
        kind="offer_withdrawn",
        consumer=text if party == Party.MERCHANT else None,
        merchant=text if party == Party.CONSUMER else None,
    )
    return offer


# --- mediation ----------------------------------------------------------------------------


def _enter_mediation(
    case: Case,
    *,
    kind: str,
    actor,
    party,
    now: datetime,
    note: str = "",
    fields=(),
    writes: _Writes | None = None,
    pool: MediatorPool | None = None,
):
    """-> mediation, with its deadline and a mediator if the case has none. Written at once,
    or with the rest of ``writes`` (the sweep's batch)."""
    own = writes is None
    writes = _Writes() if own else writes
    from_state = case.state
    case.state = S.MEDIATION
    fields = [*fields, "state", *_set_deadline(case, K.MEDIATION, now)]
    assigned = _auto_assign(case, pool=pool)
    writes.save(case, fields + assigned)
    writes.event(case=case, kind=kind, actor=actor, party=party, from_state=from_state, note=note)
    if assigned:
        _record_assignment(case, actor=None, from_state=case.state, writes=writes)
    text = gettext_lazy("Case %(reference)s is now in mediation.")
    writes.notice(
        case,
        "mediation",
        consumer=text,
        merchant=text,
        mediator=None if assigned else text,
        exclude=(actor,),
    )
    if own:
        _apply(writes)


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
    now = _now(now)
    case = _lock(case_id, expected_version)
    party = _party(case, user)
    _check(case, "request_mediation")
    _enter_mediation(
        case, kind="mediation_requested", actor=user, party=party, now=now, note=reason.strip()
    )
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
    now = _now(now)
    case = _lock(case_id, expected_version)
    _require_mediator(assigned_by)
    _check(case, "assign")
    if not _is_mediator(mediator):
        raise TransitionNotAllowed(_("Cases can only be assigned to active mediators."))
    if case.mediator_id == mediator.pk:
        raise TransitionNotAllowed(_("The case is already assigned to this mediator."))
    case.mediator = mediator
    _save(case, ["mediator"])
    _record_assignment(case, actor=assigned_by, from_state=case.state)
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
    now = _now(now)
    case = _lock(case_id, expected_version)
    if assigned_by is not None:
        _require_mediator(assigned_by)
    _check(case, "assign")
    if case.mediator_id:
        raise TransitionNotAllowed(_("The case already has a mediator."))
    if not _auto_assign(case):
        raise TransitionNotAllowed(_("No active mediator is available."))
    _save(case, ["mediator"])
    _record_assignment(case, actor=assigned_by, from_state=case.state)
    return case


def _payer_fields(case: Case, *, payer: str, payer_merchant_id, recovered_from_id) -> dict:
    linked = linked_merchant_ids(case)
    errors: dict[str, str] = {}
    if payer not in Settlement.Payer.values:
        errors["payer"] = _("Choose who pays.")
    if payer == Settlement.Payer.PLATFORM_IN_ADVANCE:
        if not payer_merchant_id or not Merchant.objects.filter(pk=payer_merchant_id).exists():
            errors["payer_merchant"] = _("Choose the platform that pays in advance.")
        if not recovered_from_id or int(recovered_from_id) not in linked:
            errors["recovered_from"] = _(
                "Choose the merchant, named in the complaint, the platform recovers from."
            )
        elif payer_merchant_id and int(payer_merchant_id) == int(recovered_from_id):
            errors["recovered_from"] = _("The platform cannot recover the amount from itself.")
    else:
        if payer_merchant_id and int(payer_merchant_id) not in linked:
            errors["payer_merchant"] = _("Choose a merchant named in the complaint.")
        payer_merchant_id = payer_merchant_id or (min(linked) if linked else None)
        recovered_from_id = None
    if errors:
        raise ValidationError(errors)
    return {
        "payer": payer,
        "payer_merchant_id": int(payer_merchant_id) if payer_merchant_id else None,
        "recovered_from_id": int(recovered_from_id) if recovered_from_id else None,
    }


@transaction.atomic
def mediator_propose_settlement(
    *,
    case_id: int,
    mediator,
    kind: str,
    amount=None,
    currency: str = "",
    terms: str,
    payer: str = Settlement.Payer.MERCHANT,
    payer_merchant_id: int | None = None,
    recovered_from_id: int | None = None,
    beyond_bound_reason: str = "",
    expected_version: int | None = None,
    now: datetime | None = None,
) -> Offer:
    """The mediator's proposal: each party accepts or rejects it; both accepting settles. Its
    amount may exceed the bound on offers (core.money.amount_bound) only with
    ``beyond_bound_reason``, which the event records."""
    now = _now(now)
    case = _lock(case_id, expected_version)
    _require_mediator(mediator)
    _check(case, "propose_settlement")
    errors = {}
    beyond_bound_reason = clean_text(beyond_bound_reason or "", multiline=True).strip()
    try:
        values = _validated_offer(
            case,
            kind=kind,
            amount=amount,
            currency=currency,
            terms=terms,
            beyond_bound_reason=beyond_bound_reason,
        )
    except ValidationError as exc:
        errors.update(exc.message_dict)
    if not (terms or "").strip():
        errors.setdefault("terms", [_("Write the terms of the settlement.")])
    try:
        payer_values = _payer_fields(
            case,
            payer=payer,
            payer_merchant_id=payer_merchant_id,
            recovered_from_id=recovered_from_id,
        )
    except ValidationError as exc:
        errors.update(exc.message_dict)
    if errors:
        raise ValidationError(errors)
    _supersede_open_offers(case, parties=(Party.CONSUMER, Party.MERCHANT, Party.MEDIATOR), now=now)
    offer = _create_offer(
        case, user=mediator, party=Party.MEDIATOR, values=values, now=now, **payer_values
    )
    _save(case, [])
    data = {"offer_id": offer.pk}
    bound = amount_bound(kind, case.complaint.amount)
    if values["amount"] is not None and bound is not None and values["amount"] > bound:
        data.update(bound=str(bound), beyond_bound_reason=beyond_bound_reason)
    events.record(
        case=case,
        kind="settlement_proposed",
        actor=mediator,
        from_state=case.state,
        data=data,
    )
    text = gettext_lazy(
        "The mediator proposed a settlement on case %(reference)s. Accept or reject it on the "
        "case page."
    )
    notify(case=case, kind="settlement_proposed", consumer=text, merchant=text)
    return offer


def _lock_proposal(
    offer_id: int, expected_version: int | None, user, *, action: str
) -> tuple[Case, Offer, str]:
    case, offer = _lock_offer(offer_id, expected_version)
    party = _party(case, user)
    _check(case, action)
    accepted_at = (
        offer.consumer_accepted_at if party == Party.CONSUMER else offer.merchant_accepted_at
    )
    if offer.party != Party.MEDIATOR or offer.state != Offer.State.OPEN or accepted_at:
        raise TransitionNotAllowed(_("This proposal cannot be answered any more."))
    return case, offer, party


@transaction.atomic
def settlement_accept(
    *,
    offer_id: int,
    user,
    expected_version: int | None = None,
    now: datetime | None = None,
) -> Offer:
    """One party accepts the mediator's proposal; when both have, mediation -> settled."""
    now = _now(now)
    case, offer, party = _lock_proposal(
        offer_id, expected_version, user, action="accept_settlement"
    )
    if party == Party.CONSUMER:
        offer.consumer_accepted_at = now
    else:
        offer.merchant_accepted_at = now
    both = offer.consumer_accepted_at and offer.merchant_accepted_at
    if both:
        offer.state = Offer.State.ACCEPTED
        offer.responded_at = now
    offer.save(
        update_fields=["consumer_accepted_at", "merchant_accepted_at", "state", "responded_at"]
    )
    _save(case, _note_merchant_answer(case, now) if party == Party.MERCHANT else [])
    events.record(
        case=case,
        kind="settlement_accepted",
        actor=user,
        party=party,
        from_state=case.state,
        data={"offer_id": offer.pk},
    )
    if both:
        _settle(
            case,
            actor=user,
            party=party,
            terms=offer.terms,
            amount=offer.amount,
            currency=offer.currency,
            payer=offer.payer,
            payer_merchant_id=offer.payer_merchant_id,
            recovered_from_id=offer.recovered_from_id,
            offer=offer,
            now=now,
        )
    else:
        text = gettext_lazy(
            "The other party accepted the mediator's proposal on case %(reference)s."
        )
        notify(
            case=case,
            kind="settlement_accepted",
            consumer=text if party == Party.MERCHANT else None,
            merchant=text if party == Party.CONSUMER else None,
            mediator=gettext_lazy("A party accepted your proposal on case %(reference)s."),
        )
    return offer


@transaction.atomic
def settlement_reject(
    *,
    offer_id: int,
    user,
    reason: str = "",
    expected_version: int | None = None,
    now: datetime | None = None,
) -> Offer:
    """A party rejects the mediator's proposal; mediation continues."""
    now = _now(now)
    case, offer, party = _lock_proposal(
        offer_id, expected_version, user, action="reject_settlement"
    )
    offer.state = Offer.State.REJECTED
    offer.responded_at = now
    offer.save(update_fields=["state", "responded_at"])
    _save(case, _note_merchant_answer(case, now) if party == Party.MERCHANT else [])
    events.record(
        case=case,
        kind="settlement_rejected",
        actor=user,
        party=party,
        from_state=case.state,
        note=reason.strip(),
        data={"offer_id": offer.pk},
    )
    text = gettext_lazy("The mediator's proposal on case %(reference)s was rejected.")
    notify(
        case=case,
        kind="settlement_rejected",
        consumer=text if party == Party.MERCHANT else None,
        merchant=text if party == Party.CONSUMER else None,
        mediator=text,
    )
    return offer


# --- settlement ---------------------------------------------------------------------------


@transaction.atomic
def settlement_confirm_paid(
    *,
    case_id: int,
    consumer,
    expected_version: int | None = None,
    now: datetime | None = None,
) -> Case:
    """settled (or escalated, when paid late) -> resolved: the consumer received the money or
    the goods."""
    now = _now(now)
    case = _lock(case_id, expected_version)
    _require_consumer(case, consumer)
    _check(case, "confirm_paid")
    settlement = Settlement.objects.get(case=case)
    settlement.paid_confirmed_at = now
    settlement.save(update_fields=["paid_confirmed_at"])
    if settlement.payer == Settlement.Payer.PLATFORM_IN_ADVANCE:
        outcome = Outcome.COMPENSATED_IN_ADVANCE
    elif case.events.filter(kind="settled", from_state=S.MEDIATION).exists():
        outcome = Outcome.SETTLED_IN_MEDIATION
    else:
        outcome = Outcome.RESOLVED_BY_MERCHANT
    from_state = case.state
    _save(case, _close(case, state=S.RESOLVED, outcome=outcome, now=now))
    events.record(
        case=case,
        kind="payment_confirmed",
        actor=consumer,
        party=Party.CONSUMER,
        from_state=from_state,
    )
    text = gettext_lazy(
        "The consumer confirmed receiving the settlement: case %(reference)s is resolved."
    )
    notify(case=case, kind="resolved", merchant=text, mediator=text)
    _after_close(case)
    return case


@transaction.atomic
def settlement_compensate_in_advance(
    *,
    case_id: int,
    mediator,
    platform_id: int,
    note: str = "",
    expected_version: int | None = None,
    now: datetime | None = None,
) -> Settlement:
    """An escalated settlement is paid by the platform in advance, which recovers the amount
    from the merchant that should have paid; recorded as such on the settlement."""
    now = _now(now)
    case = _lock(case_id, expected_version)
    _require_mediator(mediator)
    _check(case, "compensate_in_advance")
    settlement = Settlement.objects.get(case=case)
    recovered_from = settlement.payer_merchant_id or min(linked_merchant_ids(case), default=None)
    if not Merchant.objects.filter(pk=platform_id).exists():
        raise ValidationError({"platform": _("Choose the platform that pays in advance.")})
    if recovered_from is None or int(platform_id) == recovered_from:
        raise ValidationError(
            {"platform": _("The platform must be another party than the merchant that owes.")}
        )
    settlement.payer = Settlement.Payer.PLATFORM_IN_ADVANCE
    settlement.recovered_from_id = recovered_from
    settlement.payer_merchant_id = int(platform_id)
    settlement.save(update_fields=["payer", "recovered_from", "payer_merchant"])
    _save(case, [])
    events.record(
        case=case,
        kind="compensation_in_advance",
        actor=mediator,
        from_state=case.state,
        note=note.strip(),
        data={"platform_id": int(platform_id), "recovered_from_id": recovered_from},
    )
    notify(
        case=case,
        kind="compensation_in_advance",
        consumer=gettext_lazy(
            "The platform will pay the settlement of case %(reference)s in advance. Confirm on "
            "the case page once you have received it."
        ),
        merchant=gettext_lazy(
            "The platform pays the settlement of case %(reference)s in advance and will "
            "recover it from you."
        ),
    )
    return settlement


# --- the final stage and closing ----------------------------------------------------------


def _referral_outcome(case: Case) -> str:
    # A merchant that never answered at any stage is why the case could not be resolved.
    if case.merchant_responded_at is None:
        return Outcome.MERCHANT_UNRESPONSIVE
    return Outcome.REFERRED_UNRESOLVED


def _refer(
    case: Case,
    *,
    actor,
    kind: str,
    summary: str,
    now: datetime,
    writes: _Writes | None = None,
) -> None:
    own = writes is None
    writes = _Writes() if own else writes
    from_state = case.state
    fields = _close(case, state=S.REFERRED, outcome=_referral_outcome(case), now=now, writes=writes)
    if summary:
        case.mediator_summary = summary
        fields.append("mediator_summary")
    writes.save(case, fields)
    writes.event(case=case, kind=kind, actor=actor, from_state=from_state, note=summary)
    writes.notice(
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
    _after_close(case, writes)
    if own:
        _apply(writes)


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
    now = _now(now)
    case = _lock(case_id, expected_version)
    _require_mediator(mediator)
    _check(case, "refer")
    summary = _required_text(
        "summary", summary, _("Summarise the case for the authority it is referred to.")
    )
    _refer(case, actor=mediator, kind="referred", summary=summary, now=now)
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
    now = _now(now)
    case = _lock(case_id, expected_version)
    _require_consumer(case, consumer)
    _check(case, "withdraw")
    from_state = case.state
    case.awaiting_consumer_info = False
    fields = ["awaiting_consumer_info"]
    fields += _close(case, state=S.WITHDRAWN, outcome=Outcome.WITHDRAWN, now=now)
    _supersede_open_offers(case, parties=(Party.CONSUMER, Party.MERCHANT, Party.MEDIATOR), now=now)
    _save(case, fields)
    events.record(
        case=case,
        kind="withdrawn",
        actor=consumer,
        party=Party.CONSUMER,
        from_state=from_state,
        note=reason.strip(),
    )
    text = gettext_lazy("The consumer withdrew the complaint of case %(reference)s.")
    notify(
        case=case,
        kind="withdrawn",
        merchant=text if case.accepted_at else None,
        mediator=text,
    )
    _after_close(case)
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
    now = _now(now)
    case = _lock(case_id, expected_version)
    _require_mediator(mediator)
    _check(case, "record_outcome")
    if outcome not in rules.OUTCOMES_FOR_STATE[case.state]:
        raise ValidationError(
            {"outcome": _("This outcome does not fit a case that closed this way.")}
        )
    previous = case.outcome
    case.outcome = outcome
    fields = ["outcome"]
    if summary.strip():
        case.mediator_summary = summary.strip()
        fields.append("mediator_summary")
    _save(case, fields)
    events.record(
        case=case,
        kind="outcome_recorded",
        actor=mediator,
        from_state=case.state,
        note=summary.strip(),
        data={"previous": previous, "outcome": outcome},
    )
    _recompute_credit(case)
    return case


# --- the thread ---------------------------------------------------------------------------


@transaction.atomic
def message_post(
    *,
    case_id: int,
    user,
    body: str,
    internal: bool = False,
    attachment=None,
    now: datetime | None = None,
) -> Message:
    """A message in the case thread; mediators may also write internal notes the parties never
    see. Messages do not move the case, so they do not change its version.

    An attachment becomes an evidence item of the complaint (checked, hashed, never replaced):
    UploadRejected names the file and the reason, and then nothing is posted."""
    now = _now(now)
    case = Case.objects.select_for_update().get(pk=case_id)
    body = _required_text("body", body, _("Write a message."))
    if _is_mediator(user) and case.complaint.consumer_id != user.pk:
        party = Party.MEDIATOR
        if not case.is_open and not internal:
            raise TransitionNotAllowed(_("The case is closed."))
    else:
        if internal:
            raise TransitionNotAllowed(_("Only mediators write internal notes."))
        party = _party(case, user)
        _check(case, "message")
    evidence = None
    if attachment is not None:
        if internal:
            # Evidence is seen by both parties; an internal note must stay internal.
            raise TransitionNotAllowed(_("Internal notes cannot carry attachments."))
        evidence = evidence_add_file(complaint=case.complaint, upload=attachment, submitted_by=user)
    message = Message.objects.create(
        case=case, author=user, party=party, body=body, internal=internal, attachment=evidence
    )
    if party == Party.MERCHANT:
        fields = _note_merchant_answer(case, now)
        if fields:
            _save(case, fields)
    if not internal:
        text = gettext_lazy("New message on case %(reference)s.")
        notify(
            case=case,
            kind="message",
            consumer=text if party != Party.CONSUMER else None,
            merchant=text if party != Party.MERCHANT and case.accepted_at else None,
            mediator=text if party != Party.MEDIATOR else None,
            exclude=[user],
        )
    return message


@transaction.atomic
def case_rate(*, case_id: int, consumer, score: int, comment: str = "") -> CaseRating:
    """The consumer's one rating (1-5) of how a closed case was handled."""
    case = Case.objects.select_for_update().get(pk=case_id)
    _require_consumer(case, consumer)
    _check(case, "rate")
    if CaseRating.objects.filter(case=case).exists():
        raise TransitionNotAllowed(_("You have already rated this case."))
    try:
        score = int(score)
    except (TypeError, ValueError):
        score = 0
    if not 1 <= score <= 5:
        raise ValidationError({"score": _("Choose a rating from 1 to 5.")})
    return CaseRating.objects.create(case=case, score=score, comment=(comment or "").strip())


# --- deadlines ----------------------------------------------------------------------------


@transaction.atomic
def cases_expire_deadlines(
    *, case_ids: list[int], now: datetime | None = None, pool: MediatorPool | None = None
) -> dict[int, str]:
    """What a passed deadline does (the case diagram of docs/design.md), done by the system
    (actor None), for a batch of cases at once: the sweep's batches cost the same few queries
    whatever they hold (see _apply); ``pool`` carries the mediators' loads from one batch to the
    next.

    Returns {case id: event kind written} for the cases that moved. A case whose deadline is
    not past, or that already moved on, is left as it is: that check under the lock is what
    makes the sweep idempotent (a second run finds a future deadline, or none, and does
    nothing).
    """
    now = _now(now)
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
    writes = _Writes()
    moved = {}
    for case in cases:
        if case.state not in OPEN_STATES or case.deadline_at is None or case.deadline_at > now:
            continue
        kind = _expire(case, now=now, writes=writes, pool=pool)
        if kind:
            moved[case.pk] = kind
    _apply(writes, bulk=True)
    return moved


def case_expire_deadline(*, case_id: int, now: datetime | None = None) -> str | None:
    """``cases_expire_deadlines`` for one case: the event kind written, or None."""
    return cases_expire_deadlines(case_ids=[case_id], now=now).get(case_id)


def _expire(case: Case, *, now: datetime, writes: _Writes, pool: MediatorPool) -> str | None:
    kind, state = case.deadline_kind, case.state

    if kind == K.CONSUMER_INFO and state == S.SUBMITTED:
        case.awaiting_consumer_info = False
        writes.save(case, ["awaiting_consumer_info", *_set_deadline(case, K.SCREENING, now)])
        writes.event(case=case, kind="info_expired", from_state=state)
        writes.notice(
            case,
            "info_expired",
            mediator=gettext_lazy(
                "The consumer did not send the information asked for on case %(reference)s."
            ),
        )
        return "info_expired"

    if kind == K.MERCHANT_RESPONSE and state == S.AWAITING_MERCHANT:
        # Recorded now, not at closing: not answering is what the credit engine must see
        # at once (docs/design.md: an unanswered case "counts against its credit at once").
        case.outcome = Outcome.MERCHANT_UNRESPONSIVE
        writes.recompute.append(case)
        _enter_mediation(
            case,
            kind="merchant_response_expired",
            actor=None,
            party=None,
            now=now,
            fields=["outcome"],
            writes=writes,
            pool=pool,
        )
        return "merchant_response_expired"

    if kind == K.NEGOTIATION and state == S.NEGOTIATION:
        _enter_mediation(
            case,
            kind="negotiation_expired",
            actor=None,
            party=None,
            now=now,
            writes=writes,
            pool=pool,
        )
        return "negotiation_expired"

    if kind == K.MEDIATION and state in (S.MEDIATION, S.ESCALATED):
        _refer(case, actor=None, kind="mediation_expired", summary="", now=now, writes=writes)
        return "mediation_expired"

    if kind == K.FULFILMENT and state == S.SETTLED:
        case.state = S.ESCALATED
        # Back with the mediator, who has a mediation period to get it paid or refer it.
        fields = ["state", *_set_deadline(case, K.MEDIATION, now)]
        assigned = _auto_assign(case, pool=pool)
        writes.save(case, fields + assigned)
        writes.event(case=case, kind="fulfilment_expired", from_state=state)
        if assigned:
            _record_assignment(case, actor=None, from_state=case.state, writes=writes)
        writes.notice(
            case,
            "escalated",
            consumer=gettext_lazy(
                "The settlement of case %(reference)s was not confirmed as paid in time. A "
                "mediator is following it up; confirm on the case page if you have been paid."
            ),
            merchant=gettext_lazy(
                "The settlement of case %(reference)s was not paid in time and went back to "
                "the mediator."
            ),
            mediator=None
            if assigned
            else gettext_lazy("The settlement of case %(reference)s was not paid in time."),
        )
        return "fulfilment_expired"

    logger.warning("Case %s: deadline %s does not fit state %s", case.pk, kind, state)
    return None


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
    the same one never a second. A reminder does not move the case, so the version stays.
    """
    now = _now(now)
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
    events.record(
        case=case,
        kind="reminder_sent",
        from_state=case.state,
        data={"deadline_kind": case.deadline_kind},
    )
    notify(case=case, kind="reminder", **texts)
    return True


# --- privacy: pseudonymising closed cases, the consumer's erasure ------------------------


@transaction.atomic
def case_pseudonymise(*, case_id: int, reason: str, now: datetime | None = None) -> bool:
    """Erase the personal data of a closed case and keep what its outcome counts rest on.

    Gone: the complaint's order number and date, what the consumer wrote, every evidence file
    (deleted from storage after commit) and statement, the texts of messages, internal notes,
    offers, the settlement, the rating's comment, the mediator's reasons and the notes of the
    timeline. Kept: the case row (state, outcome, every date the credit engine reads), the
    respondents, the amount and category, the settlement's amount, payer and dates, the rating's
    score, and every timeline event with its kind, time and actor. Credit inputs are unchanged.

    Idempotent: False when the case was already pseudonymised. An open case is refused (the
    parties still need what it holds). The timeline records it as a ``pseudonymised`` event.
    """
    now = _now(now)
    case = Case.objects.select_for_update().select_related("complaint").get(pk=case_id)
    if case.is_open:
        raise TransitionNotAllowed(_("An open case cannot be pseudonymised."))
    if not complaints_services.complaint_pseudonymise(
        complaint_id=case.complaint_id, reason=reason, now=now
    ):
        return False
    case.rejection_reason = ""
    case.mediator_summary = ""
    # version and updated_at move (a stale desk form is refused); nothing the credit reads does.
    _save(case, ["rejection_reason", "mediator_summary"])
    Message.objects.filter(case=case).update(body="")
    Offer.objects.filter(case=case).update(terms="")
    Settlement.objects.filter(case=case).update(terms="")
    CaseRating.objects.filter(case=case).update(comment="")
    # The one change ever made to earlier timeline rows: their free text, which repeats what
    # the parties and mediators wrote (reasons, questions, summaries), is redacted. The rows
    # themselves, their kinds, actors, times and states stay, and this event records it.
    CaseEvent.objects.filter(case=case).exclude(note="").redact("note")
    Notification.objects.filter(case=case, user_id=case.complaint.consumer_id).delete()
    events.record(case=case, kind="pseudonymised", from_state=case.state, data={"reason": reason})
    return True


class ErasureRefused(Exception):
    """Erasure is not possible now; ``references`` are the complaints still being handled."""

    def __init__(self, message: str, references: list[str] | None = None):
        self.message = str(message)
        self.references = references or []
        super().__init__(self.message)


def consumer_erasure_request(*, user_id: int, now: datetime | None = None) -> PrivacyRequest:
    """The consumer asks for their personal data to be erased.

    Refused (ErasureRefused, and a refused request in the trail) while any of their complaints
    is still being handled: erasing a party in the middle of a case would leave the merchant and
    the mediator with a case nobody can answer, and withdrawing it on their behalf would decide
    their dispute for them (and change what the merchant's credit counts). They withdraw it on
    the case page, or wait until it closes, and ask again.

    Otherwise sign-in is disabled at once and the erasure itself runs in a Celery task after
    commit (``odr.tasks.erase_consumer``: many files may have to go). Asking twice is one
    request. Only consumer accounts erase themselves here.
    """
    now = _now(now)
    with transaction.atomic():
        # The same lock complaints.services.complaint_submit takes first: a submission racing
        # this request either committed before (and is seen below) or finds the account closed.
        user = get_user_model().objects.select_for_update().get(pk=user_id)
        if user.role != user.Role.CONSUMER or user.is_staff:
            raise ErasureRefused(
                _("Only consumer accounts can erase their data here. Please contact Redress.")
            )
        open_references = [c.reference for c in consumer_open_complaints(user)]
        if not open_references:
            request, created = accounts_services.privacy_erasure_open(user=user, now=now)
            if created:
                accounts_services.user_disable_login(user_id=user.pk)
                enqueue_on_commit("odr.tasks.erase_consumer", request.pk)
            return request
    # Outside the transaction above, so the refusal's audit row is not rolled back with it.
    accounts_services.privacy_erasure_refuse(
        user=user, detail={"open_complaints": open_references}, now=now
    )
    raise ErasureRefused(
        _(
            "Some of your complaints are still being handled: %(references)s. Withdraw them on "
            "their case pages or wait until they are closed, then ask again."
        )
        % {"references": ", ".join(open_references)},
        references=open_references,
    )


def consumer_erase(*, request_id: int, now: datetime | None = None) -> PrivacyRequest:
    """Carry out an erasure request (the Celery task's work); safe to run again after a crash,
    it continues where it stopped.

    Drafts are deleted; each closed case is pseudonymised in its own transaction (a long list
    never holds locks for long); the consumer's notifications go; the account becomes a
    pseudonym. Decided outcomes stay as they were, so merchants' credit does not move.
    """
    now = _now(now)
    request = PrivacyRequest.objects.select_related("user").get(pk=request_id)
    if request.state == PrivacyRequest.State.DONE:
        return request
    user = request.user
    drafts = complaints_services.complaint_delete_drafts(consumer=user)
    for case_id in consumer_cases_to_pseudonymise(user).values_list("pk", flat=True):
        case_pseudonymise(case_id=case_id, reason=PseudonymisedReason.ERASURE, now=now)
    with transaction.atomic():
        # Cannot happen (the request refused them and the account can file no more), but if a
        # case were open now it is left to its parties and named in the trail.
        still_open = [c.reference for c in consumer_open_complaints(user)]
        if still_open:
            logger.warning("Erasure %s: complaints still open %s", request.pk, still_open)
        notifications, _rows = Notification.objects.filter(user=user).delete()
        accounts_services.user_anonymise(user_id=user.pk, now=now)
        return accounts_services.privacy_request_complete(
            request_id=request.pk,
            detail={
                "drafts_deleted": drafts,
                # All of them, also those a first run pseudonymised before it was interrupted.
                "cases_pseudonymised": Complaint.objects.filter(
                    consumer=user, pseudonymised_at__isnull=False
                ).count(),
                "notifications_deleted": notifications,
                "left_open": still_open,
            },
            now=now,
        )
