"""Who sees a complaint in each of its states: a complaint reaches the merchants it names only
when a mediator forwards it (accepts it at screening), and never while it is held.

The rule, as the product states it (README, "Who sees what"):
- the consumer sees their own complaint, its evidence and its case in every state;
- a representative of a merchant the complaint names sees nothing of it (not in the list, 404
  on the complaint page, the evidence and the case page) until a mediator accepts it, and
  nothing of a complaint rejected at screening or held for screening, ever; once accepted it
  stays visible, also after the consumer withdraws it (the representative was told, and the
  case page shows how it ended);
- a representative of any other merchant sees nothing, in any state;
- mediators work in the admin and download evidence; the parties' pages are not theirs;
- a visitor is sent to sign in (the admin's own sign-in for the admin).

The table below is that rule written out cell by cell, not read from the code.
"""

from __future__ import annotations

import pytest
from django.urls import reverse
from django.utils import timezone

from complaints.models import Complaint, HoldReason
from odr import services
from odr.models import CaseState
from tests.factories import (
    ComplaintFactory,
    EvidenceFileFactory,
    MerchantRepresentativeFactory,
    RespondentFactory,
    UserFactory,
)
from tests.odr.builders import World, build, new_world

pytestmark = pytest.mark.django_db

S = CaseState

# Roles: the consumer who filed it, a representative of the merchant it names (rep), a
# representative of another merchant (other_rep), a mediator, a visitor (anonymous).
# Columns, in this order:
#   listed   the representatives' list /complaints/merchant/ shows it: yes / no
#   rep      the representatives' complaint page /complaints/merchant/<id>/
#   own      the consumer's complaint page /complaints/<id>/
#   file     an evidence file's download
#   case     the parties' case page /cases/<reference>/ (timeline, messages, offers)
#   act      posting on the case page (an empty message: 400 for a party, the form's error)
#   dossier  the case dossier /cases/<reference>/dossier/
#   desk     the mediators' case page in the admin
# "login": 302 to the sign-in page; "admin-login": 302 to the admin's sign-in page; "-": no such
# page (a draft has no case).
COLUMNS = ("listed", "rep", "own", "file", "case", "act", "dossier", "desk")

