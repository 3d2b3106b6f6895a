"""Templated e-mail: rendered in the recipient's language, sent by a Celery task after commit."""

from __future__ import annotations

from django.conf import settings
from django.template.loader import render_to_string
from django.utils import translation

from .queue import enqueue_on_commit


def send_templated_email(
    *, to: str, template: str, context: dict, language: str | None = None
) -> None:
    """Render ``<template>_subject.txt`` and ``<template>_body.txt`` and send them after commit.

    Rendering happens now, inside the request or task that decided to write, so the task only
    carries plain strings; sending happens in the worker so an SMTP failure never breaks a page.
    """
    from .tasks import send_email

    context = {"site_url": settings.SITE_URL, **context}
    with translation.override(language or settings.LANGUAGE_CODE):
        subject = render_to_string(f"{template}_subject.txt", context).strip()
        body = render_to_string(f"{template}_body.txt", context)
    enqueue_on_commit(send_email, subject=" ".join(subject.split()), body=body, to=[to])
