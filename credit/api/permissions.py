"""Who may call the platform API: an active platform client with a valid API key."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _
from rest_framework.permissions import BasePermission

from accounts.models import User
from credit.models import ApiKey


class IsPlatformClient(BasePermission):
    message = _("This API is for platform clients.")

    def has_permission(self, request, view) -> bool:
        user = request.user
        return bool(
            user
            and user.is_authenticated
            and isinstance(request.auth, ApiKey)
            and user.role == User.Role.PLATFORM_CLIENT
        )
