"""The canonical form that hashes cover, ``manage.py verify_integrity`` and the nightly task."""

from __future__ import annotations

import datetime as dt
import enum
import logging
import zoneinfo

import pytest
from django.conf import settings
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connection
from django.test.utils import CaptureQueriesContext

from core import integrity
from core.tasks import verify_integrity
from odr.integrity import CASE_EVENTS
from odr.models import CaseEvent, CaseState

from ..odr.builders import build
from ..tampering import raw_update

WHEN = dt.datetime(2026, 3, 1, 9, 30, 0, 123456, tzinfo=dt.UTC)
VALUES = {
    "case_id": 7,
    "seq": 2,
    "kind": "accepted",
    "actor_id": 3,
    "from_state": "submitted",
    "to_state": "awaiting_merchant",
    # The chain covers the note's SHA-256, so erasure may blank the note itself.
    "note_sha256": "c501876711332566aa8f30cd75c63131cc8cfd42ddc3c8b006670e5f3afc0e5f",
    "data": {"by": "mediator", "b": [1, True, None], "a": "x"},
    "created_at": WHEN,
}
PREV = "ab" * 32


# --- the canonical form -----------------------------------------------------------------------


def test_the_canonical_form_is_fixed_json_of_tag_previous_hash_and_fields():
    """A change here changes every stored hash: it needs a new tag and a migration."""
    canonical = CASE_EVENTS.canonical(CaseEvent, VALUES, PREV)

    assert (
        canonical
        == (
            '{"@chain":"odr.caseevent/1","@prev":"' + PREV + '","actor":3,"case":7,'
            '"created_at":"2026-03-01T09:30:00.123456Z","data":{"a":"x","b":[1,true,null],'
            '"by":"mediator"},"from_state":"submitted","kind":"accepted",'
            '"note_sha256":"c501876711332566aa8f30cd75c63131cc8cfd42ddc3c8b006670e5f3afc0e5f",'
            '"seq":2,"to_state":"awaiting_merchant"}'
        ).encode()
    )
    # SHA-256 of the canonical form above, computed once outside the code and kept as the vector.
    assert CASE_EVENTS.digest(CaseEvent, VALUES, PREV) == (
        "46413d4e79400274334f7e047651423b2065c6a14b7c43dd2ef65bcee74543d1"
    )
    # The note's digest is the SHA-256 of its UTF-8.
    assert integrity.text_digest("Réponse — 好") == VALUES["note_sha256"]


def test_the_same_instant_in_any_time_zone_hashes_the_same(settings):
    shanghai = WHEN.astimezone(zoneinfo.ZoneInfo("Asia/Shanghai"))
    settings.TIME_ZONE = "America/Los_Angeles"

    assert CASE_EVENTS.digest(CaseEvent, {**VALUES, "created_at": shanghai}, PREV) == (
        CASE_EVENTS.digest(CaseEvent, VALUES, PREV)
    )
    assert integrity.timestamp(shanghai) == "2026-03-01T09:30:00.123456Z"
    assert integrity.timestamp(WHEN.replace(microsecond=0)) == "2026-03-01T09:30:00.000000Z"


def test_json_hashes_as_the_database_gives_it_back():
    class Party(enum.StrEnum):
        CONSUMER = "consumer"

    written = {**VALUES, "data": {"by": Party.CONSUMER, "ids": (1, 2), 5: "five"}}
    read_back = {**VALUES, "data": {"5": "five", "ids": [1, 2], "by": "consumer"}}

    assert CASE_EVENTS.digest(CaseEvent, written, PREV) == (
        CASE_EVENTS.digest(CaseEvent, read_back, PREV)
    )


def test_every_field_and_the_previous_hash_change_the_hash():
    base = CASE_EVENTS.digest(CaseEvent, VALUES, PREV)
    changed = {
        "case_id": 8,
        "seq": 3,
        "kind": "rejected",
        "actor_id": None,
        "from_state": "",
        "to_state": "rejected",
        "note_sha256": integrity.text_digest("Réponse — 好 "),
        "data": {**VALUES["data"], "a": "y"},
        "created_at": WHEN + dt.timedelta(microseconds=1),
    }

    for attname, value in changed.items():
        assert CASE_EVENTS.digest(CaseEvent, {**VALUES, attname: value}, PREV) != base, attname
    assert CASE_EVENTS.digest(CaseEvent, VALUES, "cd" * 32) != base


