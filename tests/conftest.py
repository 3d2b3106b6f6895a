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


def pytest_collection_modifyitems(config, items):
    """Browser tests need Debian's chromium. `make test` installs it; without it (and only
    outside CI) they are skipped with the reason. In CI a missing browser fails them."""
    if IN_CI or shutil.which(CHROMIUM):
        return
    skip = pytest.mark.skip(reason=f"{CHROMIUM} is not installed (make test installs it)")
    for item in items:
        if "browser" in item.keywords:
            item.add_marker(skip)


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
