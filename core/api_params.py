"""Query parameters of every API view: one the view does not know is a 400 naming it, because
a misspelt filter must never silently return unfiltered data.

Kept apart from core.api: DRF imports this module (DEFAULT_FILTER_BACKENDS) while it is itself
being imported, so nothing here may touch drf-spectacular or DRF's generic views."""

from __future__ import annotations

from django.utils.translation import gettext as _
from django_filters.rest_framework import DjangoFilterBackend
from rest_framework import exceptions, mixins


def reject_unknown_parameters(request, allowed: set[str]) -> None:
    unknown = sorted(set(request.query_params) - allowed)
    if unknown:
        raise exceptions.ValidationError({name: [_("Unknown parameter.")] for name in unknown})


class StrictFilterBackend(DjangoFilterBackend):
    """django-filter's backend, except that a parameter which is neither one of the view's
    filters nor its page number is refused instead of ignored."""

    def filter_queryset(self, request, queryset, view):
        allowed: set[str] = set()
        filterset_class = self.get_filterset_class(view, queryset)
        if filterset_class is not None:
            allowed |= set(filterset_class.base_filters)
        # Detail views also run the filter backends (in get_object) and have a paginator from
        # the settings, but take no page number.
        paginator = (
            getattr(view, "paginator", None) if isinstance(view, mixins.ListModelMixin) else None
        )
        if paginator is not None:
            for name in ("page_query_param", "page_size_query_param"):
                if getattr(paginator, name, None):
                    allowed.add(getattr(paginator, name))
        reject_unknown_parameters(request, allowed)
        return super().filter_queryset(request, queryset, view)
