"""Developer default: runs on SQLite and the embedded Celery broker with no services at all."""

from .base import *  # noqa: F403
from .base import MIDDLEWARE, bool_var, env, list_var

DEBUG = True
# A fixed development key is fine here: local settings are never used in production.
SECRET_KEY = env.str("SECRET_KEY", default="django-insecure-local-development-only")
ALLOWED_HOSTS = list_var("ALLOWED_HOSTS", ["127.0.0.1", "localhost", "[::1]"])
# The demo staff accounts of `make run` sign in without an authenticator app; set this to try
# the production behaviour (staff must set up and use a second factor).
REDRESS_STAFF_OTP_REQUIRED = bool_var("REDRESS_STAFF_OTP_REQUIRED", False)
# A 404 shows the site's own page, not Django's debug page with the list of every URL pattern;
# a server error still shows the traceback (core.middleware.NotFoundPageMiddleware).
MIDDLEWARE = [*MIDDLEWARE, "core.middleware.NotFoundPageMiddleware"]
