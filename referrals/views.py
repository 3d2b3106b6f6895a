"""The public directory of referral bodies, the verification of signed dossiers, and a
referred case's referrals as its consumer sees them."""

from __future__ import annotations

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from core import signatures
from core.downloads import private_file_response
from odr.selectors import can_read_dossier, dossier_case

from . import dossiers, selectors, services
from .forms import DirectoryFilterForm, OutcomeReportForm, VerifyForm
from .models import Referral, ReferralBody, SignedDossier

PAGE_SIZE = 20


@require_GET
def body_list(request):
    form = DirectoryFilterForm(request.GET or None)
    filters = form.cleaned_data if form.is_bound and form.is_valid() else {}
    bodies = selectors.directory(
        country=filters.get("country", ""),
        trader_country=filters.get("trader_country", ""),
        category=filters.get("category", ""),
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


# --- verification -------------------------------------------------------------------------


def _read_upload(upload) -> bytes | None:
    """The uploaded file, or None when it is larger than any dossier Redress issues."""
    if upload.size > settings.REDRESS_UPLOAD_MAX_BYTES:
        return None
    return upload.read()


@require_http_methods(["GET", "POST"])
def verify(request):
    """Is this dossier one Redress issued, unchanged? By number and hash (GET, the address
    printed on the PDF) or by the PDF itself (POST)."""
    if request.method == "POST":
        form = VerifyForm(request.POST, request.FILES)
    else:
        form = VerifyForm(request.GET or None)
    result = None
    if form.is_bound and form.is_valid():
        data = form.cleaned_data
        if data.get("pdf"):
            content = _read_upload(data["pdf"])
            result = (
                dossiers.verify_pdf(content)
                if content is not None
                else dossiers.Verification(False, reason="unknown")
            )
        else:
            result = dossiers.verify(
                number=data["number"], sha256=data["sha256"], signature=data["signature"]
            )
    return render(
        request,
        "referrals/verify.html",
        {"form": form, "result": result, "public_keys": signatures.public_keys()},
        status=400 if form.is_bound and not form.is_valid() else 200,
    )


# --- a referred case's referrals, for its consumer (and staff) ------------------------------


def _readable_case(request, reference: str):
    case = dossier_case(reference, request.user)
    if case is None:
        raise Http404
    return case


@login_required
@require_GET
def case_referrals(request, reference: str):
    case = _readable_case(request, reference)
    referrals = list(
        Referral.objects.filter(case=case).select_related("body", "dossier").order_by("-pk")
    )
    is_consumer = case.complaint.consumer_id == request.user.pk
    return render(
        request,
        "referrals/case_referrals.html",
        {
            "case": case,
            "complaint": case.complaint,
            "referrals": referrals,
            "is_consumer": is_consumer,
            "report_form": OutcomeReportForm() if is_consumer else None,
        },
    )


@login_required
@require_GET
def dossier_pdf(request, uid):
    dossier = get_object_or_404(
        SignedDossier.objects.select_related("case__complaint"), uid=uid, erased_at__isnull=True
    )
    if not can_read_dossier(dossier.case, request.user):
        raise Http404
    return private_file_response(
        dossier.pdf,
        label=f"dossier-{dossier.case.complaint.reference}-{dossier.uid.hex[:8]}.pdf",
        content_type="application/pdf",
    )


@login_required
@require_POST
def referral_report(request, pk: int):
    referral = get_object_or_404(
        Referral.objects.select_related("case__complaint"),
        pk=pk,
        case__complaint__consumer=request.user,
    )
    reference = referral.case.complaint.reference
    form = OutcomeReportForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Choose what the body did."))
        return redirect("referrals:case", reference=reference)
    try:
        services.referral_report_outcome(
            referral_id=referral.pk,
            consumer=request.user,
            status=form.cleaned_data["status"],
            note=form.cleaned_data["note"],
        )
    except (ValidationError, PermissionDenied) as exc:
        messages.error(request, " ".join(getattr(exc, "messages", [str(exc)])))
    else:
        messages.success(request, _("Thank you: what the body did is recorded on the case."))
    return redirect("referrals:case", reference=reference)
