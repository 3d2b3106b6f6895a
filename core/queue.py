"""The one way to enqueue a Celery task: after the current transaction commits, never before."""

from __future__ import annotations

import logging
from importlib import import_module
from typing import Any

from celery import Task, current_app
from django.db import transaction
from kombu.exceptions import OperationalError

logger = logging.getLogger(__name__)

# Work that no sweep can redo: an e-mail exists only in its message. When the broker cannot take
# it, the process that decided to send it (after commit: the change is saved) sends it itself
# rather than lose it. Everything else waits for its sweep: odr.tasks.sweep_deadlines opens the
# cases of complaints that have none, credit.tasks.recompute_all recomputes every merchant.
SENT_IN_PROCESS_WHEN_BROKER_DOWN = frozenset({"core.tasks.send_email"})


def _send(task: Task | str, args: tuple, kwargs: dict) -> None:
    # A task named by string lets an app enqueue work of an app it must not import (odr tells
    # credit that an outcome was recorded; complaints tells odr that a complaint was submitted).
    # Looking it up in the registry (not send_task) keeps eager mode working in tests.
    if isinstance(task, str):
        if task not in current_app.tasks:
            # Celery's autodiscovery imports the apps' tasks modules only in workers; a web
            # process that enqueues by name imports the task's module first to register it.
            import_module(task.rpartition(".")[0])
        task = current_app.tasks[task]
    try:
        task.apply_async(args=args, kwargs=kwargs)
    except OperationalError:
        # The broker is unreachable. The request that caused this must not fail because of it:
        # the state is committed, and the periodic sweeps pick up whatever this task would do.
        logger.exception("Could not enqueue %s%r: broker unreachable", task.name, args)
        if task.name in SENT_IN_PROCESS_WHEN_BROKER_DOWN:
            try:
                task.run(*args, **kwargs)
            except Exception:
                logger.exception("%s failed in process too; it is lost", task.name)
            else:
                logger.warning("%s done in process instead", task.name)


def enqueue_on_commit(task: Task | str, *args: Any, **kwargs: Any) -> None:
    """Enqueue ``task`` (a task or its registered name) with JSON-serialisable ids once the
    surrounding transaction commits.

    A rolled-back transaction enqueues nothing, so no e-mail is sent for a change that never
    happened. Outside a transaction the task is sent at once.
    """
    transaction.on_commit(lambda: _send(task, args, kwargs))
