"""Production: every secret from the environment, HTTPS enforced, nothing permissive."""

from .base import *  # noqa: F403
from .base import DATABASES, bool_var, int_var, list_var
from .env import required_str

DEBUG = False
SECRET_KEY = required_str("SECRET_KEY")
# The same test as Django's security check (check --deploy): long, varied, not a dev key.
if len(SECRET_KEY) < 50 or len(set(SECRET_KEY)) < 5 or SECRET_KEY.startswith("django-insecure"):
    from django.core.exceptions import ImproperlyConfigured

    raise ImproperlyConfigured(
        "Environment variable SECRET_KEY must be at least 50 random characters, for example "
        "the output of: python -c 'import secrets; print(secrets.token_urlsafe(50))'"
    )
# Dossiers are signed with a key the deployment keeps, never one generated on a server's disk.
REDRESS_SIGNING_KEY = required_str("REDRESS_SIGNING_KEY")
try:
    from core.signatures import private_key_from_text

    private_key_from_text(REDRESS_SIGNING_KEY)
except ValueError:
    from django.core.exceptions import ImproperlyConfigured

    raise ImproperlyConfigured(
        "Environment variable REDRESS_SIGNING_KEY must be the base64 of a 32-byte Ed25519 "
        "private key: python manage.py signing_key new"
    ) from None
ALLOWED_HOSTS = list_var("ALLOWED_HOSTS", [])
if not ALLOWED_HOSTS or "*" in ALLOWED_HOSTS:
    from django.core.exceptions import ImproperlyConfigured

    raise ImproperlyConfigured(
        "Environment variable ALLOWED_HOSTS must list the site's host names (no wildcard)."
    )

SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SECURE_SSL_REDIRECT = bool_var("SECURE_SSL_REDIRECT", True)
SESSION_COOKIE_SECURE = True
CSRF_COOKIE_SECURE = True
SECURE_HSTS_SECONDS = int_var("SECURE_HSTS_SECONDS", 60 * 60 * 24 * 365, minimum=0)
SECURE_HSTS_INCLUDE_SUBDOMAINS = True
SECURE_HSTS_PRELOAD = True
# Staff see consumers' personal data and evidence: a password alone never lets them in.
REDRESS_STAFF_OTP_REQUIRED = True
DATABASES["default"]["CONN_MAX_AGE"] = int_var("CONN_MAX_AGE", 60, minimum=0)
