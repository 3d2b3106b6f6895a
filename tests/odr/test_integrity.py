"""Case events are append-only and hash-chained per case: every event links to the one before,
the case holds the end of its chain, and the verification names each change, removal, insertion
or reordering; the model, the admin and (on PostgreSQL) the database refuse edits and deletes."""

from __future__ import annotations

import datetime as dt
import hashlib
import itertools

import pytest
import rfc8785
from django.contrib import admin
from django.contrib.auth.models import Permission
from django.db import IntegrityError, transaction
from django.urls import NoReverseMatch, reverse

from core import integrity
from odr import events, services
from odr.integrity import CASE_EVENTS
from odr.models import Case, CaseEvent, CaseState

from ..tampering import breaks, postgres_only, raw_delete, raw_insert, raw_update
from .builders import build

pytestmark = pytest.mark.django_db


def _case_in_mediation(mediator):
    """A case with five events: opened, accepted, merchant offered, mediation, assigned."""
    w = build(CaseState.MEDIATION, mediator)
    return w.reload()


def _events(case):
    return list(CaseEvent.objects.filter(case=case).order_by("seq"))


def test_each_event_links_to_the_one_before_and_the_case_holds_the_end(mediator):
    case = _case_in_mediation(mediator)

    chain = _events(case)

    assert [e.seq for e in chain] == list(range(1, len(chain) + 1))
    assert len(chain) >= 4
    assert chain[0].prev_hash == ""
    assert all(later.prev_hash == earlier.hash for earlier, later in itertools.pairwise(chain))
    assert all(len(e.hash) == 64 for e in chain)
    assert (case.events_count, case.events_head) == (len(chain), chain[-1].hash)
    assert breaks() == []


