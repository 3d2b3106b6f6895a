"""One error shape for every API error: {"error": {status, code, message, fields}}."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.core.exceptions import RequestDataTooBig
from django.core.exceptions import ValidationError as DjangoValidationError
from django.http import Http404
from django.utils.translation import gettext as _
from rest_framework import exceptions
from rest_framework.serializers import as_serializer_error
from rest_framework.views import exception_handler as drf_exception_handler

from core.api import PayloadTooLarge, error_body


def _flatten(detail, prefix: str = "") -> dict[str, list[str]]:
    """{"merchants.3": ["Must be a valid UUID."]} from DRF's nested error details."""
    if isinstance(detail, dict):
        fields: dict[str, list[str]] = {}
        for key, value in detail.items():
            name = f"{prefix}.{key}" if prefix else str(key)
            fields.update(_flatten(value, name))
        return fields
    if isinstance(detail, list) and detail and all(isinstance(d, (dict, list)) for d in detail):
        fields = {}
        for index, value in enumerate(detail):
            if value:
                fields.update(_flatten(value, f"{prefix}.{index}" if prefix else str(index)))
        return fields
    messages = detail if isinstance(detail, list) else [detail]
    return {prefix or "non_field_errors": [str(m) for m in messages]}


def exception_handler(exc, context):
    if isinstance(exc, DjangoValidationError):
        exc = exceptions.ValidationError(as_serializer_error(exc))
    # DRF's handler maps these two internally but leaves ``exc`` as it was; map them here so the
    # body below can read ``detail``.
    elif isinstance(exc, Http404):
        exc = exceptions.NotFound()
    elif isinstance(exc, DjangoPermissionDenied):
        exc = exceptions.PermissionDenied()
    # A body over DATA_UPLOAD_MAX_MEMORY_SIZE, raised when the view first reads request.data.
    elif isinstance(exc, RequestDataTooBig):
        exc = PayloadTooLarge()
    response = drf_exception_handler(exc, context)
    if response is None:
        return None  # a bug, not bad input: Django's 500 page and the error log
    if isinstance(exc, exceptions.ValidationError):
        code, message = "invalid", _("Some of the request's parameters are not valid.")
        fields = _flatten(exc.detail)
    else:
        detail = exc.detail
        code = getattr(detail, "code", None) or exc.default_code
        message, fields = str(detail), {}
    response.data = error_body(
        status=response.status_code, code=str(code), message=message, fields=fields
    )
    return response
