"""Developer default: runs on SQLite and the embedded Celery broker with no services at all."""

from .base import *  # noqa: F403
from .base import env, list_var

DEBUG = True
# A fixed development key is fine here: local settings are never used in production.
SECRET_KEY = env.str("SECRET_KEY", default="django-insecure-local-development-only")
ALLOWED_HOSTS = list_var("ALLOWED_HOSTS", ["127.0.0.1", "localhost", "[::1]"])
