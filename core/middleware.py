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
