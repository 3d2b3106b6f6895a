"""The jurisdiction page: which law probably applies and whose courts are open."""

from __future__ import annotations

from django.shortcuts import render
from django.views.decorators.http import require_GET

from . import jurisdiction as rules
from .forms_jurisdiction import JurisdictionForm


@require_GET
def jurisdiction(request):
    form = JurisdictionForm(request.GET or None)
    answer = None
    if form.is_bound and form.is_valid():
        data = form.cleaned_data
        answer = rules.explain(
            data["consumer_country"],
            data["trader_country"],
            directed=data["directed"],
            chosen_law=data["chosen_law"],
        )
    return render(
        request,
        "referrals/jurisdiction.html",
        {"form": form, "answer": answer, "method_version": rules.METHOD_VERSION},
        status=400 if form.is_bound and not form.is_valid() else 200,
    )
