"""The mediators' list of shops nobody disclosed, the most named first: whom to ask the
platforms about."""

from __future__ import annotations

from urllib.parse import urlencode

from django.contrib import admin
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils.translation import gettext as _

from . import selectors
from .models import UndisclosedShop

PAGE_SIZE = 50


@admin.register(UndisclosedShop)
class UndisclosedShopAdmin(admin.ModelAdmin):
    # A row opened from the list is the respondent, read-only (it is linked on its own screen).
    fields = readonly_fields = ("complaint", "role", "named_name", "named_url")

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    def changelist_view(self, request, extra_context=None):
        if not self.has_view_permission(request):
            raise PermissionDenied
        page = Paginator(selectors.undisclosed_shops_ranked(), PAGE_SIZE).get_page(
            request.GET.get("p")
        )
        respondents = reverse("admin:complaints_respondent_changelist")
        rows = [
            {
                **row,
                "respondents_url": f"{respondents}?"
                + urlencode({"q": row["link"] or row["name"], "merchant__isempty": "1"}),
            }
            for row in page.object_list
        ]
        context = {
            **self.admin_site.each_context(request),
            "opts": self.model._meta,
            "title": _("Shops nobody disclosed"),
            "page_obj": page,
            "rows": rows,
            **(extra_context or {}),
        }
        return TemplateResponse(request, "admin/transparency/undisclosed_shops.html", context)
