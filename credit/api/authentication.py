"""API-key authentication: ``Authorization: Api-Key <key>`` or ``X-Api-Key: <key>``."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _
from rest_framework import exceptions
from rest_framework.authentication import BaseAuthentication, get_authorization_header

from credit import selectors, services

KEYWORD = "Api-Key"


class ApiKeyAuthentication(BaseAuthentication):
    """Authenticates the platform client that owns the key; ``request.auth`` is the ApiKey."""

    def authenticate(self, request):
        secret = self._secret(request)
        if secret is None:
            return None
        api_key = selectors.api_key_for_secret(secret)
        if api_key is None:
            raise exceptions.AuthenticationFailed(_("This API key is not valid."))
        if api_key.revoked_at is not None:
            raise exceptions.AuthenticationFailed(_("This API key has been revoked."))
        if not api_key.client.is_active:
            raise exceptions.AuthenticationFailed(_("The account of this API key is disabled."))
        services.api_key_touch(api_key=api_key)
        return api_key.client, api_key

    def authenticate_header(self, request):
        # Makes a missing key a 401 (with WWW-Authenticate) rather than a 403.
        return KEYWORD

    @staticmethod
    def _secret(request) -> str | None:
        header = request.META.get("HTTP_X_API_KEY")
        if header is not None:
            secret = header.strip()
        else:
            parts = get_authorization_header(request).split()
            if not parts or parts[0].decode(errors="replace").lower() != KEYWORD.lower():
                return None
            if len(parts) != 2:
                raise exceptions.AuthenticationFailed(
                    _("Send the key as: Authorization: Api-Key <key>.")
                )
            try:
                secret = parts[1].decode()
            except UnicodeDecodeError:
                raise exceptions.AuthenticationFailed(_("This API key is not valid.")) from None
        if not secret:
            raise exceptions.AuthenticationFailed(_("The API key is empty."))
        return secret
