"""Request middleware of the whole site: times rendered in the viewer's own time zone."""

from __future__ import annotations

import functools
import zoneinfo

from django.utils import timezone

# Set by static/js/local-time.js to the browser's IANA zone name (e.g. "Asia/Shanghai").
TIMEZONE_COOKIE = "redress_tz"


@functools.cache
def _known_zones() -> frozenset[str]:
    # Only names from the zone database: the cookie is user input and never reaches the file
    # system as a path.
    return frozenset(zoneinfo.available_timezones())


def viewer_timezone(request) -> zoneinfo.ZoneInfo | None:
    name = request.COOKIES.get(TIMEZONE_COOKIE, "")
    if name and name in _known_zones():
        return zoneinfo.ZoneInfo(name)
    return None


class ViewerTimezoneMiddleware:
    """Activate the zone the browser reported, so every page (the admin included) shows times
    in it; without the cookie (a first visit, no JavaScript) times are in TIME_ZONE, labelled.
    Times are stored in UTC either way."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        zone = viewer_timezone(request)
        if zone is None:
            timezone.deactivate()
        else:
            timezone.activate(zone)
        try:
            return self.get_response(request)
        finally:
            timezone.deactivate()


class AdminLanguageMiddleware:
    """The admin (the mediators' desk) in its reader's language.

    Its addresses carry no language prefix, and for those Django's LocaleMiddleware always uses
    LANGUAGE_CODE (the site's addresses have no prefix for the default language). Here, under
    /admin/, the language is the switcher's choice (its cookie), else the signed-in person's
    preferred language, else the browser's. After AuthenticationMiddleware."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        from django.conf import settings
        from django.urls import reverse
        from django.utils import translation

        if not request.path_info.startswith(reverse("admin:index")):
            return self.get_response(request)
        language = translation.get_language_from_request(request, check_path=False)
        if settings.LANGUAGE_COOKIE_NAME not in request.COOKIES:
            preferred = getattr(getattr(request, "user", None), "preferred_language", "")
            if preferred and preferred in dict(settings.LANGUAGES):
                language = preferred
        translation.activate(language)
        request.LANGUAGE_CODE = translation.get_language()
        response = self.get_response(request)
        response.headers.setdefault("Content-Language", request.LANGUAGE_CODE)
        return response