# fmt: off
EXPECTED = {
    #                          listed rep  own  file case act  dossier desk
    # a draft: only its author
    "draft": {
        "consumer":   "no     404  200  200  -    -    -       -",
        "rep":        "no     404  404  404  -    -    -       -",
        "other_rep":  "no     404  404  404  -    -    -       -",
        "mediator":   "no     404  404  200  -    -    -       -",
        "anonymous":  "login  login login login -    -    -       -",
    },
    # submitted, not yet screened
    "submitted": {
        "consumer":   "no     404  200  200  200  400  200     admin-login",
        "rep":        "no     404  404  404  404  404  404     admin-login",
        "other_rep":  "no     404  404  404  404  404  404     admin-login",
        "mediator":   "no     404  404  200  404  404  200     200",
        "anonymous":  "login  login login login login login login   admin-login",
    },
    # screening asked the consumer for more information (still submitted)
    "info_requested": {
        "consumer":   "no     404  200  200  200  400  200     admin-login",
        "rep":        "no     404  404  404  404  404  404     admin-login",
        "other_rep":  "no     404  404  404  404  404  404     admin-login",
        "mediator":   "no     404  404  200  404  404  200     200",
        "anonymous":  "login  login login login login login login   admin-login",
    },
    # held for screening (complaint flooding), undecided
    "held": {
        "consumer":   "no     404  200  200  200  400  200     admin-login",
        "rep":        "no     404  404  404  404  404  404     admin-login",
        "other_rep":  "no     404  404  404  404  404  404     admin-login",
        "mediator":   "no     404  404  200  404  404  200     200",
        "anonymous":  "login  login login login login login login   admin-login",
    },
    # held, then rejected at screening
    "held_rejected": {
        "consumer":   "no     404  200  200  200  400  200     admin-login",
        "rep":        "no     404  404  404  404  404  404     admin-login",
        "other_rep":  "no     404  404  404  404  404  404     admin-login",
        "mediator":   "no     404  404  200  404  404  200     200",
        "anonymous":  "login  login login login login login login   admin-login",
    },
    # held, then accepted by a mediator who released the hold: forwarded like any other
    "held_released": {
        "consumer":   "no     404  200  200  200  400  200     admin-login",
        "rep":        "yes    200  404  200  200  400  404     admin-login",
        "other_rep":  "no     404  404  404  404  404  404     admin-login",
        "mediator":   "no     404  404  200  404  404  200     200",
        "anonymous":  "login  login login login login login login   admin-login",
    },
    # rejected at screening
    "rejected": {
        "consumer":   "no     404  200  200  200  400  200     admin-login",
        "rep":        "no     404  404  404  404  404  404     admin-login",
        "other_rep":  "no     404  404  404  404  404  404     admin-login",
        "mediator":   "no     404  404  200  404  404  200     200",
        "anonymous":  "login  login login login login login login   admin-login",
    },
    # withdrawn by the consumer before screening: never forwarded
    "withdrawn_before_acceptance": {
        "consumer":   "no     404  200  200  200  400  200     admin-login",
        "rep":        "no     404  404  404  404  404  404     admin-login",
        "other_rep":  "no     404  404  404  404  404  404     admin-login",
        "mediator":   "no     404  404  200  404  404  200     200",
        "anonymous":  "login  login login login login login login   admin-login",
    },
    # accepted: waiting for the merchant's answer
    "awaiting_merchant": {
        "consumer":   "no     404  200  200  200  400  200     admin-login",
        "rep":        "yes    200  404  200  200  400  404     admin-login",
        "other_rep":  "no     404  404  404  404  404  404     admin-login",
        "mediator":   "no     404  404  200  404  404  200     200",
        "anonymous":  "login  login login login login login login   admin-login",
    },
    "negotiation": {
        "consumer":   "no     404  200  200  200  400  200     admin-login",
        "rep":        "yes    200  404  200  200  400  404     admin-login",
        "other_rep":  "no     404  404  404  404  404  404     admin-login",
        "mediator":   "no     404  404  200  404  404  200     200",
        "anonymous":  "login  login login login login login login   admin-login",
    },
    "mediation": {
        "consumer":   "no     404  200  200  200  400  200     admin-login",
        "rep":        "yes    200  404  200  200  400  404     admin-login",
        "other_rep":  "no     404  404  404  404  404  404     admin-login",
        "mediator":   "no     404  404  200  404  404  200     200",
        "anonymous":  "login  login login login login login login   admin-login",
    },
    "settled": {
        "consumer":   "no     404  200  200  200  400  200     admin-login",
        "rep":        "yes    200  404  200  200  400  404     admin-login",
        "other_rep":  "no     404  404  404  404  404  404     admin-login",
        "mediator":   "no     404  404  200  404  404  200     200",
        "anonymous":  "login  login login login login login login   admin-login",
    },
    "escalated": {
        "consumer":   "no     404  200  200  200  400  200     admin-login",
        "rep":        "yes    200  404  200  200  400  404     admin-login",
        "other_rep":  "no     404  404  404  404  404  404     admin-login",
        "mediator":   "no     404  404  200  404  404  200     200",
        "anonymous":  "login  login login login login login login   admin-login",
    },
    "resolved": {
        "consumer":   "no     404  200  200  200  400  200     admin-login",
        "rep":        "yes    200  404  200  200  400  404     admin-login",
        "other_rep":  "no     404  404  404  404  404  404     admin-login",
        "mediator":   "no     404  404  200  404  404  200     200",
        "anonymous":  "login  login login login login login login   admin-login",
    },
    "referred": {
        "consumer":   "no     404  200  200  200  400  200     admin-login",
        "rep":        "yes    200  404  200  200  400  404     admin-login",
        "other_rep":  "no     404  404  404  404  404  404     admin-login",
        "mediator":   "no     404  404  200  404  404  200     200",
        "anonymous":  "login  login login login login login login   admin-login",
    },
    # withdrawn by the consumer after acceptance: the merchant was told and keeps seeing it
    "withdrawn_after_acceptance": {
        "consumer":   "no     404  200  200  200  400  200     admin-login",
        "rep":        "yes    200  404  200  200  400  404     admin-login",
        "other_rep":  "no     404  404  404  404  404  404     admin-login",
        "mediator":   "no     404  404  200  404  404  200     200",
        "anonymous":  "login  login login login login login login   admin-login",
    },
}
# fmt: on

STATES = (
    "draft",
    "submitted",
    "info_requested",
    "held",
    "held_rejected",
    "held_released",
    "rejected",
    "withdrawn_before_acceptance",
    "awaiting_merchant",
    "negotiation",
    "mediation",
    "settled",
    "escalated",
    "resolved",
    "referred",
    "withdrawn_after_acceptance",
)
# The states tests.odr.builders.build reaches through the services as they are.
BUILT = (
    "submitted",
    "rejected",
    "awaiting_merchant",
    "negotiation",
    "mediation",
    "settled",
    "escalated",
    "resolved",
    "referred",
)
ROLES = ("consumer", "rep", "other_rep", "mediator", "anonymous")


