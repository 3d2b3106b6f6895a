"""The public directory of referral bodies."""

from __future__ import annotations

from django.core.paginator import Paginator
from django.shortcuts import get_object_or_404, render
from django.views.decorators.http import require_GET

from . import selectors
from .forms import DirectoryFilterForm
from .models import ReferralBody

PAGE_SIZE = 20


@require_GET
def body_list(request):
    form = DirectoryFilterForm(request.GET or None)
    filters = form.cleaned_data if form.is_bound and form.is_valid() else {}
    bodies = selectors.directory(
        country=filters.get("country", ""), category=filters.get("category", "")
    )
    if form.is_bound and not form.is_valid():
        bodies = bodies.none()
    page_obj = Paginator(bodies, PAGE_SIZE).get_page(request.GET.get("page"))
    params = request.GET.copy()
    params.pop("page", None)
    return render(
        request,
        "referrals/body_list.html",
        {"form": form, "page_obj": page_obj, "query_string": params.urlencode()},
        status=400 if form.is_bound and not form.is_valid() else 200,
    )


@require_GET
def body_detail(request, pk: int):
    body = get_object_or_404(ReferralBody.objects.active(), pk=pk)
    return render(request, "referrals/body_detail.html", {"body": body})
