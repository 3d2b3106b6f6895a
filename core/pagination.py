"""Page-number pagination for the API: a malformed page number is a 400 naming the parameter.

The schema says what the view accepts (an integer from 1), so the documented parameter and the
check below are the same rule.
"""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _
from rest_framework import exceptions
from rest_framework.pagination import PageNumberPagination


class StrictPageNumberPagination(PageNumberPagination):
    # Only numbers: "last" (DRF's default) is not in the schema, so it is not accepted either.
    last_page_strings = ()

    def requested_page(self, request) -> int:
        raw = request.query_params.get(self.page_query_param, "")
        if raw == "":
            return 1
        # isascii: str.isdigit() is also true of "²" and other digits int() refuses.
        if not raw.isascii() or not raw.isdigit() or int(raw) < 1:
            raise exceptions.ValidationError(
                {self.page_query_param: [_("Enter a whole number of 1 or more.")]}
            )
        return int(raw)

    def get_page_number(self, request, paginator):
        return self.requested_page(request)

    def get_schema_operation_parameters(self, view):
        parameters = super().get_schema_operation_parameters(view)
        for parameter in parameters:
            if parameter["name"] == self.page_query_param:
                # An empty page is the first one, as for the filters.
                parameter["schema"] = {**parameter["schema"], "minimum": 1}
                parameter["allowEmptyValue"] = True
        return parameters
