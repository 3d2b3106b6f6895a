"""The Celery app: JSON only, tasks acknowledged after they ran, time limits, and a beat
schedule whose every entry names a task that exists."""

from __future__ import annotations

from datetime import timedelta

from celery.schedules import crontab
from django.conf import settings

from config.celery import app

LOCAL_APPS = ("core", "accounts", "merchants", "complaints", "odr", "credit")


def _our_tasks():
    # What a worker does at start: autodiscovery imports every app's tasks module.
    app.loader.import_default_modules()
    return {name: task for name, task in app.tasks.items() if name.startswith(LOCAL_APPS)}


def test_messages_are_json_only():
    assert app.conf.task_serializer == "json"
    assert app.conf.result_serializer == "json"
    assert app.conf.accept_content == ["json"]


def test_tasks_are_acknowledged_after_they_ran_and_have_time_limits():
    assert app.conf.task_soft_time_limit < app.conf.task_time_limit
    assert app.conf.worker_prefetch_multiplier == 1
    tasks = _our_tasks()

    assert tasks, "autodiscovery found no tasks"
    for name, task in tasks.items():
        assert task.acks_late, name
        assert task.reject_on_worker_lost, name
        soft = task.soft_time_limit or app.conf.task_soft_time_limit
        hard = task.time_limit or app.conf.task_time_limit
        assert 0 < soft < hard, name


def test_every_app_with_tasks_is_autodiscovered():
    names = set(_our_tasks())

    for module in (
        "core.tasks",
        "accounts.tasks",
        "merchants.tasks",
        "odr.tasks",
        "credit.tasks",
    ):
        assert any(name.startswith(module + ".") for name in names), module


def test_every_beat_entry_names_a_registered_task_with_a_schedule():
    tasks = _our_tasks()

    assert app.conf.beat_schedule == settings.CELERY_BEAT_SCHEDULE
    assert set(settings.CELERY_BEAT_SCHEDULE) >= {
        "accounts-purge-unverified",
        "merchants-expire-verifications",
        "odr-sweep-deadlines",
        "credit-recompute-all",
    }
    for key, entry in settings.CELERY_BEAT_SCHEDULE.items():
        assert entry["task"] in tasks, key
        schedule = entry["schedule"]
        assert isinstance(schedule, crontab) or schedule >= timedelta(minutes=1), key


def test_the_nightly_jobs_start_one_after_another():
    # Credit first (decay moves every score a little each day), then retention, then the
    # integrity check over what retention left: an hour apart, none at the same time.
    nightly = {
        key: (entry["schedule"].hour, entry["schedule"].minute)
        for key, entry in settings.CELERY_BEAT_SCHEDULE.items()
        if isinstance(entry["schedule"], crontab)
    }

    assert nightly == {
        "credit-recompute-all": ({2}, {30}),
        "odr-apply-retention": ({3}, {30}),
        "core-verify-integrity": ({4}, {30}),
    }