def _hold(w: World) -> None:
    # What complaints.services.complaint_submit records for a flooding complaint, written
    # directly: this test is about who sees a held complaint, not about when one is held.
    Complaint.objects.filter(pk=w.case.complaint_id).update(
        held_at=timezone.now(), held_reason=HoldReason.REPEATED
    )


def _world(state: str, mediator) -> tuple[Complaint, World | None, dict]:
    """The complaint in ``state``, its world (None for a draft) and its people."""
    if state == "draft":
        representation = MerchantRepresentativeFactory()
        complaint = ComplaintFactory(consumer=UserFactory(role="consumer"))
        RespondentFactory(complaint=complaint, merchant=representation.merchant)
        consumer, rep, w = complaint.consumer, representation.user, None
    else:
        if state in BUILT:
            w = build(state, mediator)
        else:
            w = new_world(mediator)
            c = w.case.pk
            if state == "info_requested":
                services.case_request_info(case_id=c, mediator=mediator, question="The invoice?")
            elif state == "held":
                _hold(w)
            elif state == "held_rejected":
                _hold(w)
                services.case_reject(case_id=c, mediator=mediator, reason="A flood.")
            elif state == "held_released":
                _hold(w)
                services.case_accept(case_id=c, mediator=mediator, release_hold=True)
            elif state == "withdrawn_before_acceptance":
                services.case_withdraw(case_id=c, consumer=w.consumer)
            elif state == "withdrawn_after_acceptance":
                services.case_accept(case_id=c, mediator=mediator)
                services.case_withdraw(case_id=c, consumer=w.consumer)
            else:
                raise ValueError(state)
            w.reload()
        complaint = w.case.complaint
        consumer, rep = w.consumer, w.rep
    complaint.refresh_from_db()
    people = {
        "consumer": consumer,
        "rep": rep,
        "other_rep": MerchantRepresentativeFactory().user,
        "mediator": mediator,
        "anonymous": None,
    }
    return complaint, w, people


def _answer(response) -> str:
    if response.status_code == 302:
        if response.url.startswith(reverse("admin:login")):
            return "admin-login"
        if response.url.startswith(reverse("login")):
            return "login"
    return str(response.status_code)


def _observed(client, complaint: Complaint, w: World | None, evidence) -> tuple[str, ...]:
    listing = client.get(reverse("complaints:merchant_list"))
    if listing.status_code == 200:
        listed = "yes" if str(complaint.public_id) in listing.content.decode() else "no"
    else:
        listed = _answer(listing)
    key = {"public_id": complaint.public_id}
    answers = [
        listed,
        _answer(client.get(reverse("complaints:merchant_detail", kwargs=key))),
        _answer(client.get(reverse("complaints:detail", kwargs=key))),
        _answer(
            client.get(
                reverse("complaints:evidence_download", kwargs={**key, "item_id": evidence.pk})
            )
        ),
    ]
    if w is None:
        return (*answers, "-", "-", "-", "-")
    ref = {"reference": complaint.reference}
    act = reverse("odr:case_action", kwargs={**ref, "action": "message"})
    return (
        *answers,
        _answer(client.get(reverse("odr:case_detail", kwargs=ref))),
        _answer(client.post(act, {})),
        _answer(client.get(reverse("odr:dossier", kwargs=ref))),
        _answer(client.get(reverse("admin:odr_case_change", args=[w.case.pk]))),
    )


def test_the_table_covers_every_state_and_role():
    assert tuple(EXPECTED) == STATES
    for state, rows in EXPECTED.items():
        assert tuple(rows) == ROLES, state
        assert all(len(row.split()) == len(COLUMNS) for row in rows.values()), state


@pytest.mark.parametrize(("state", "role"), [(s, r) for s in STATES for r in ROLES])
def test_who_sees_the_complaint(client, mediator, state, role):
    complaint, w, people = _world(state, mediator)
    evidence = EvidenceFileFactory(complaint=complaint)
    if people[role] is not None:
        client.force_login(people[role])

    observed = _observed(client, complaint, w, evidence)

    assert dict(zip(COLUMNS, observed, strict=True)) == dict(
        zip(COLUMNS, EXPECTED[state][role].split(), strict=True)
    )


def test_a_representative_sees_no_case_that_was_not_forwarded_in_its_case_list(client, mediator):
    forwarded = build(S.NEGOTIATION, mediator)
    rep = forwarded.rep
    representation = rep.representations.get()
    screening = new_world(mediator, representation=representation)
    rejected = new_world(mediator, representation=representation)
    services.case_reject(case_id=rejected.case.pk, mediator=mediator, reason="Out of scope.")
    client.force_login(rep)

    html = client.get(reverse("odr:case_list")).content.decode()

    assert forwarded.case.complaint.reference in html
    assert screening.case.complaint.reference not in html
    assert rejected.case.complaint.reference not in html
