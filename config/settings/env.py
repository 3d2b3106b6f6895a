"""Reading the environment: a missing or malformed variable becomes an error naming it."""

from __future__ import annotations

from pathlib import Path
from urllib.parse import urlparse

import environ
from django.core.exceptions import ImproperlyConfigured

BASE_DIR = Path(__file__).resolve().parent.parent.parent

env = environ.Env()

# A .env file is optional; real deployments set the environment directly.
_dotenv = BASE_DIR / ".env"
if _dotenv.is_file():
    env.read_env(str(_dotenv))

_SUPPORTED_DB_SCHEMES = {"sqlite", "postgres", "postgresql", "pgsql", "psql"}
_SUPPORTED_BROKER_SCHEMES = {"redis", "rediss", "filesystem", "memory", "amqp", "pyamqp"}


def _fail(name: str, problem: str) -> ImproperlyConfigured:
    return ImproperlyConfigured(f"Environment variable {name} {problem}")


def bool_var(name: str, default: bool) -> bool:
    raw = env.str(name, default="")
    if raw == "":
        return default
    lowered = raw.strip().lower()
    if lowered in {"1", "true", "yes", "on"}:
        return True
    if lowered in {"0", "false", "no", "off"}:
        return False
    raise _fail(name, f"must be true or false, not {raw!r}.")


def int_var(name: str, default: int) -> int:
    raw = env.str(name, default="")
    if raw == "":
        return default
    try:
        return int(raw)
    except ValueError:
        raise _fail(name, f"must be a whole number, not {raw!r}.") from None


def database_var(name: str, default: str) -> dict:
    raw = env.str(name, default=default)
    scheme = urlparse(raw).scheme
    if scheme not in _SUPPORTED_DB_SCHEMES:
        raise _fail(
            name,
            f"must be a sqlite:/// or postgres:// URL, not {raw!r}.",
        )
    try:
        return environ.Env.db_url_config(raw)
    except Exception as exc:  # django-environ raises a variety of errors on bad URLs
        raise _fail(name, f"is not a valid database URL ({exc}).") from exc


def broker_url_var(name: str, default: str) -> str:
    raw = env.str(name, default=default)
    scheme = urlparse(raw).scheme
    if scheme not in _SUPPORTED_BROKER_SCHEMES:
        raise _fail(name, f"must be a redis://, amqp:// or filesystem:// URL, not {raw!r}.")
    return raw


def redis_url_var(name: str) -> str:
    raw = env.str(name, default="")
    if raw and urlparse(raw).scheme not in {"redis", "rediss", "unix"}:
        raise _fail(name, f"must be a redis:// URL, not {raw!r}.")
    return raw


def list_var(name: str, default: list[str]) -> list[str]:
    raw = env.str(name, default="")
    if raw == "":
        return default
    return [item.strip() for item in raw.split(",") if item.strip()]


def required_str(name: str) -> str:
    raw = env.str(name, default="")
    if not raw:
        raise _fail(name, "is required in production and is not set.")
    return raw
