"""Demo users, one per role."""

from __future__ import annotations

from datetime import timedelta

from django.utils import timezone

from . import services
from .models import User

DEMO_PASSWORD = "redress-demo"  # noqa: S105 - demo data only; seed_demo refuses to run without DEBUG

DEMO_USERS = [
    ("Administrator", "admin@redress.test", "Ada Admin", None),
    ("Mediator (admin)", "mediator@redress.test", "Mei Mediator", User.Role.MEDIATOR),
    ("Mediator, 中文", "mediator.zh@redress.test", "林调解", User.Role.MEDIATOR),
    ("Consumer", "consumer@redress.test", "Chen Consumer", User.Role.CONSUMER),
    ("Consumer (second)", "consumer2@redress.test", "Sam Shopper", User.Role.CONSUMER),
    ("Merchant representative", "rep@redress.test", "Rita Rep", User.Role.MERCHANT_REP),
    ("Platform client", "platform@redress.test", "Pat Platform", User.Role.PLATFORM_CLIENT),
]

# Older than the oldest demo case (odr/demo.py starts one 70 days ago).
DEMO_ACCOUNT_AGE = timedelta(days=120)


def seed() -> dict:
    logins = []
    for label, email, name, role in DEMO_USERS:
        user = User.objects.filter(email=email).first()
        if user is None:
            if role is None:
                user = User.objects.create_superuser(
                    email=email, password=DEMO_PASSWORD, full_name=name
                )
            else:
                user = User.objects.create_user(
                    email=email, password=DEMO_PASSWORD, full_name=name, role=role
                )
        if user.date_joined > timezone.now() - DEMO_ACCOUNT_AGE:
            # The demo's cases go back months: a brand-new account beside them would also have
            # its next complaint held as flooding (REDRESS_FLOOD_NEW_ACCOUNT_HOURS).
            user.date_joined = timezone.now() - DEMO_ACCOUNT_AGE
            user.save(update_fields=["date_joined"])
        if user.email_verified_at is None:
            user.email_verified_at = timezone.now()
            user.save(update_fields=["email_verified_at"])
        if role is not None and (user.role != role or role == User.Role.MEDIATOR):
            services.user_set_role(user=user, role=role)
        if email == "mediator.zh@redress.test" and user.preferred_language != "zh-hans":
            user.preferred_language = "zh-hans"
            user.save(update_fields=["preferred_language"])
        logins.append((label, email, DEMO_PASSWORD))
    return {"logins": logins}
