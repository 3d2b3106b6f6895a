"""The API's JSON parser: DRF's, with a limit on how deeply a body may nest."""

from __future__ import annotations

from django.utils.translation import gettext as _
from rest_framework import parsers
from rest_framework.exceptions import ParseError

# No request body of the API nests deeper than a few levels ({"merchants": ["<uuid>", ...]} is
# two). Far below Python's recursion limit, so that nothing that walks a parsed body later
# (validation, error details, logging) can run out of stack on it.
MAX_JSON_DEPTH = 32


class TooDeep(ParseError):
    default_code = "too_deep"


def _depth_exceeds(data, limit: int) -> bool:
    # Iterative: a recursive walk is what this guards against.
    stack = [(data, 1)]
    while stack:
        value, depth = stack.pop()
        if isinstance(value, dict):
            value = value.values()
        elif not isinstance(value, list):
            continue
        if depth > limit:
            return True
        stack.extend((item, depth + 1) for item in value)
    return False


class JSONParser(parsers.JSONParser):
    """A body nested past MAX_JSON_DEPTH is a 400 in the API's error shape. The JSON decoder
    itself gives up with RecursionError near Python's recursion limit (about 1,000 levels);
    that, too, is the client's error, not a 500."""

    def parse(self, stream, media_type=None, parser_context=None):
        try:
            data = super().parse(stream, media_type, parser_context)
        except RecursionError:
            data = None
            too_deep = True
        else:
            too_deep = _depth_exceeds(data, MAX_JSON_DEPTH)
        if too_deep:
            raise TooDeep(
                _("The JSON body is nested too deeply: at most %(depth)d levels are accepted.")
                % {"depth": MAX_JSON_DEPTH}
            )
        return data
