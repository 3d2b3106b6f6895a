"""The one way to enqueue a Celery task: after the current transaction commits, never before."""

from __future__ import annotations

import logging
from typing import Any

from celery import Task, current_app
from django.db import transaction
from kombu.exceptions import OperationalError

logger = logging.getLogger(__name__)


def _send(task: Task | str, args: tuple, kwargs: dict) -> None:
    # A task named by string lets an app enqueue work of an app it must not import (odr tells
    # credit that an outcome was recorded; complaints tells odr that a complaint was submitted).
    # Looking it up in the registry (not send_task) keeps eager mode working in tests.
    if isinstance(task, str):
        if task not in current_app.tasks:
            # In a web process an app's tasks module is registered only once something imports
            # it; this runs Celery's autodiscovery (every installed app's tasks.py) once.
            current_app.loader.import_default_modules()
        task = current_app.tasks[task]
    try:
        task.apply_async(args=args, kwargs=kwargs)
    except OperationalError:
        # The broker is unreachable. The request that caused this must not fail because of it:
        # the state is committed, and the periodic sweeps pick up whatever this task would do.
        logger.exception("Could not enqueue %s%r: broker unreachable", task.name, args)


def enqueue_on_commit(task: Task | str, *args: Any, **kwargs: Any) -> None:
    """Enqueue ``task`` (a task or its registered name) with JSON-serialisable ids once the
    surrounding transaction commits.

    A rolled-back transaction enqueues nothing, so no e-mail is sent for a change that never
    happened. Outside a transaction the task is sent at once.
    """
    transaction.on_commit(lambda: _send(task, args, kwargs))
