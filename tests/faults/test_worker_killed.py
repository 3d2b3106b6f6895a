"""A Celery worker killed (SIGKILL) in the middle of the deadline sweep: the batch it was in
rolls back, the batches before it stay done, and the next sweep finishes the work. Every case
makes its transition exactly once and every deadline is acted on."""

from __future__ import annotations

import threading
from datetime import timedelta

import pytest
import redis
from django.db import connection, transaction
from django.utils import timezone

from accounts.models import User
from odr.models import Case, CaseEvent, CaseState, Notification
from odr.tasks import SWEEP_BATCH_SIZE
from tests.factories import CaseFactory

from .processes import Worker, mails, send_task, wait_until

pytestmark = [pytest.mark.faults, pytest.mark.django_db(transaction=True)]

# One full batch and a few more: the worker is killed inside the second batch.
CASES = SWEEP_BATCH_SIZE + 5


def _waiting(query_prefix: str) -> int | None:
    """The database session waiting for a lock while running a statement that starts with
    ``query_prefix``, if there is one."""
    with connection.cursor() as cursor:
        # Inside a transaction PostgreSQL keeps showing the activity it read first.
        cursor.execute("SELECT pg_stat_clear_snapshot()")
        cursor.execute(
            "SELECT pid FROM pg_stat_activity WHERE datname = current_database() "
            "AND wait_event_type = 'Lock' AND query LIKE %s AND pid <> pg_backend_pid()",
            [query_prefix + "%"],
        )
        row = cursor.fetchone()
    return row[0] if row else None


class TableLock(threading.Thread):
    """LOCK TABLE ... IN EXCLUSIVE MODE on a connection of its own, held until released:
    others may read the table, nobody may write to it."""

    def __init__(self, table: str):
        super().__init__(daemon=True)
        self.table = table
        self.release = threading.Event()

    def run(self):
        try:
            with transaction.atomic(), connection.cursor() as cursor:
                cursor.execute(f'LOCK TABLE "{self.table}" IN EXCLUSIVE MODE')
                self.release.wait(timeout=120)
        finally:
            connection.close()


def _session_alive(pid: int) -> bool:
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_stat_clear_snapshot()")
        cursor.execute("SELECT count(*) FROM pg_stat_activity WHERE pid = %s", [pid])
        return cursor.fetchone()[0] == 1


def _expired() -> int:
    return CaseEvent.objects.filter(kind="merchant_response_expired").count()


def test_a_worker_killed_mid_sweep_loses_no_deadline_and_repeats_no_transition(
    test_database_url, private_redis, env_for, mail_dir, tmp_path, stop_at_end
):
    now = timezone.now()
    # Deadlines an hour ago, one second apart: the sweep takes the oldest first, in this order.
    cases = [
        CaseFactory(
            state=CaseState.AWAITING_MERCHANT,
            deadline_kind="merchant_response",
            deadline_at=now - timedelta(hours=1, seconds=CASES - i),
        )
        for i in range(CASES)
    ]
    env = env_for(test_database_url, private_redis.url)

    # Two workers, started together: the first takes the sweep (its own queue) and is killed;
    # the second does everything else (the e-mails, the next sweep) and lives on.
    first = stop_at_end(Worker(env, tmp_path / "first.log", "first", queue="sweep", wait=False))
    second = stop_at_end(Worker(env, tmp_path / "second.log", "second", wait=False))
    first.wait_ready()
    second.wait_ready()
    # Two locks stop the worker at a known point, without timing. (1) The consumer row of the
    # last case of the first batch: the notification's foreign key to it is checked at COMMIT
    # (Django's foreign keys are deferred), so the first batch waits there. (2) Meanwhile a
    # table lock on the case events queues behind that batch: it is granted the moment the
    # batch commits, and the second batch then waits on its very first event, mid-batch.
    events_lock = TableLock(CaseEvent._meta.db_table)
    with transaction.atomic():
        User.objects.select_for_update().get(pk=cases[SWEEP_BATCH_SIZE - 1].complaint.consumer_id)
        send_task(private_redis.url, "odr.tasks.sweep_deadlines", queue="sweep")
        wait_until(lambda: _waiting("COMMIT"), timeout=60, what="the first batch", log=first.log)
        events_lock.start()
        wait_until(lambda: _waiting("LOCK TABLE"), timeout=10, what="the table lock to queue")
    wait_until(
        lambda: _waiting('INSERT INTO "odr_caseevent"'),
        timeout=30,
        what="the second batch to reach its first event",
        log=first.log,
    )
    worker_session = _waiting('INSERT INTO "odr_caseevent"')
    assert _expired() == SWEEP_BATCH_SIZE, "the first batch is committed"
    first.kill()
    events_lock.release.set()
    events_lock.join(timeout=30)
    # The lock is released: the killed worker's session runs on, finds its client gone, and
    # rolls its transaction back.
    wait_until(
        lambda: not _session_alive(worker_session),
        timeout=30,
        what="PostgreSQL to end the killed worker's session",
    )
    assert _expired() == SWEEP_BATCH_SIZE, "the interrupted batch left nothing behind"
    assert Case.objects.filter(state=CaseState.AWAITING_MERCHANT).count() == CASES - (
        SWEEP_BATCH_SIZE
    ), "the case the worker had moved in the second batch is back where it was"

    # The next sweep, as beat sends it a minute later.
    send_task(private_redis.url, "odr.tasks.sweep_deadlines")
    wait_until(
        lambda: Case.objects.filter(state=CaseState.MEDIATION).count() == CASES,
        timeout=60,
        what="the next sweep to move every case",
        log=second.log,
    )
    queue = redis.Redis.from_url(private_redis.url)
    wait_until(
        lambda: queue.llen("celery") == 0 and len(mails(mail_dir)) >= CASES,
        timeout=60,
        what="the worker to send the e-mails",
        log=second.log,
    )

    for case in Case.objects.all():
        kinds = list(case.events.values_list("kind", flat=True))
        assert kinds.count("merchant_response_expired") == 1, case.pk
        assert case.outcome == "merchant_unresponsive"
        assert case.deadline_kind == "mediation"
    consumers = {c.complaint.consumer_id for c in cases}
    notified = list(Notification.objects.filter(kind="mediation").values_list("user_id", flat=True))
    assert sorted(notified) == sorted(consumers), "one notification per case, none twice"
    sent = mails(mail_dir)
    assert len(sent) == CASES
    addresses = {c.complaint.consumer.email for c in cases}
    assert {next(a for a in addresses if f"To: {a}" in m) for m in sent} == addresses