def test_the_stored_hash_is_that_of_the_row_as_read_back(mediator):
    case = _case_in_mediation(mediator)
    event = CaseEvent.objects.get(case=case, seq=2)
    # The canonical form as documented, built here by hand: RFC 8785 JSON of the tag, the
    # previous hash and the event's fields, the time in UTC with microseconds and "Z".
    canonical = rfc8785.dumps(
        {
            "@chain": "odr.caseevent/1",
            "@prev": event.prev_hash,
            "case": event.case_id,
            "seq": event.seq,
            "kind": event.kind,
            "actor": event.actor_id,
            "from_state": event.from_state,
            "to_state": event.to_state,
            "note_sha256": hashlib.sha256(event.note.encode()).hexdigest(),
            "data": event.data,
            "created_at": event.created_at.astimezone(dt.UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ"),
        }
    )

    assert event.hash == hashlib.sha256(canonical).hexdigest()


def test_an_edited_event_is_reported_with_its_case_and_row(mediator):
    case = _case_in_mediation(mediator)
    accepted = CaseEvent.objects.get(case=case, kind="accepted")

    raw_update(CaseEvent, accepted.pk, note="The mediator never accepted this.")

    [found] = breaks()
    assert found.check == "case events"
    assert case.complaint.reference in found.subject
    assert found.row == f"event {accepted.pk} (#{accepted.seq} accepted)"
    assert "its note does not match the SHA-256 recorded when it was written" in found.problem
    assert accepted.note_sha256 in found.problem


def test_an_event_whose_kind_is_edited_is_reported(mediator):
    case = _case_in_mediation(mediator)
    accepted = CaseEvent.objects.get(case=case, kind="accepted")

    raw_update(CaseEvent, accepted.pk, kind="rejected")

    [found] = breaks()
    assert found.row == f"event {accepted.pk} (#{accepted.seq} rejected)"
    assert "content does not match its hash" in found.problem
    assert accepted.hash in found.problem


def _case_with_a_note(mediator):
    w = build(CaseState.SUBMITTED, mediator)
    services.case_request_info(
        case_id=w.case.pk, mediator=mediator, question="Please send the order confirmation."
    )
    return w.reload()


def test_pseudonymisation_blanks_notes_and_the_chain_still_verifies(mediator):
    case = _case_with_a_note(mediator)
    services.case_withdraw(case_id=case.pk, consumer=case.complaint.consumer)
    asked = CaseEvent.objects.get(case=case, kind="info_requested")
    assert asked.note

    assert services.case_pseudonymise(case_id=case.pk, reason="erasure") is True

    asked.refresh_from_db()
    assert asked.note == ""
    assert asked.hash and asked.note_sha256 == integrity.text_digest(
        "Please send the order confirmation."
    )
    assert CaseEvent.objects.filter(case=case).last().kind == "pseudonymised"
    assert breaks(only=["case-events"]) == []


def test_a_note_blanked_without_a_pseudonymisation_is_reported(mediator):
    case = _case_with_a_note(mediator)
    asked = CaseEvent.objects.get(case=case, kind="info_requested")

    CaseEvent.objects.filter(pk=asked.pk).redact("note")

    [found] = breaks(only=["case-events"])
    assert f"event {asked.pk} (#{asked.seq} info_requested) (note)" in found.problem
    assert "no pseudonymised row follows" in found.problem


def test_only_the_note_can_be_redacted(mediator):
    case = _case_with_a_note(mediator)

    with pytest.raises(integrity.AppendOnlyViolation, match="only"):
        CaseEvent.objects.filter(case=case).redact("kind")
    with pytest.raises(integrity.AppendOnlyViolation):
        CaseEvent.objects.filter(case=case).redact()


@postgres_only
def test_postgresql_lets_a_note_be_blanked_and_nothing_else(mediator):
    case = _case_with_a_note(mediator)
    asked = CaseEvent.objects.get(case=case, kind="info_requested")

    with transaction.atomic(), pytest.raises(IntegrityError, match="append-only"):
        CaseEvent._base_manager.filter(pk=asked.pk).update(note="Something else.")
    with transaction.atomic(), pytest.raises(IntegrityError, match="append-only"):
        CaseEvent._base_manager.filter(pk=asked.pk).update(note="", kind="withdrawn")
    with transaction.atomic(), pytest.raises(IntegrityError, match="append-only"):
        CaseEvent._base_manager.filter(pk=asked.pk).update(note_sha256="")
    assert CaseEvent._base_manager.filter(pk=asked.pk).update(note="") == 1
    assert CaseEvent.objects.get(pk=asked.pk).note == ""


def test_an_event_deleted_from_the_middle_is_reported_at_the_gap(mediator):
    case = _case_in_mediation(mediator)
    second, third = _events(case)[1:3]

    raw_delete(CaseEvent, second.pk)

    [found] = breaks()
    assert found.row.startswith(f"event {third.pk} (#3")
    assert "#2 is missing before it" in found.problem
    assert f"links to previous hash {second.hash}" in found.problem


def test_the_last_event_removed_is_reported_on_the_case(mediator):
    case = _case_in_mediation(mediator)
    last = _events(case)[-1]

    raw_delete(CaseEvent, last.pk)

    [found] = breaks()
    assert found.row == ""
    assert f"records {last.seq} rows ending in hash {last.hash}" in found.problem
    assert f"ends at #{last.seq - 1}" in found.problem


def test_every_event_of_a_case_removed_is_reported(mediator):
    case = _case_in_mediation(mediator)

    for event in _events(case):
        raw_delete(CaseEvent, event.pk)

    [found] = breaks()
    assert case.complaint.reference in found.subject
    assert "ends at #0" in found.problem


def test_two_events_swapped_are_reported_both(mediator):
    case = _case_in_mediation(mediator)
    first, second = _events(case)[1:3]

    # Renumbered through a free number: (case, seq) is unique.
    raw_update(CaseEvent, first.pk, seq=1000)
    raw_update(CaseEvent, second.pk, seq=first.seq)
    raw_update(CaseEvent, first.pk, seq=second.seq)

    found = {b.row.split(" ")[1]: b.problem for b in breaks()}
    assert "content does not match its hash" in found[str(first.pk)]
    assert "content does not match its hash" in found[str(second.pk)]


def test_an_event_moved_in_time_is_reported(mediator):
    case = _case_in_mediation(mediator)
    event = _events(case)[2]

    raw_update(CaseEvent, event.pk, created_at=event.created_at.replace(year=2020))

    [found] = breaks()
    assert found.row.startswith(f"event {event.pk} ")


def test_a_forged_event_inserted_in_the_middle_is_reported(mediator):
    case = _case_in_mediation(mediator)
    chain = _events(case)
    for event in reversed(chain[2:]):
        raw_update(CaseEvent, event.pk, seq=event.seq + 1)

    raw_insert(
        CaseEvent,
        case=case,
        kind="withdrawn",
        seq=3,
        prev_hash=chain[1].hash,
        hash="0" * 64,
        data={"by": "consumer"},
    )

    found = breaks()
    assert any("content does not match its hash" in b.problem for b in found)
    assert len(found) >= 2  # the forgery and each renumbered event after it


def test_a_well_forged_event_appended_outside_the_services_is_reported(mediator):
    """Someone who computes the hash right but does not (also) rewrite the case row."""
    case = _case_in_mediation(mediator)
    forged = CaseEvent(
        case=case, kind="withdrawn", seq=case.events_count + 1, prev_hash=case.events_head
    )
    CASE_EVENTS.seal_digests(forged)
    values = {a: getattr(forged, a) for a in CASE_EVENTS.attnames(CaseEvent)}
    forged.hash = CASE_EVENTS.digest(CaseEvent, values, forged.prev_hash)
    forged.save()

    [found] = breaks()
    assert found.row == ""
    assert f"ends at #{forged.seq} with hash {forged.hash}" in found.problem


def test_the_model_refuses_to_change_or_delete_an_event(mediator):
    case = _case_in_mediation(mediator)
    event = _events(case)[0]
    event.note = "changed"

    with pytest.raises(integrity.AppendOnlyViolation):
        event.save()
    with pytest.raises(integrity.AppendOnlyViolation):
        event.delete()
    with pytest.raises(integrity.AppendOnlyViolation):
        CaseEvent.objects.filter(case=case).update(note="changed")
    with pytest.raises(integrity.AppendOnlyViolation):
        case.events.all().delete()
    with pytest.raises(integrity.AppendOnlyViolation):
        CaseEvent.objects.bulk_update([event], ["note"])
    # A new instance given an existing id inserts (and fails), never overwrites.
    with transaction.atomic(), pytest.raises(IntegrityError):
        CaseEvent(pk=event.pk, case=case, kind="withdrawn", seq=99, hash="x").save()
    assert breaks() == []


@postgres_only
def test_postgresql_refuses_update_and_delete_whoever_asks(mediator):
    case = _case_in_mediation(mediator)
    event = _events(case)[0]

    with transaction.atomic(), pytest.raises(IntegrityError, match="append-only"):
        CaseEvent._base_manager.filter(pk=event.pk).update(note="changed")
    with transaction.atomic(), pytest.raises(IntegrityError, match="append-only"):
        CaseEvent._base_manager.filter(pk=event.pk).delete()
    assert CaseEvent.objects.get(pk=event.pk).note == event.note


def test_an_append_from_a_stale_case_is_refused_not_forked(mediator):
    """What the row lock prevents: two writers appending from the same starting point."""
    w = build(CaseState.SUBMITTED, mediator)
    first, second = Case.objects.get(pk=w.case.pk), Case.objects.get(pk=w.case.pk)
    events.record(case=first, kind="reminder_sent", from_state=first.state)

    with transaction.atomic(), pytest.raises(integrity.ChainConflict):
        events.record(case=second, kind="reminder_sent", from_state=second.state)
    assert breaks() == []


def test_the_services_keep_the_chain_whole_through_a_whole_case(mediator):
    w = build(CaseState.SETTLED, mediator)
    services.settlement_confirm_paid(case_id=w.case.pk, consumer=w.consumer)

    case = w.reload()
    assert case.state == CaseState.RESOLVED
    assert case.events_count == CaseEvent.objects.filter(case=case).count() >= 5
    assert breaks() == []


# --- the admin --------------------------------------------------------------------------------


def test_no_admin_page_edits_or_deletes_an_event(client, superuser, mediator):
    case = _case_in_mediation(mediator)
    client.force_login(superuser)

    assert not admin.site.is_registered(CaseEvent)
    with pytest.raises(NoReverseMatch):
        reverse("admin:odr_caseevent_change", args=[1])
    # The case page shows the timeline read-only, and its form cannot be posted at all.
    page = client.get(reverse("admin:odr_case_change", args=[case.pk]))
    assert page.status_code == 200
    assert 'name="events-0-note"' not in page.content.decode()
    posted = client.post(
        reverse("admin:odr_case_change", args=[case.pk]),
        {"events-TOTAL_FORMS": "1", "events-0-id": _events(case)[0].pk, "events-0-DELETE": "on"},
    )
    assert posted.status_code == 403
    assert breaks() == []


def test_nobody_can_be_given_the_right_to_add_change_or_delete_events():
    codenames = set(
        Permission.objects.filter(content_type__model="caseevent").values_list(
            "codename", flat=True
        )
    )

    assert codenames == {"view_caseevent"}