@pytest.mark.parametrize(
    "value",
    [
        {"b": 1, "a": [True, False, None], "c": {"z": "", "y": -(2**53) + 1}},
        {"text": 'quote " backslash \\ slash / tab \t newline \n nul \x00 bell \x07 del \x7f'},
        {"zh": "没有收到 — 退款", "emoji": "📦", "ls": "\u2028\u2029", "bom": "\ufeff"},
        {"n": 2**53 - 1, "list": [[], {}, [1, [2, [3]]]]},
    ],
)
def test_the_fast_canonical_json_is_byte_for_byte_rfc_8785(value):
    import rfc8785

    assert integrity.jcs(value) == rfc8785.dumps(value)


def test_floats_and_other_keys_take_the_rfc_8785_encoder():
    # json.dumps would write 1e+16; RFC 8785 writes numbers as ECMAScript does.
    assert integrity.jcs({"f": 1e16, "é": 0.5}) == '{"f":10000000000000000,"é":0.5}'.encode()


def test_naive_date_times_are_refused():
    with pytest.raises(ValueError, match="aware"):
        integrity.timestamp(dt.datetime(2026, 3, 1, 9, 30))


# --- the command --------------------------------------------------------------------------------


@pytest.mark.django_db
def test_a_clean_database_verifies_and_the_command_says_what_it_checked(mediator, capsys):
    build(CaseState.MEDIATION, mediator)

    call_command("verify_integrity")

    out = capsys.readouterr().out
    assert "Integrity verified." in out
    assert "case events: 1 chains" in out
    assert "disclosure versions: " in out


@pytest.mark.django_db
def test_a_break_makes_the_command_fail_and_name_it(mediator, capsys):
    w = build(CaseState.MEDIATION, mediator)
    event = CaseEvent.objects.get(case=w.case, seq=2)
    raw_update(CaseEvent, event.pk, note="edited")

    with pytest.raises(CommandError, match=r"Integrity broken\. .*1 break") as failure:
        call_command("verify_integrity")

    assert failure.value.returncode == 1
    err = capsys.readouterr().err
    assert f"BREAK case events: case {w.case.complaint.reference} (id {w.case.pk}), " in err
    assert f"event {event.pk} (#2 " in err


@pytest.mark.django_db
def test_the_command_runs_only_the_checks_asked_for(mediator, capsys):
    w = build(CaseState.MEDIATION, mediator)
    raw_update(CaseEvent, CaseEvent.objects.filter(case=w.case).first().pk, note="edited")

    call_command("verify_integrity", "--check", "disclosure-versions", "--check", "evidence")

    out = capsys.readouterr().out
    assert "Integrity verified." in out and "case events" not in out
    with pytest.raises(CommandError, match="Unknown checks: nope"):
        call_command("verify_integrity", "--check", "nope")


@pytest.mark.django_db
def test_verification_reads_in_batches_not_per_case(mediator):
    """The number of queries does not grow with the number of cases (below a batch)."""
    build(CaseState.MEDIATION, mediator)
    with CaptureQueriesContext(connection) as one:
        integrity.verify(only=["case-events"])
    for _ in range(4):
        build(CaseState.MEDIATION, mediator)
    with CaptureQueriesContext(connection) as five:
        report = integrity.verify(only=["case-events"])

    assert report.counts["case events"]["chains"] == 5
    assert len(five.captured_queries) == len(one.captured_queries)


# --- the nightly task -------------------------------------------------------------------------


def test_the_verification_runs_every_night():
    entry = settings.CELERY_BEAT_SCHEDULE["core-verify-integrity"]

    assert entry["task"] == "core.tasks.verify_integrity" == verify_integrity.name
    assert entry["kwargs"] == {"files": True}


@pytest.mark.django_db
def test_the_task_logs_each_break_as_an_error(mediator, caplog):
    w = build(CaseState.MEDIATION, mediator)
    assert verify_integrity.delay().get() == 0
    raw_update(CaseEvent, CaseEvent.objects.filter(case=w.case).last().pk, note="edited")

    with caplog.at_level(logging.INFO, logger="core.tasks"):
        assert verify_integrity.delay(files=False).get() == 1

    errors = [r.getMessage() for r in caplog.records if r.levelno == logging.ERROR]
    assert any(m.startswith("Integrity break: case events: case ") for m in errors)
    assert any(m.startswith("Integrity broken.") for m in errors)
