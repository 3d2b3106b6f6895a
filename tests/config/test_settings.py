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
    "DATABASE_URL": "sqlite:////tmp/redress-check-deploy.sqlite3",
}


def _manage(*args: str, env: dict) -> subprocess.CompletedProcess:
    # The test process's own settings must not leak into the production process.
    dropped = {"SECRET_KEY", "ALLOWED_HOSTS", "DJANGO_ALLOW_ASYNC_UNSAFE", "DEBUG"}
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
        ({"ALLOWED_HOSTS": ""}, "ALLOWED_HOSTS"),
        ({"ALLOWED_HOSTS": "*"}, "ALLOWED_HOSTS"),
        ({"DATABASE_URL": "mysql-ish:nonsense"}, "DATABASE_URL"),
        ({"REDIS_URL": "http://127.0.0.1:6379"}, "REDIS_URL"),
        ({"DEBUG": "maybe"}, "DEBUG"),
        ({"CONN_MAX_AGE": "forever"}, "CONN_MAX_AGE"),
    ],
)
def test_missing_or_malformed_variable_stops_startup_naming_it(overrides, named):
    result = _manage("check", env={**PRODUCTION_ENV, **overrides})

    assert result.returncode != 0
    assert f"Environment variable {named}" in result.stderr


@pytest.mark.django_db
def test_migrations_are_committed_for_every_model_change():
    call_command("makemigrations", "--check", "--dry-run", verbosity=0)
