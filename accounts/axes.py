"""The username django-axes counts sign-in failures under: the normalised e-mail address, so
that typing it in another case is the same account and not a fresh set of attempts."""

from __future__ import annotations

from django.conf import settings

from .models import User


def axes_username(request, credentials=None) -> str | None:
    if credentials:
        value = credentials.get(settings.AXES_USERNAME_FORM_FIELD)
    else:
        value = getattr(request, "data", request.POST).get(settings.AXES_USERNAME_FORM_FIELD)
    if not isinstance(value, str):
        return value
    return User.objects.normalize_email(value)
