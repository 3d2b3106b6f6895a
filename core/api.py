"""The API's error shape, and a health endpoint for load balancers and the docker-compose
health check."""

from __future__ import annotations

from django.conf import settings
from django.core.cache import caches
from django.db import connection
from django.utils.translation import gettext as _
from drf_spectacular.utils import OpenApiExample, extend_schema, inline_serializer
from rest_framework import exceptions, serializers
from rest_framework.permissions import AllowAny
from rest_framework.response import Response
from rest_framework.throttling import AnonRateThrottle
from rest_framework.views import APIView

from .clientip import client_ip


def error_body(*, status: int, code: str, message: str, fields: dict | None = None) -> dict:
    """Every API error, from any app: {"error": {status, code, message, fields}}."""
    return {"error": {"status": status, "code": code, "message": message, "fields": fields or {}}}


def payload_too_large_message() -> str:
    return _("The request body is too large: at most %(limit)s bytes are accepted.") % {
        "limit": settings.DATA_UPLOAD_MAX_MEMORY_SIZE
    }


class PayloadTooLarge(exceptions.APIException):
    """413: Django refused to read a body over DATA_UPLOAD_MAX_MEMORY_SIZE."""

    status_code = 413
    default_code = "payload_too_large"

    def __init__(self):
        super().__init__(payload_too_large_message())


class PerAddressRateThrottle(AnonRateThrottle):
    """The public endpoints' throttle: per client address (behind TRUSTED_PROXY_COUNT
    proxies), counted in the limits cache (Redis when configured), at the rate the setting
    named ``rate_setting`` gives."""

    cache = caches["limits"]
    rate_setting = ""

    def get_rate(self):
        return getattr(settings, self.rate_setting)

    def get_ident(self, request):
        return client_ip(request)


class HealthView(APIView):
    authentication_classes: list = []
    permission_classes = [AllowAny]

    @extend_schema(
        responses=inline_serializer("Health", {"status": serializers.CharField()}),
        description="Answers 200 when the web process can reach its database.",
        examples=[OpenApiExample("healthy", value={"status": "ok"}, response_only=True)],
    )
    def get(self, request):
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
        return Response({"status": "ok"})
