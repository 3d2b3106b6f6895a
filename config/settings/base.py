"""Settings shared by every environment: Django's and the libraries'. Values come from the
environment (README lists the variables); Redress's own settings are in redress.py, imported
here, and the Celery beat schedule is the one CELERY_BEAT_SCHEDULE below."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

from celery.schedules import crontab
from csp.constants import NONE, SELF
from django.utils.translation import gettext_lazy as _

from .env import (
    BASE_DIR,
    bool_var,
    broker_url_var,
    database_var,
    dotted_path_var,
    email_var,
    env,
    int_var,
    list_var,
    log_level_var,
    redis_url_var,
    time_zone_var,
)

# Redress's own settings (REDRESS_*, CREDIT_*, SITE_URL, TRUSTED_PROXY_COUNT; VAR_DIR, where the
# embedded defaults below keep their files), each documented there.
from .redress import *  # noqa: F403
from .redress import REDRESS_INTEGRITY_CHECK_FILES, VAR_DIR

# Base settings are strict: no committed secret, no wildcard hosts. local.py and test.py relax them.
DEBUG = bool_var("DEBUG", False)
SECRET_KEY = env.str("SECRET_KEY", default="")
ALLOWED_HOSTS = list_var("ALLOWED_HOSTS", [])
CSRF_TRUSTED_ORIGINS = list_var("CSRF_TRUSTED_ORIGINS", [])

DJANGO_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
]
THIRD_PARTY_APPS = [
    "rest_framework",
    "django_filters",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "django_countries",
    "axes",
    # For its system checks: the cache of its counters must count atomically.
    "django_ratelimit",
]
LOCAL_APPS = [
    "core",
    "accounts",
    "merchants",
    "complaints",
    "odr",
    "referrals",
    "credit",
    "transparency",
    "privacy",
]
INSTALLED_APPS = DJANGO_APPS + THIRD_PARTY_APPS + LOCAL_APPS
# What the directory shows for a name or link it has no merchant for (merchants.selectors.
# directory_miss): the complaints naming that shop, which only an app above merchants can read.
DIRECTORY_MISS_LOOKUP = "transparency.selectors.undisclosed_shop"

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "csp.middleware.CSPMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "core.middleware.ViewerTimezoneMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "core.middleware.AdminLanguageMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django_ratelimit.middleware.RatelimitMiddleware",
    # Last, as django-axes asks: it turns a lockout raised during sign-in into the lockout page.
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "config.urls"
WSGI_APPLICATION = "config.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "odr.context_processors.notifications",
            ],
        },
    },
]

# --- Database -----------------------------------------------------------------------------
DATABASES = {"default": database_var("DATABASE_URL", f"sqlite:///{VAR_DIR / 'redress.sqlite3'}")}
# Persistent connections: opening one per request costs an order of magnitude in throughput.
DATABASES["default"]["CONN_MAX_AGE"] = int_var("CONN_MAX_AGE", 60, minimum=0)
DATABASES["default"]["CONN_HEALTH_CHECKS"] = True
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # SQLite: no persistent connections across threads, and wait for locks instead of failing.
    DATABASES["default"]["CONN_MAX_AGE"] = 0
    DATABASES["default"].setdefault("OPTIONS", {})["timeout"] = 20
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# --- Users --------------------------------------------------------------------------------
AUTH_USER_MODEL = "accounts.User"
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "home"
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
AUTHENTICATION_BACKENDS = [
    # First: refuses sign-in while a username + address pair is locked out.
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]
# Five wrong passwords for one account from one address lock that pair out for 15 minutes.
AXES_FAILURE_LIMIT = int_var("AXES_FAILURE_LIMIT", 5, minimum=1)
AXES_COOLOFF_TIME = timedelta(minutes=int_var("AXES_COOLOFF_MINUTES", 15, minimum=1))
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
# Django's login form posts the e-mail address under the name "username".
AXES_USERNAME_FORM_FIELD = "username"
AXES_LOCKOUT_TEMPLATE = "registration/locked_out.html"
# Behind reverse proxies (TRUSTED_PROXY_COUNT) the client address of every limit is read from
# X-Forwarded-For (core.clientip).
AXES_CLIENT_IP_CALLABLE = "core.clientip.client_ip"

# Sign-in. Addresses match whatever their case, and lockouts count them that way too. A second
# factor (django-otp: an authenticator app, recovery codes as hashed static tokens) is asked of
# every account that set one up; staff must pass it before any page when
# REDRESS_STAFF_OTP_REQUIRED is on (redress.py, accounts.middleware).
AXES_USERNAME_CALLABLE = "accounts.axes.axes_username"
INSTALLED_APPS += ["django_otp", "django_otp.plugins.otp_totp", "django_otp.plugins.otp_static"]
MIDDLEWARE.insert(
    MIDDLEWARE.index("django.contrib.auth.middleware.AuthenticationMiddleware") + 1,
    "django_otp.middleware.OTPMiddleware",
)
MIDDLEWARE.insert(
    MIDDLEWARE.index("axes.middleware.AxesMiddleware"), "accounts.middleware.StaffOTPMiddleware"
)
OTP_TOTP_ISSUER = "Redress"
# The django-otp admin screens never show a device's secret.
OTP_ADMIN_HIDE_SENSITIVE_DATA = True

# Public forms that create things (sign-up, e-mails sent on request) are rate limited per
# address; over the limit the visitor gets a 429 page that says when to try again.
RATELIMIT_VIEW = "core.views.rate_limited"
RATELIMIT_IP_META_KEY = "core.clientip.client_ip"
# Every limit's counters (these, the API throttle's) live in this cache; see CACHES.
RATELIMIT_USE_CACHE = "limits"
RATELIMIT_ENABLE = bool_var("RATELIMIT_ENABLE", True)
# The counters live in the cache: while it is unreachable the forms stay open (the honeypot
# still stops bots) rather than refusing every visitor.
RATELIMIT_FAIL_OPEN = True

# How long an e-mail verification or password reset link stays valid.
PASSWORD_RESET_TIMEOUT = 60 * 60 * 24 * 3

# --- Internationalisation -----------------------------------------------------------------
LANGUAGE_CODE = "en"
LANGUAGES = [("en", _("English")), ("zh-hans", _("Simplified Chinese"))]
# Each app keeps its own catalogue beside its code (makemessages files a string under the first
# path that contains it, so the apps come before the project-wide catalogue).
LOCALE_PATHS = [BASE_DIR / app / "locale" for app in LOCAL_APPS if app not in {"core", "accounts"}]
LOCALE_PATHS.append(BASE_DIR / "locale")
USE_I18N = True
# One date format per language, the one js/local-time.js writes too (config/formats/).
FORMAT_MODULE_PATH = ["config.formats"]
USE_TZ = True  # stored in UTC; shown in the viewer's zone
TIME_ZONE = time_zone_var("TIME_ZONE", "UTC")

# --- Static and uploaded files ------------------------------------------------------------
STATIC_URL = "static/"
STATIC_ROOT = Path(env.str("STATIC_ROOT", default=str(VAR_DIR / "static")))
STATICFILES_DIRS = [BASE_DIR / "static"]
# WhiteNoise reads STATIC_ROOT at start-up; collectstatic fills it in production.
STATIC_ROOT.mkdir(parents=True, exist_ok=True)
MEDIA_URL = "media/"
MEDIA_ROOT = Path(env.str("MEDIA_ROOT", default=str(VAR_DIR / "media")))
# Evidence and verification documents: never under a public URL, served only by views that check
# who is asking.
PRIVATE_STORAGE_ROOT = Path(env.str("PRIVATE_STORAGE_ROOT", default=str(VAR_DIR / "private")))
PRIVATE_STORAGE_BACKEND = env.str("PRIVATE_STORAGE_BACKEND", default="local")
if PRIVATE_STORAGE_BACKEND == "s3":
    _private_storage = {
        "BACKEND": "storages.backends.s3.S3Storage",
        "OPTIONS": {
            "bucket_name": env.str("PRIVATE_STORAGE_BUCKET"),
            "default_acl": "private",
            "querystring_auth": True,
            "file_overwrite": False,
        },
    }
elif PRIVATE_STORAGE_BACKEND == "local":
    _private_storage = {
        "BACKEND": "django.core.files.storage.FileSystemStorage",
        "OPTIONS": {"location": str(PRIVATE_STORAGE_ROOT), "base_url": None},
    }
else:
    from django.core.exceptions import ImproperlyConfigured

    raise ImproperlyConfigured(
        f"Environment variable PRIVATE_STORAGE_BACKEND must be local or s3, "
        f"not {PRIVATE_STORAGE_BACKEND!r}."
    )
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "private": _private_storage,
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"},
}
# Every upload is hashed (SHA-256) while it streams in; larger ones go to a temporary file.
FILE_UPLOAD_HANDLERS = [
    "core.uploads.HashingMemoryFileUploadHandler",
    "core.uploads.HashingTemporaryFileUploadHandler",
]
FILE_UPLOAD_MAX_MEMORY_SIZE = 2 * 1024 * 1024
DATA_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024

# --- Cache and Redis ----------------------------------------------------------------------
REDIS_URL = redis_url_var("REDIS_URL")
if REDIS_URL:
    # django-redis rather than Django's own RedisCache for one reason: IGNORE_EXCEPTIONS. The
    # cache only ever holds what can be recomputed (credit responses, throttle and rate-limit
    # counters), so while Redis is unreachable a read is a miss and a write is dropped, logged
    # once per call, and pages and the API keep answering from the database.
    CACHES = {
        "default": {
            "BACKEND": "django_redis.cache.RedisCache",
            "LOCATION": REDIS_URL,
            "KEY_PREFIX": "redress",
            "OPTIONS": {
                "IGNORE_EXCEPTIONS": True,
                # A Redis that hangs (rather than refusing connections) costs a request at
                # most this long per cache call, not a worker's whole timeout.
                "SOCKET_CONNECT_TIMEOUT": 1,
                "SOCKET_TIMEOUT": 1,
            },
        }
    }
    # The limits' counters: Redis counts atomically for every process (INCR).
    CACHES["limits"] = {**CACHES["default"], "OPTIONS": {**CACHES["default"]["OPTIONS"]}}
    DJANGO_REDIS_LOG_IGNORED_EXCEPTIONS = True
    DJANGO_REDIS_LOGGER = "redress.cache"
else:
    # The embedded default: files under var/, shared by the web process, the worker and beat of
    # `make run`, so that a recomputation in the worker drops the web process's credit entries
    # (a per-process memory cache would keep answering the old credit for an hour).
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.filebased.FileBasedCache",
            "LOCATION": str(VAR_DIR / "cache"),
        },
        # The limits' counters: the file cache cannot count atomically (a read, then a write),
        # so they are in memory, counted under a lock. That is per process, which is all it
        # needs to be for `make run`'s one web process; a deployment with several web processes
        # sets REDIS_URL (docker-compose.yml does), or its limits are counted per process.
        "limits": {
            "BACKEND": "django.core.cache.backends.locmem.LocMemCache",
            "LOCATION": "redress-limits",
        },
    }
    # django-ratelimit's check refuses a memory cache as not shared (E003) and warns about any
    # backend it does not list (W001): per process is the choice made just above.
    SILENCED_SYSTEM_CHECKS = ["django_ratelimit.E003", "django_ratelimit.W001"]

# --- Celery -------------------------------------------------------------------------------
# The filesystem broker's URL names a host: kombu warns "No hostname was supplied" each time it
# connects to a bare filesystem:// (kombu.connection.Connection._info), that is at every enqueue.
# The folders, not the host, say where the messages are.
CELERY_BROKER_URL = broker_url_var("CELERY_BROKER_URL", REDIS_URL or "filesystem://localhost/")
if CELERY_BROKER_URL.startswith("filesystem://"):
    if CELERY_BROKER_URL in {"filesystem://", "filesystem:///"}:
        CELERY_BROKER_URL = "filesystem://localhost/"
    # kombu's filesystem transport: the embedded default, no server needed. In and out must be
    # the same folder so that a worker reads what the web process wrote.
    for _folder in ("queue", "processed", "control"):
        (VAR_DIR / "celery" / _folder).mkdir(parents=True, exist_ok=True)
    CELERY_BROKER_TRANSPORT_OPTIONS = {
        "data_folder_in": str(VAR_DIR / "celery" / "queue"),
        "data_folder_out": str(VAR_DIR / "celery" / "queue"),
        "processed_folder": str(VAR_DIR / "celery" / "processed"),
        "store_processed": False,
        "control_folder": str(VAR_DIR / "celery" / "control"),
        # Seconds a worker sleeps when it finds nothing to take (kombu's default: 1). A worker
        # holding its one task (prefetch 1, acknowledged when it ends) finds nothing either, so
        # this is also the pause between two tasks: at 1 s a backlog drains at one task a
        # second. A tenth of a second costs a directory listing ten times a second.
        "polling_interval": 0.1,
    }
elif CELERY_BROKER_URL.startswith(("redis://", "rediss://")):
    # Tasks are acknowledged when they end (CELERY_TASK_ACKS_LATE), and the Redis transport
    # hands an unacknowledged task to another worker once visibility_timeout has passed (one
    # hour by default): a task still running then runs twice at once. So it must outlast the
    # longest hard time limit, core.tasks.verify_integrity's 6 h 5 min (credit.tasks.
    # recompute_all and privacy.tasks.apply_retention: 65 min), and the longest retry countdown,
    # which a worker also holds unacknowledged (webhook backoff, up to 6 h). The price: a task
    # whose worker died comes back only after this long; the per-minute sweep and the nightly
    # runs do the work again sooner anyway.
    CELERY_BROKER_TRANSPORT_OPTIONS = {"visibility_timeout": 7 * 60 * 60}
CELERY_TASK_SERIALIZER = "json"
CELERY_RESULT_SERIALIZER = "json"
CELERY_ACCEPT_CONTENT = ["json"]
CELERY_TASK_IGNORE_RESULT = True
# A task acknowledged only after it ran is redelivered if the worker dies mid-way; every task is
# written to be idempotent so that a redelivery is harmless.
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_TASK_SOFT_TIME_LIMIT = 60
CELERY_TASK_TIME_LIMIT = 120
CELERY_TIMEZONE = "UTC"
CELERY_BEAT_SCHEDULE_FILENAME = str(VAR_DIR / "celerybeat-schedule")
# Every periodic task, in this one place (times in CELERY_TIMEZONE, UTC). The nightly runs start
# an hour apart: credit, then retention, then the integrity check over what retention left.
CELERY_BEAT_SCHEDULE: dict[str, dict] = {
    "accounts-purge-unverified": {
        "task": "accounts.tasks.purge_unverified_accounts",
        "schedule": timedelta(hours=6),
    },
    "merchants-expire-verifications": {
        "task": "merchants.tasks.expire_verifications",
        "schedule": timedelta(days=1),
    },
    "odr-sweep-deadlines": {
        "task": "odr.tasks.sweep_deadlines",
        "schedule": timedelta(minutes=1),
    },
    # The open complaint data: what became due is published within ten minutes.
    "transparency-refresh-open-complaints": {
        "task": "transparency.tasks.refresh_open_complaints",
        "schedule": timedelta(minutes=10),
    },
    "credit-recompute-all": {
        "task": "credit.tasks.recompute_all",
        # Nightly, after the day's outcomes; decay moves every score a little each day.
        "schedule": crontab(hour=2, minute=30),
    },
    "privacy-apply-retention": {
        "task": "privacy.tasks.apply_retention",
        # Daily, at night, after the nightly credit run.
        "schedule": crontab(hour=3, minute=30),
    },
    "odr-remind-expiring-rights": {
        "task": "odr.tasks.remind_expiring_rights",
        # Daily, in the morning in Europe and the afternoon in China, away from the night jobs.
        "schedule": crontab(hour=8, minute=0),
    },
    "referrals-remind-outcomes": {
        "task": "referrals.tasks.remind_referral_outcomes",
        # Daily, with the rights reminders' morning slot, a quarter of an hour later.
        "schedule": crontab(hour=8, minute=15),
    },
    "core-verify-integrity": {
        "task": "core.tasks.verify_integrity",
        # 04:30 UTC: an hour after retention (03:30), which blanks notes and deletes files, so
        # the check sees the night's redactions finished and does not read every file while
        # they run.
        "schedule": crontab(hour=4, minute=30),
        "kwargs": {"files": REDRESS_INTEGRITY_CHECK_FILES},
    },
}

# --- E-mail -------------------------------------------------------------------------------
EMAIL_BACKEND = dotted_path_var("EMAIL_BACKEND", "django.core.mail.backends.console.EmailBackend")
if EMAIL_BACKEND.endswith("smtp.EmailBackend"):
    EMAIL_HOST = env.str("EMAIL_HOST", default="localhost")
    EMAIL_PORT = int_var("EMAIL_PORT", 25, minimum=1)
    EMAIL_HOST_USER = env.str("EMAIL_HOST_USER", default="")
    EMAIL_HOST_PASSWORD = env.str("EMAIL_HOST_PASSWORD", default="")
    EMAIL_USE_TLS = bool_var("EMAIL_USE_TLS", False)
DEFAULT_FROM_EMAIL = email_var("DEFAULT_FROM_EMAIL", "Redress <no-reply@redress.local>")
SERVER_EMAIL = DEFAULT_FROM_EMAIL

# --- REST API -----------------------------------------------------------------------------
REST_FRAMEWORK = {
    # Platforms authenticate with an API key; endpoints that are public (health, schema) say so
    # themselves. Requests per key: CREDIT_API_RATE.
    "DEFAULT_AUTHENTICATION_CLASSES": ["credit.api.authentication.ApiKeyAuthentication"],
    "DEFAULT_PERMISSION_CLASSES": ["credit.api.permissions.IsPlatformClient"],
    "DEFAULT_THROTTLE_CLASSES": ["credit.api.throttling.ApiKeyRateThrottle"],
    # The one error shape of every API answer.
    "EXCEPTION_HANDLER": "credit.api.errors.exception_handler",
    "DEFAULT_SCHEMA_CLASS": "core.schema.AutoSchema",
    "DEFAULT_PAGINATION_CLASS": "rest_framework.pagination.PageNumberPagination",
    "PAGE_SIZE": 25,
    "DEFAULT_FILTER_BACKENDS": ["core.api_params.StrictFilterBackend"],
    "DEFAULT_RENDERER_CLASSES": ["rest_framework.renderers.JSONRenderer"],
    # JSON only, with a nesting limit (no API endpoint takes a form).
    "DEFAULT_PARSER_CLASSES": ["core.parsers.JSONParser"],
}
SPECTACULAR_SETTINGS = {
    "TITLE": "Redress API",
    "DESCRIPTION": "Merchant identity and credit for marketplaces and payment platforms.",
    "VERSION": "1.0.0",
    "SERVE_INCLUDE_SCHEMA": False,
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    # The error responses of every view come from the view itself (core.schema.AutoSchema, the
    # views' extend_schema). After drf-spectacular's own enum hook, core.schema names enum
    # members whose values would clash in generated clients (the grade's "A" and "A+").
    "POSTPROCESSING_HOOKS": [
        "drf_spectacular.hooks.postprocess_schema_enums",
        "core.schema.name_enum_members",
    ],
}

# --- Security defaults that hold everywhere -----------------------------------------------
# No inline scripts anywhere (pages, admin, API docs): scripts and styles come from our own
# static files only.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF],
        "style-src": [SELF],
        "img-src": [SELF, "data:"],
        "font-src": [SELF],
        "connect-src": [SELF],
        "object-src": [NONE],
        "base-uri": [SELF],
        "form-action": [SELF],
        "frame-ancestors": [NONE],
    }
}
SESSION_COOKIE_HTTPONLY = True
CSRF_COOKIE_HTTPONLY = True
X_FRAME_OPTIONS = "DENY"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"plain": {"format": "%(asctime)s %(levelname)s %(name)s %(message)s"}},
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "plain"}},
    "root": {"handlers": ["console"], "level": log_level_var("LOG_LEVEL", "INFO")},
    "loggers": {
        "django.db.backends": {"level": "WARNING"},
        # Lockouts are logged as warnings; the per-attempt chatter is not needed.
        "axes": {"level": "WARNING"},
        # The PDF renderer logs every step and every font subset at INFO.
        "weasyprint": {"level": "WARNING"},
        "fontTools": {"level": "WARNING"},
    },
}
