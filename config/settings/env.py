"""Reading the environment: a missing or malformed variable becomes an error naming it."""

from __future__ import annotations

import logging
from importlib.util import find_spec
from pathlib import Path
from urllib.parse import urlparse
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

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


def int_var(name: str, default: int, *, minimum: int | None = None) -> int:
    raw = env.str(name, default="")
    if raw == "":
        return default
    try:
        value = int(raw)
    except ValueError:
        raise _fail(name, f"must be a whole number, not {raw!r}.") from None
    if minimum is not None and value < minimum:
        raise _fail(name, f"must be at least {minimum}, not {value}.")
    return value


def database_var(name: str, default: str) -> dict:
    raw = env.str(name, default=default)
    scheme = urlparse(raw).scheme
    if scheme not in _SUPPORTED_DB_SCHEMES:
        raise _fail(
            name,
            f"must be a sqlite:/// or postgres:// URL, not {raw!r}.",
        )
    try:
        config = environ.Env.db_url_config(raw)
    except Exception as exc:  # django-environ raises a variety of errors on bad URLs
        raise _fail(name, f"is not a valid database URL ({exc}).") from exc
    if not config.get("NAME"):
        # postgres:// with no database would only fail at the first query, far from the cause.
        raise _fail(name, f"names no database: {raw!r}.")
    return config


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


def url_var(name: str, default: str) -> str:
    """An absolute http(s) address such as https://redress.example.org (no trailing slash)."""
    raw = env.str(name, default=default)
    parts = urlparse(raw)
    if parts.scheme not in {"http", "https"} or not parts.hostname:
        raise _fail(name, f"must be an http:// or https:// address with a host, not {raw!r}.")
    return raw.rstrip("/")


def time_zone_var(name: str, default: str) -> str:
    raw = env.str(name, default=default)
    try:
        ZoneInfo(raw)
    except (ZoneInfoNotFoundError, ValueError):
        raise _fail(
            name, f"must be a time zone name such as UTC or Asia/Shanghai, not {raw!r}."
        ) from None
    return raw


def log_level_var(name: str, default: str) -> str:
    raw = env.str(name, default=default).strip().upper()
    levels = logging.getLevelNamesMapping()
    if raw not in levels:
        raise _fail(name, f"must be one of DEBUG, INFO, WARNING, ERROR, CRITICAL, not {raw!r}.")
    return raw


def dotted_path_var(name: str, default: str) -> str:
    """A class given by its dotted path (an e-mail backend): its module must exist. The class
    itself is imported when first used, after Django has set up."""
    raw = env.str(name, default=default)
    module, _dot, attribute = raw.rpartition(".")
    try:
        found = bool(module and attribute) and find_spec(module) is not None
    except (ImportError, ValueError):
        found = False
    if not found:
        raise _fail(name, f"must be the dotted path of a class that exists, not {raw!r}.")
    return raw


def email_var(name: str, default: str) -> str:
    """An address, optionally with a display name: ``Redress <no-reply@redress.example>``."""
    from email.utils import parseaddr

    from django.core.validators import validate_email

    raw = env.str(name, default=default)
    try:
        validate_email(parseaddr(raw)[1])
    except Exception:  # ValidationError; Django's settings are not loaded yet
        raise _fail(name, f"must be an e-mail address, not {raw!r}.") from None
    return raw
