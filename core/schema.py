"""The OpenAPI schema of every API view: the one error shape and the errors each view can give.

drf-spectacular documents a view's success answer; the errors come from DRF's machinery (key
authentication, permissions, throttles, query parameters, pagination, lookups) and are the same
for every view that uses it. ``AutoSchema`` adds them from what the view is configured with, so a
new endpoint is documented truthfully without repeating them, and a view's own ``extend_schema``
responses (with their examples) always win.
"""

from __future__ import annotations

import re
from collections.abc import Mapping

from django.utils.translation import gettext_lazy as _
from drf_spectacular.openapi import AutoSchema as SpectacularAutoSchema
from drf_spectacular.plumbing import force_instance
from drf_spectacular.utils import OpenApiExample, OpenApiResponse
from rest_framework import serializers
from rest_framework.permissions import AllowAny
from rest_framework.throttling import AnonRateThrottle


class ErrorDetailSerializer(serializers.Serializer):
    status = serializers.IntegerField(help_text="The HTTP status, repeated.")
    code = serializers.CharField(
        help_text="Stable machine-readable code: invalid, not_authenticated, "
        "authentication_failed, permission_denied, not_found, method_not_allowed, throttled, "
        "parse_error, unsupported_media_type."
    )
    message = serializers.CharField(help_text="What went wrong, in words.")
    fields = serializers.DictField(
        child=serializers.ListField(child=serializers.CharField()),
        help_text="For 400: each parameter or body field at fault, with its messages.",
    )


class ErrorSerializer(serializers.Serializer):
    error = ErrorDetailSerializer()


class StrictInputSerializer(serializers.Serializer):
    """A request body that refuses fields it does not know: a misspelt field must not be
    ignored. Its schema says so (``additionalProperties: false``)."""

    def to_internal_value(self, data):
        if isinstance(data, Mapping):
            unknown = sorted(set(data) - set(self.fields))
            if unknown:
                raise serializers.ValidationError({name: [_("Unknown field.")] for name in unknown})
        return super().to_internal_value(data)


_DESCRIPTIONS = {
    "400": "A parameter or a body field is not valid; `fields` names each one.",
    "401": "The API key is missing, not valid or revoked.",
    "403": "The key's account may not use this endpoint.",
    "404": "Nothing at this address (an unknown id, or a page beyond the last).",
    "429": "Too many requests for this key; retry after the seconds in Retry-After.",
}


_CODES = {
    "400": "invalid",
    "401": "authentication_failed",
    "403": "permission_denied",
    "404": "not_found",
    "429": "throttled",
}


class AutoSchema(SpectacularAutoSchema):
    def _get_filter_parameters(self):
        # django-filter treats an empty value as "no filter" (an HTML form sends every field),
        # and the schema says so.
        return [{**p, "allowEmptyValue": True} for p in super()._get_filter_parameters()]

    def _map_basic_serializer(self, serializer, direction):
        schema = super()._map_basic_serializer(serializer, direction)
        if isinstance(force_instance(serializer), StrictInputSerializer):
            schema["additionalProperties"] = False
        return schema

    def _get_response_bodies(self, direction="response"):
        responses = super()._get_response_bodies(direction)
        if direction != "response":
            return responses
        for status in self._error_statuses():
            if status not in responses:
                example = OpenApiExample(
                    _CODES[status],
                    value={
                        "error": {
                            "status": int(status),
                            "code": _CODES[status],
                            "message": _DESCRIPTIONS[status],
                            "fields": self._bad_request_fields() if status == "400" else {},
                        }
                    },
                    response_only=True,
                    status_codes=[status],
                )
                responses[status] = self._get_response_for_code(
                    OpenApiResponse(
                        ErrorSerializer, description=_DESCRIPTIONS[status], examples=[example]
                    ),
                    status,
                    direction=direction,
                )
        return responses

    def _bad_request_fields(self) -> dict:
        """The ``fields`` of the 400 example: a bad page number where the view takes one, else
        a parameter it does not know."""
        if self._is_list_view() and getattr(self.view, "pagination_class", None) is not None:
            return {"page": ["Enter a whole number of 1 or more."]}
        return {"colour": ["Unknown parameter."]}

    def _refuses_unknown_parameters(self) -> bool:
        """A generic view (a detail view too: get_object filters) whose filter backends include
        core.api_params.StrictFilterBackend answers 400 to a parameter it does not know."""
        from core.api_params import StrictFilterBackend

        backends = getattr(self.view, "filter_backends", None) or ()
        return any(
            isinstance(backend, type) and issubclass(backend, StrictFilterBackend)
            for backend in backends
        )

    def _error_statuses(self) -> list[str]:
        view = self.view
        authenticates = bool(view.get_authenticators())
        restricted = not all(isinstance(p, AllowAny) for p in view.get_permissions())
        paginated = self._is_list_view() and getattr(view, "pagination_class", None) is not None
        statuses = []
        if (
            self._get_filter_parameters()
            or paginated
            or self.method in ("POST", "PUT", "PATCH")
            or self._refuses_unknown_parameters()
        ):
            statuses.append("400")
        if authenticates:
            # Any key that is sent is checked, even where no key is required.
            statuses.append("401")
        if authenticates and restricted:
            statuses.append("403")
        if "{" in self.path or paginated:
            statuses.append("404")
        throttles = view.get_throttles()
        # A keyed view is throttled per key; a public one (the dossier check) per address.
        if (authenticates and throttles) or any(isinstance(t, AnonRateThrottle) for t in throttles):
            statuses.append("429")
        return statuses


# --- enum member names for client generators ------------------------------------------------


def _member_name(value: str) -> str:
    """A constant name for an enum value: "A+" -> "A_PLUS", "zh-hans" -> "ZH_HANS"."""
    name = re.sub(r"\W+", "_", value.replace("+", "_PLUS").replace("-", "_")).strip("_").upper()
    if not name or not name[0].isalpha():
        name = f"VALUE_{name}" if name else "EMPTY"
    return name


def _name_enums(node) -> None:
    if isinstance(node, dict):
        values = node.get("enum")
        if isinstance(values, list) and values and all(isinstance(v, str) for v in values):
            names = [_member_name(v) for v in values]
            # Only where a generator's own names (the value upper-cased) would clash or be no
            # identifier: elsewhere the schema stays as drf-spectacular wrote it.
            defaults = [v.upper() for v in values]
            clash = len(set(defaults)) < len(defaults)
            if (clash or not all(d.isidentifier() for d in defaults)) and len(set(names)) == len(
                names
            ):
                node["x-enum-varnames"] = names
        for child in node.values():
            _name_enums(child)
    elif isinstance(node, list):
        for child in node:
            _name_enums(child)


def name_enum_members(result, generator, request, public):
    """drf-spectacular postprocessing hook: string enums whose values would give client
    generators clashing or invalid member names (the grade's "A" and "A+") carry
    ``x-enum-varnames`` (A, A_PLUS), which openapi-python-client and OpenAPI Generator read."""
    _name_enums(result)
    return result
