"""Request middleware of the whole site: times rendered in the viewer's own time zone; under the
development settings, the site's own 404 page instead of Django's debug one."""

from __future__ import annotations

import functools
import zoneinfo

from django.conf import settings
from django.http import Http404
from django.urls import get_resolver, get_urlconf
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


class NotFoundPageMiddleware:
    """With DEBUG on (config.settings.local, `make run`), answer a 404 with the site's own page,
    as production does, instead of Django's debug page, which lists every URL pattern to
    whoever asks. Server errors still get Django's traceback page: that is what DEBUG is for.

    Django picks its debug page for any Http404 while DEBUG is on (response_for_exception), so
    this catches the two ways there are to get one: a view that raises Http404
    (process_exception), and an address no pattern matches, which never reaches a view (no
    resolver_match). A 404 a view answered itself (the API's JSON) is left as it is. It sits
    last in MIDDLEWARE: the 404 it makes is what the language and slash redirects see.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        if settings.DEBUG and response.status_code == 404 and request.resolver_match is None:
            return self._page(request, Http404())
        return response

    def process_exception(self, request, exception):
        if settings.DEBUG and isinstance(exception, Http404):
            return self._page(request, exception)
        return None

    def _page(self, request, exception):
        handler = get_resolver(get_urlconf()).resolve_error_handler(404)
        return handler(request, exception=exception)


class AdminLanguageMiddleware:
    """The admin (the mediators' desk) in its reader's language.

    Its addresses carry no language prefix, and for those Django's LocaleMiddleware always uses
    LANGUAGE_CODE (the site's addresses have no prefix for the default language). Here, under
    /admin/, the language is the switcher's choice (its cookie), else the signed-in person's
    preferred language, else the browser's. After AuthenticationMiddleware."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
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
