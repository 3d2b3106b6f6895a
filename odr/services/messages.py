"""The case thread: the parties' and mediators' messages, and mediators' internal notes."""

from __future__ import annotations

from datetime import datetime

from django.db import transaction
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from complaints.services import evidence_add_file

from ..models import Case, Message, Party
from ._kernel import (
    TransitionNotAllowed,
    UnitOfWork,
    check,
    is_mediator,
    note_merchant_answer,
    now_or,
    party_of,
    required_text,
)


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
    see. Messages do not move the case, so they do not change its version (except the
    merchant's first answer, which the case records).

    An attachment becomes an evidence item of the complaint (checked, hashed, never replaced):
    UploadRejected names the file and the reason, and then nothing is posted."""
    now = now_or(now)
    case = Case.objects.select_for_update().get(pk=case_id)
    body = required_text("body", body, _("Write a message."))
    if is_mediator(user) and case.complaint.consumer_id != user.pk:
        party = Party.MEDIATOR
        if not case.is_open and not internal:
            raise TransitionNotAllowed(_("The case is closed."))
    else:
        if internal:
            raise TransitionNotAllowed(_("Only mediators write internal notes."))
        party = party_of(case, user)
        check(case, "message")
    evidence = None
    if attachment is not None:
        if internal:
            # Evidence is seen by both parties; an internal note must stay internal.
            raise TransitionNotAllowed(_("Internal notes cannot carry attachments."))
        evidence = evidence_add_file(complaint=case.complaint, upload=attachment, submitted_by=user)
    message = Message.objects.create(
        case=case, author=user, party=party, body=body, internal=internal, attachment=evidence
    )
    uow = UnitOfWork()
    if party == Party.MERCHANT:
        fields = note_merchant_answer(case, now)
        if fields:
            uow.save(case, fields)
    if not internal:
        text = gettext_lazy("New message on case %(reference)s.")
        uow.notice(
            case,
            "message",
            consumer=text if party != Party.CONSUMER else None,
            merchant=text if party != Party.MERCHANT and case.accepted_at else None,
            mediator=text if party != Party.MEDIATOR else None,
            exclude=(user,),
        )
    uow.commit()
    return message
