"""Settings come from the environment; production refuses to start without real secrets."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.core.management import call_command

ROOT = Path(__file__).resolve().parents[2]

PRODUCTION_ENV = {
    "DJANGO_SETTINGS_MODULE": "config.settings.production",
    "SECRET_KEY": "x" * 20 + "-a-long-random-production-secret-key-for-tests-" + "y" * 10,
    "ALLOWED_HOSTS": "redress.example.org",
    # A key made for this test only (python manage.py signing_key new).
    "REDRESS_SIGNING_KEY": "nWGxne/9WmC6hEr0kuwsxERJxWl7MmkZcDusAxyuf2A=",
    "DATABASE_URL": "sqlite:////tmp/redress-check-deploy.sqlite3",
    # Well-formed values of the variables that are checked, as a deployment would set them.
    "SITE_URL": "https://redress.example.org/",
    "TIME_ZONE": "Asia/Shanghai",
    "LOG_LEVEL": "warning",
    "DEFAULT_FROM_EMAIL": "Redress <no-reply@redress.example.org>",
    "EMAIL_BACKEND": "django.core.mail.backends.smtp.EmailBackend",
}


def _manage(*args: str, env: dict, unset: tuple[str, ...] = ()) -> subprocess.CompletedProcess:
    # The test process's own settings must not leak into the production process.
    dropped = {
        "SECRET_KEY",
        "REDRESS_SIGNING_KEY",
        "ALLOWED_HOSTS",
        "DJANGO_ALLOW_ASYNC_UNSAFE",
        "DEBUG",
        *unset,
    }
    clean = {k: v for k, v in os.environ.items() if k not in dropped}
    return subprocess.run(  # noqa: S603 - fixed arguments
        [sys.executable, "manage.py", *args],
        cwd=ROOT,
        env={**clean, **env},
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


def test_check_deploy_is_clean_with_production_settings():
    result = _manage("check", "--deploy", "--fail-level", "WARNING", env=PRODUCTION_ENV)

    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout


@pytest.mark.parametrize(
    ("overrides", "named"),
    [
        ({"SECRET_KEY": ""}, "SECRET_KEY"),
        ({"SECRET_KEY": "short"}, "SECRET_KEY"),
        ({"SECRET_KEY": "ab" * 30}, "SECRET_KEY"),
        ({"SECRET_KEY": "django-insecure-" + "k3y" * 20}, "SECRET_KEY"),
        ({"REDRESS_SIGNING_KEY": ""}, "REDRESS_SIGNING_KEY"),
        ({"REDRESS_SIGNING_KEY": "not-a-key"}, "REDRESS_SIGNING_KEY"),
        ({"REDRESS_SIGNING_KEY": "c2hvcnQ="}, "REDRESS_SIGNING_KEY"),
        ({"ALLOWED_HOSTS": ""}, "ALLOWED_HOSTS"),
        ({"ALLOWED_HOSTS": "*"}, "ALLOWED_HOSTS"),
        ({"DATABASE_URL": "garbage"}, "DATABASE_URL"),
        ({"DATABASE_URL": "mysql-ish:nonsense"}, "DATABASE_URL"),
        ({"DATABASE_URL": "postgres://"}, "DATABASE_URL"),
        ({"DATABASE_URL": "postgres://u@db:port/redress"}, "DATABASE_URL"),
        ({"REDIS_URL": "http://127.0.0.1:6379"}, "REDIS_URL"),
        ({"CELERY_BROKER_URL": "garbage"}, "CELERY_BROKER_URL"),
        ({"DEBUG": "maybe"}, "DEBUG"),
        ({"CONN_MAX_AGE": "forever"}, "CONN_MAX_AGE"),
        ({"CONN_MAX_AGE": "-5"}, "CONN_MAX_AGE"),
        ({"TIME_ZONE": "Mars/Olympus_Mons"}, "TIME_ZONE"),
        ({"LOG_LEVEL": "LOUD"}, "LOG_LEVEL"),
        ({"SITE_URL": "redress.example.org"}, "SITE_URL"),
        ({"EMAIL_BACKEND": "smtp"}, "EMAIL_BACKEND"),
        ({"DEFAULT_FROM_EMAIL": "Redress"}, "DEFAULT_FROM_EMAIL"),
        ({"EMAIL_PORT": "smtp"}, "EMAIL_PORT"),
        ({"PRIVATE_STORAGE_BACKEND": "ftp"}, "PRIVATE_STORAGE_BACKEND"),
        ({"PRIVATE_STORAGE_BACKEND": "s3"}, "PRIVATE_STORAGE_BUCKET"),
        ({"REDRESS_DEADLINE_MEDIATION_DAYS": "0"}, "REDRESS_DEADLINE_MEDIATION_DAYS"),
    ],
)
def test_missing_or_malformed_variable_stops_startup_naming_it(overrides, named):
    result = _manage("check", env={**PRODUCTION_ENV, **overrides})

    assert result.returncode != 0
    # The last line of the traceback is the one an operator reads.
    last_line = result.stderr.strip().splitlines()[-1]
    assert "ImproperlyConfigured" in last_line
    assert named in last_line


@pytest.mark.django_db
def test_migrations_are_committed_for_every_model_change():
    call_command("makemigrations", "--check", "--dry-run", verbosity=0)


def test_without_redis_the_processes_of_make_run_share_one_cache(tmp_path):
    """The web process, the worker and beat of the embedded default are separate processes: a
    credit entry the worker drops must be gone for the web process too."""
    env = {
        "DJANGO_SETTINGS_MODULE": "config.settings.local",
        "REDRESS_VAR_DIR": str(tmp_path),
        "DATABASE_URL": f"sqlite:///{tmp_path / 'db.sqlite3'}",
    }
    write = "from django.core.cache import cache; cache.set('shared', 'from the worker', 60)"
    read = "from django.core.cache import cache; print(cache.get('shared'))"

    unset = ("REDIS_URL", "CELERY_BROKER_URL")
    written = _manage("shell", "-c", write, env=env, unset=unset)
    assert written.returncode == 0, written.stdout + written.stderr
    result = _manage("shell", "-c", read, env=env, unset=unset)

    assert result.returncode == 0, result.stdout + result.stderr
    assert result.stdout.strip().splitlines()[-1] == "from the worker"
    assert (tmp_path / "cache").is_dir()


@pytest.mark.parametrize(
    ("settings_module", "redis_url"),
    [
        ("config.settings.local", None),
        ("config.settings.local", "redis://127.0.0.1:1/0"),  # nothing is connected to
        ("config.settings.test", None),
        ("config.settings.test", "redis://127.0.0.1:1/0"),
    ],
)
def test_check_passes_with_the_rate_limits_own_checks(tmp_path, settings_module, redis_url):
    """django-ratelimit is installed, so its check of the limits' cache runs: Redis, or on the
    embedded default a memory cache that counts atomically (per process, as the settings
    say), never the file cache, which cannot."""
    env = {
        "DJANGO_SETTINGS_MODULE": settings_module,
        "REDRESS_VAR_DIR": str(tmp_path),
        "DATABASE_URL": f"sqlite:///{tmp_path / 'db.sqlite3'}",
    }
    if redis_url:
        env["REDIS_URL"] = redis_url
    probe = (
        "from django.conf import settings; from django.core.management import call_command; "
        "call_command('check', fail_level='WARNING'); "
        "print(settings.CACHES[settings.RATELIMIT_USE_CACHE]['BACKEND'])"
    )

    result = _manage("shell", "-c", probe, env=env, unset=("REDIS_URL", "CELERY_BROKER_URL"))

    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout
    assert result.stdout.strip().splitlines()[-1] == (
        "django_redis.cache.RedisCache"
        if redis_url
        else "django.core.cache.backends.locmem.LocMemCache"
    )


def test_the_rate_limits_app_is_installed_so_its_checks_run():
    from django.conf import settings

    assert "django_ratelimit" in settings.INSTALLED_APPS
    assert settings.RATELIMIT_USE_CACHE in settings.CACHES


# Redress's own settings and their defaults, as README's table and config/settings/redress.py
# give them (sizes in bytes, durations in the unit of the name).
PROJECT_DEFAULTS = {
    "SITE_URL": "http://127.0.0.1:8000",
    "TRUSTED_PROXY_COUNT": 0,
    "REDRESS_STAFF_OTP_REQUIRED": True,
    "REDRESS_INTEGRITY_CHECK_FILES": True,
    "REDRESS_EVIDENCE_MAX_FILE_BYTES": 10_000_000,
    "REDRESS_EVIDENCE_MAX_COMPLAINT_BYTES": 50_000_000,
    "REDRESS_UPLOAD_MAX_BYTES": 10_000_000,
    "REDRESS_FLOOD_COMPLAINTS": 3,
    "REDRESS_FLOOD_WINDOW_HOURS": 24,
    "REDRESS_FLOOD_NEW_ACCOUNT_HOURS": 48,
    "REDRESS_MAX_COMPENSATION_MULTIPLE": 3,
    "REDRESS_VERIFICATION_VALID_DAYS": 365,
    "CREDIT_API_RATE": "600/minute",
    "CREDIT_API_MAX_AGE": 300,
    "CREDIT_API_KEY_CACHE_SECONDS": 10,
    "CREDIT_CACHE_TIMEOUT": 3600,
    "CREDIT_MEMORY_CHECK_SECONDS": 0.25,
    "CREDIT_MEMORY_SECONDS": 60,
    "CREDIT_STATISTICS_CACHE_SECONDS": 300,
    "ODR_DESK_CACHE_SECONDS": 30,
    "DIRECTORY_COUNT_CACHE_SECONDS": 60,
    "TRANSPARENCY_STATISTICS_CACHE_SECONDS": 600,
    "CREDIT_WEBHOOK_TIMEOUT": 10,
    "CREDIT_WEBHOOK_MAX_ATTEMPTS": 8,
    "CREDIT_WEBHOOK_BACKOFF": 30,
    "CREDIT_WEBHOOK_BACKOFF_MAX": 21600,
    "REDRESS_DEADLINES": {
        "screening": 2,
        "consumer_info": 7,
        "merchant_response": 10,
        "negotiation": 30,
        "mediation": 45,
        "fulfilment": 15,
    },
    "REDRESS_REMINDER_BEFORE": 48 * 3600,
    "REDRESS_RETENTION_DAYS": 1095,
    "REDRESS_RETENTION": 1095 * 86400,
    "REDRESS_SIGNING_KEY": "",
    "REDRESS_SIGNING_OLD_PUBLIC_KEYS": [],
    "REDRESS_REFERRAL_OUTCOME_REMINDER_DAYS": 30,
    "REDRESS_DOSSIER_VERIFY_RATE": "60/minute",
    "TRANSPARENCY_PUBLISH_AFTER_DAYS": 15,
    "TRANSPARENCY_COUNT_CACHE_SECONDS": 60,
    "TRANSPARENCY_API_RATE": "60/minute",
}


def test_the_project_settings_and_their_defaults_are_in_one_module():
    code = """
import datetime, json
from config.settings import redress
values = {}
for name in dir(redress):
    if not name.isupper() or name.startswith("_") or name in {"BASE_DIR", "VAR_DIR"}:
        continue
    value = getattr(redress, name)
    if isinstance(value, datetime.timedelta):
        value = value.total_seconds()
    if name == "REDRESS_DEADLINES":
        value = {stage: delta.days for stage, delta in value.items()}
    values[name] = value
print(json.dumps(values))
"""
    clean = {
        k: v
        for k, v in os.environ.items()
        if not k.startswith(("REDRESS_", "CREDIT_", "ODR_", "DIRECTORY_"))
        and k not in {"SITE_URL", "TRUSTED_PROXY_COUNT"}
    }
    result = subprocess.run(  # noqa: S603 - fixed arguments
        [sys.executable, "-c", code],
        cwd=ROOT,
        env=clean,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )

    assert result.returncode == 0, result.stderr
    import json

    assert json.loads(result.stdout) == PROJECT_DEFAULTS
