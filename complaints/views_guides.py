"""The rights guides' pages: the list and one guide (complaints.guides), public, in the page's
language."""

from __future__ import annotations

from django.http import Http404
from django.shortcuts import render
from django.views.decorators.http import require_GET

from .guides import all_guides, guide_for


@require_GET
def guide_list(request):
    return render(request, "complaints/guide_list.html", {"guides": all_guides()})


@require_GET
def guide_detail(request, category: str):
    guide = guide_for(category)
    if guide is None:
        raise Http404
    return render(request, "complaints/guide_detail.html", {"guide": guide})
