"""Test settings: fast hashing, in-memory e-mail, tasks run inline unless a test starts a worker."""

from pathlib import Path

from .base import *  # noqa: F403
from .base import VAR_DIR, env

DEBUG = False
SECRET_KEY = "test-secret-key-not-for-production"  # noqa: S105
ALLOWED_HOSTS = ["testserver", "localhost", "127.0.0.1"]
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
# Throttles count across tests through the cache; the tests of throttling switch them on.
AXES_ENABLED = False
RATELIMIT_ENABLE = False
# Staff sign in with a password alone unless a test of the second factor switches this on.
REDRESS_STAFF_OTP_REQUIRED = False

# Without Redis each test process keeps its own cache in memory (nothing shared between runs).
if not REDIS_URL:  # noqa: F405
    CACHES = {**CACHES, "default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}  # noqa: F405

# The desk counts on every page in tests (one test's counts must not be another's); the tests
# of the desk's cache switch it on.
ODR_DESK_CACHE_SECONDS = 0
DIRECTORY_COUNT_CACHE_SECONDS = 0
TRANSPARENCY_STATISTICS_CACHE_SECONDS = 0

# Tasks enqueued on commit run inline in ordinary tests; worker tests switch this off and run a
# real worker against the configured broker.
CELERY_TASK_ALWAYS_EAGER = True
CELERY_TASK_EAGER_PROPAGATES = True

# Manifest storage needs collectstatic; tests serve static files as they are.
PRIVATE_STORAGE_ROOT = Path(
    env.str("TEST_PRIVATE_STORAGE_ROOT", default=str(VAR_DIR / "test-private"))
)
STORAGES = {
    **STORAGES,  # noqa: F405
    "private": {
        "BACKEND": "django.core.files.storage.FileSystemStorage",
        "OPTIONS": {"location": str(PRIVATE_STORAGE_ROOT), "base_url": None},
    },
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}

# The embedded broker gets its own folders in tests, so a test worker never eats the queue of a
# `make run` on the same checkout.
if CELERY_BROKER_URL.startswith("filesystem://"):  # noqa: F405
    _queue = VAR_DIR / "test-celery" / "queue"
    _processed = VAR_DIR / "test-celery" / "processed"
    _control = VAR_DIR / "test-celery" / "control"
    _control.mkdir(parents=True, exist_ok=True)
    _queue.mkdir(parents=True, exist_ok=True)
    _processed.mkdir(parents=True, exist_ok=True)
    CELERY_BROKER_TRANSPORT_OPTIONS = {
        **CELERY_BROKER_TRANSPORT_OPTIONS,  # noqa: F405 - the polling interval
        "data_folder_in": str(_queue),
        "data_folder_out": str(_queue),
        "processed_folder": str(_processed),
        "store_processed": False,
        "control_folder": str(_control),
    }

# Dossiers are signed with a fixed key in tests (made for them only), never one written to var/.
REDRESS_SIGNING_KEY = "92ZtUacr8RraQNUPrPhgUyGaWTHsj6SCx6sTN6b6m8w="
REDRESS_SIGNING_OLD_PUBLIC_KEYS: list[str] = []
# The whole suite checks dossiers from one address within minutes; the throttle's own test
# lowers this again.
REDRESS_DOSSIER_VERIFY_RATE = "100000/minute"
TRANSPARENCY_API_RATE = "100000/minute"
TRANSPARENCY_COUNT_CACHE_SECONDS = 0
