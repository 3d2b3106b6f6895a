"""One world for the whole module that visits every URL (tests.security.world), built once.

The world is made inside a transaction that stays open for the module and is rolled back at its
end; each test runs in a savepoint within it (as Django's setUpTestData does), so what a test
changes is undone while the world stays. Its private files live in one folder for the module.
"""

from __future__ import annotations

import pytest
from django.core.cache import cache
from django.db import transaction
from django.utils import translation

from .world import build_world


@pytest.fixture(scope="module")
def _world_storage(tmp_path_factory):
    return str(tmp_path_factory.mktemp("private"))


@pytest.fixture(autouse=True)
def _private_storage(settings, _world_storage):
    """Replaces the suite's per-test private folder: the module's world keeps its files."""
    settings.STORAGES = {
        **settings.STORAGES,
        "private": {
            "BACKEND": "django.core.files.storage.FileSystemStorage",
            "OPTIONS": {"location": _world_storage, "base_url": None},
        },
    }


@pytest.fixture(scope="module")
def world(django_db_setup, django_db_blocker, _world_storage):
    from django.conf import settings as django_settings
    from django.test import override_settings

    from accounts.services import user_set_role
    from tests.factories import UserFactory

    storages = {
        **django_settings.STORAGES,
        "private": {
            "BACKEND": "django.core.files.storage.FileSystemStorage",
            "OPTIONS": {"location": _world_storage, "base_url": None},
        },
    }
    with django_db_blocker.unblock(), override_settings(STORAGES=storages):
        atomic = transaction.atomic()
        atomic.__enter__()
        try:
            mediator = user_set_role(user=UserFactory(role="consumer"), role="mediator")
            superuser = UserFactory(is_staff=True, is_superuser=True, role="mediator")
            yield build_world(mediator=mediator, superuser=superuser)
        finally:
            transaction.set_rollback(True)
            atomic.__exit__(None, None, None)


@pytest.fixture(autouse=True)
def _clean_state():
    """Throttle counters in the cache and the language a /zh-hans/ request leaves active in the
    test thread must not carry over from one test to the next."""
    cache.clear()
    translation.activate("en")
    yield
    translation.deactivate()
    cache.clear()
