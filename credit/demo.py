"""Demo data: a known API key for the demo platform client, and every merchant's credit."""

from __future__ import annotations

from django.conf import settings

from accounts.models import User

from . import selectors, services

DEMO_CLIENT_EMAIL = "platform@redress.test"
# Known on purpose so the README's curl example works after `make run`; demo data only
# (seed_demo refuses to run without DEBUG).
DEMO_API_KEY = "rdk_demo0000.redress-demo-platform-key-do-not-use-in-production"


def seed() -> dict:
    client = User.objects.get(email=DEMO_CLIENT_EMAIL)
    if selectors.api_key_for_secret(DEMO_API_KEY) is None:
        services.api_key_create(
            client=client, name="Demo platform key", created_by=None, secret=DEMO_API_KEY
        )
    result = services.credit_recompute()
    grades = ", ".join(f"{grade} {count}" for grade, count in sorted(result.grades.items()))
    return {
        "notes": [
            f"Platform API key ({DEMO_CLIENT_EMAIL}): {DEMO_API_KEY}",
            f"  try: curl -H 'X-Api-Key: {DEMO_API_KEY}' "
            f"'{settings.SITE_URL}/api/v1/lookup/?shop_url=...'",
            f"  API documentation: {settings.SITE_URL}/api/docs/",
            f"Credit recomputed for {result.merchants} merchants ({grades or 'no merchants yet'}).",
        ]
    }
