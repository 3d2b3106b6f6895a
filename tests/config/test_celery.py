"""The Celery app: JSON only, tasks acknowledged after they ran, time limits, and a beat
schedule whose every entry names a task that exists."""

from __future__ import annotations

from datetime import timedelta

from celery.schedules import crontab
from django.conf import settings

from config.celery import app

LOCAL_APPS = (
    "core",
    "accounts",
    "merchants",
    "complaints",
    "odr",
    "referrals",
    "credit",
    "transparency",
    "privacy",
)


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
        "privacy.tasks",
        "referrals.tasks",
        "transparency.tasks",
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


def test_the_whole_beat_schedule_is_one_dict_of_these_tasks_and_times():
    schedule = {
        key: (entry["task"], entry["schedule"], entry.get("kwargs", {}))
        for key, entry in settings.CELERY_BEAT_SCHEDULE.items()
    }

    assert schedule == {
        "accounts-purge-unverified": (
            "accounts.tasks.purge_unverified_accounts",
            timedelta(hours=6),
            {},
        ),
        "merchants-expire-verifications": (
            "merchants.tasks.expire_verifications",
            timedelta(days=1),
            {},
        ),
        "odr-sweep-deadlines": ("odr.tasks.sweep_deadlines", timedelta(minutes=1), {}),
        "transparency-refresh-open-complaints": (
            "transparency.tasks.refresh_open_complaints",
            timedelta(minutes=10),
            {},
        ),
        "credit-recompute-all": ("credit.tasks.recompute_all", crontab(hour=2, minute=30), {}),
        "privacy-apply-retention": (
            "privacy.tasks.apply_retention",
            crontab(hour=3, minute=30),
            {},
        ),
        "core-verify-integrity": (
            "core.tasks.verify_integrity",
            crontab(hour=4, minute=30),
            {"files": True},
        ),
        "odr-remind-expiring-rights": (
            "odr.tasks.remind_expiring_rights",
            crontab(hour=8, minute=0),
            {},
        ),
        "referrals-remind-outcomes": (
            "referrals.tasks.remind_referral_outcomes",
            crontab(hour=8, minute=15),
            {},
        ),
    }


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
        "privacy-apply-retention": ({3}, {30}),
        "core-verify-integrity": ({4}, {30}),
        "odr-remind-expiring-rights": ({8}, {0}),
        "referrals-remind-outcomes": ({8}, {15}),
    }


# The hard time limits of the long tasks, in seconds, as the tasks declare them.
LONG_TASK_TIME_LIMITS = {
    "core.tasks.verify_integrity": 6 * 60 * 60 + 5 * 60,
    "credit.tasks.recompute_all": 65 * 60,
    "privacy.tasks.apply_retention": 65 * 60,
    "privacy.tasks.erase_consumer": 35 * 60,
}
# The longest retry countdown: webhook deliveries back off up to 6 hours.
LONGEST_COUNTDOWN = 6 * 60 * 60


def _redis_broker_transport_options() -> dict:
    """The broker options the settings give a Redis broker (nothing connects to it here)."""
    import json
    import os
    import subprocess
    import sys

    probe = (
        "import json, django; django.setup(); from config.celery import app; "
        "print(json.dumps(app.conf.broker_transport_options))"
    )
    env = {k: v for k, v in os.environ.items() if k != "CELERY_BROKER_URL"}
    env.update(DJANGO_SETTINGS_MODULE="config.settings.test", REDIS_URL="redis://127.0.0.1:1/0")
    done = subprocess.run(  # noqa: S603 - fixed arguments
        [sys.executable, "-c", probe], env=env, capture_output=True, text=True, check=True
    )
    return json.loads(done.stdout.strip().splitlines()[-1])


def test_a_long_task_is_not_handed_to_a_second_worker_while_it_runs():
    """Acknowledged late, a task still running when the Redis transport's visibility timeout
    passes is delivered again: the timeout must outlast every task's hard time limit."""
    tasks = _our_tasks()
    for name, limit in LONG_TASK_TIME_LIMITS.items():
        assert tasks[name].time_limit == limit, name

    timeout = _redis_broker_transport_options()["visibility_timeout"]

    assert timeout == 7 * 60 * 60
    assert timeout > max(LONG_TASK_TIME_LIMITS.values())
    assert timeout > LONGEST_COUNTDOWN
    for name, task in tasks.items():
        assert (task.time_limit or app.conf.task_time_limit) < timeout, name
    if settings.REDIS_URL and not settings.CELERY_BROKER_URL.startswith("filesystem://"):
        assert app.conf.broker_transport_options["visibility_timeout"] == timeout
