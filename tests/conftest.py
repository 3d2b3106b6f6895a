"""Shared fixtures: users by role, the browser set-up; CI never skips a service."""

from __future__ import annotations

import os
import shutil

import pytest

from .factories import UserFactory

# pytest-django's live_server and Playwright's sync API share the test thread.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

IN_CI = bool(os.environ.get("CI"))
CHROMIUM = "/usr/bin/chromium"


def _is_transactional(item) -> bool:
    marker = item.get_closest_marker("django_db")
    return bool(marker is not None and marker.kwargs.get("transaction")) or bool(
        {"transactional_db", "live_server"} & set(getattr(item, "fixturenames", ()))
    )


@pytest.hookimpl(trylast=True)
def pytest_collection_modifyitems(config, items):
    """Three suite-wide rules.

    Transactional tests (browser, worker) flush the database when they end, which also removes
    what data migrations created (the mediators group and its permissions). So they run last
    (pytest-django sorts them last, but pytest's own grouping of the session-scoped browser
    parameter, which runs after it, pulls browser tests into the middle), and they all get
    serialized_rollback so those rows are put back for each of them.

    Browser tests need Debian's chromium. `make test` installs it; without it (and only outside
    CI) they are skipped with the reason. In CI a missing browser fails them.
    """
    items.sort(key=_is_transactional)  # stable: keeps every other order as it was
    for item in items:
        marker = item.get_closest_marker("django_db")
        if marker is not None and marker.kwargs.get("transaction"):
            rollback = pytest.mark.django_db(**{**marker.kwargs, "serialized_rollback": True})
            item.add_marker(rollback, append=False)
    if IN_CI or shutil.which(CHROMIUM):
        return
    skip = pytest.mark.skip(reason=f"{CHROMIUM} is not installed (make test installs it)")
    for item in items:
        if "browser" in item.keywords:
            item.add_marker(skip)


@pytest.fixture(scope="session")
def django_db_setup(django_db_setup):
    """Make the serialized snapshot (for serialized_rollback) visible to every connection.

    Playwright's sync API runs an event loop on the main thread; from then on Django's
    thread-critical connection store behaves like a context variable and hands later tests a
    new connection object, which lacks the snapshot Django stored on the first one. Without
    this, transactional tests after the first browser test would not get the data-migration
    rows back.
    """
    from django.db import connections

    default = connections["default"]
    contents = getattr(default, "_test_serialized_contents", None)
    if contents is not None:
        type(default)._test_serialized_contents = contents
    return django_db_setup


@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args):
    return {
        **browser_type_launch_args,
        "executable_path": CHROMIUM,
        "args": [
            "--no-sandbox",
            "--disable-gpu",
            "--disable-quic",
            "--disable-background-networking",
            "--disable-component-update",
            "--disable-sync",
            "--no-first-run",
        ],
    }


@pytest.fixture(autouse=True)
def _private_storage(settings, tmp_path):
    """Each test writes private files (evidence, documents) into its own folder."""
    settings.STORAGES = {
        **settings.STORAGES,
        "private": {
            "BACKEND": "django.core.files.storage.FileSystemStorage",
            "OPTIONS": {"location": str(tmp_path / "private"), "base_url": None},
        },
    }


@pytest.fixture(autouse=True)
def _forget_process_memory():
    """What web processes keep in memory (credit.cache: API keys, merchant ids, credits; the
    API's rate leases, the limits' counters when they are in memory) belongs to one database:
    each test's rows are rolled back, so each test starts with nothing remembered."""
    from django.core.cache.backends.locmem import LocMemCache

    from core import cache as core_cache
    from credit import cache
    from credit.api import throttling

    def forget():
        cache.clear_memory()
        throttling.forget_leases()
        core_cache.forget_local_counts()
        limits = core_cache.limits_cache()
        if isinstance(limits, LocMemCache):  # Redis: the tests that count clear it themselves
            limits.clear()

    forget()
    yield
    forget()


@pytest.fixture
def consumer(db):
    return UserFactory(role="consumer")


@pytest.fixture
def other_consumer(db):
    return UserFactory(role="consumer")


@pytest.fixture
def mediator(db):
    from accounts.services import user_set_role

    user = UserFactory(role="consumer")
    return user_set_role(user=user, role="mediator")


@pytest.fixture
def superuser(db):
    return UserFactory(is_staff=True, is_superuser=True, role="mediator")


@pytest.fixture
def platform_client(db):
    from .factories import PlatformClientFactory

    return PlatformClientFactory()


@pytest.fixture
def platform_api_client(platform_client):
    """A DRF test client that sends a fresh API key of a platform client with every request;
    the key is ``client.api_key`` and its secret ``client.api_secret``."""
    from rest_framework.test import APIClient

    from credit.services import api_key_create

    api_key, secret = api_key_create(client=platform_client, name="test key", created_by=None)
    client = APIClient()
    client.credentials(HTTP_X_API_KEY=secret)
    client.api_key = api_key
    client.api_secret = secret
    return client


@pytest.fixture
def real_worker():
    """A real Celery worker thread on the configured broker (Redis in CI, the embedded
    filesystem broker otherwise): tasks go through the broker instead of running inline.
    Use with ``django_db(transaction=True)``: the worker must see committed rows."""
    from celery.contrib.testing.worker import start_worker

    from config.celery import app

    app.conf.task_always_eager = False
    # Start from an empty queue: a worker test that ends once it saw its effect may leave the
    # tasks that effect enqueued (the e-mails of an escalation, say), and the next test's
    # worker must not run them.
    app.control.purge()
    try:
        with start_worker(app, pool="solo", perform_ping_check=False, shutdown_timeout=10):
            yield
    finally:
        app.conf.task_always_eager = True


def wait_for(predicate, timeout: float = 30.0) -> bool:
    """Poll ``predicate`` until it holds or ``timeout`` seconds pass (for real-worker tests).

    On SQLite the test database is shared in memory between this thread and the worker's,
    with table locks instead of waiting: a poll that meets the worker mid-write is refused
    ("database table is locked") and simply counts as "not yet"."""
    import time

    from django.db import OperationalError, connection

    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            if predicate():
                return True
        except OperationalError:
            if connection.vendor != "sqlite":
                raise
        time.sleep(0.1)
    return False


def at_once(*calls):
    """Run the calls in threads released together, each on its own database connection (for
    concurrency tests, with ``django_db(transaction=True)``); returns each call's result or the
    exception it raised."""
    import threading

    from django.db import close_old_connections, connection

    barrier = threading.Barrier(len(calls))
    results: list = [None] * len(calls)

    def run(index, call):
        try:
            barrier.wait(timeout=10)
            results[index] = call()
        except Exception as exc:
            results[index] = exc
        finally:
            close_old_connections()
            connection.close()

    threads = [threading.Thread(target=run, args=(i, c)) for i, c in enumerate(calls)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    return results


@pytest.fixture(autouse=True)
def _default_language_after_each_test():
    """A request in Chinese leaves Chinese active in the thread (LocaleMiddleware activates it
    and nothing deactivates it): each test starts from the default language."""
    yield
    from django.utils import translation

    translation.deactivate()
