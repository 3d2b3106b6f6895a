"""The public merchant directory, the representatives' pages and the staff document download."""

from __future__ import annotations

import logging

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _lazy
from django.views.decorators.http import require_GET, require_http_methods
from django_ratelimit.decorators import ratelimit

from core.downloads import private_file_response
from core.forms import FORM_RATE
from core.pagination import query_string_without as _query_string

from . import display, selectors, services
from .forms import DocumentUploadForm, MerchantSearchForm, ProposalForm
from .models import Merchant, VerificationDocument

logger = logging.getLogger(__name__)

PAGE_SIZE = 20
HISTORY_PAGE_SIZE = 10
DOCUMENTS_PAGE_SIZE = 20


@require_GET
def merchant_search(request):
    form = MerchantSearchForm(request.GET or None)
    merchants = Merchant.objects.none()
    if not form.is_bound:
        merchants = selectors.merchants_search()
    elif form.is_valid():
        merchants = selectors.merchants_search(**form.cleaned_data)
        q = form.cleaned_data["q"]
        if q and selectors.looks_like_url(q):
            # A pasted link that leads to one merchant: the consumer wants that merchant's page.
            found = list(merchants.values_list("public_id", flat=True)[:2])
            if len(found) == 1:
                return redirect("merchants:detail", public_id=found[0])
    page_obj = Paginator(merchants, PAGE_SIZE).get_page(request.GET.get("page"))
    q = form.cleaned_data.get("q", "") if form.is_bound and form.is_valid() else ""
    # Nobody in the directory: the complaints that name this shop still say something.
    undisclosed = selectors.directory_miss(q) if q and not page_obj.paginator.count else None
    return render(
        request,
        "merchants/search.html",
        {
            "form": form,
            "page_obj": page_obj,
            "merchants": page_obj.object_list,
            "query_string": _query_string(request),
            "searched": form.is_bound,
            "searched_link": bool(q) and selectors.looks_like_url(q),
            "undisclosed": undisclosed,
        },
    )


@require_GET
def merchant_detail(request, public_id):
    try:
        merchant = selectors.merchant_for_public_page(public_id)
    except Merchant.DoesNotExist:
        raise Http404 from None
    history = Paginator(selectors.disclosure_history(merchant), HISTORY_PAGE_SIZE).get_page(
        request.GET.get("page")
    )
    shops = Paginator(selectors.merchant_shops(merchant), PAGE_SIZE).get_page(
        request.GET.get("shops_page")
    )
    links = Paginator(selectors.merchant_links(merchant), PAGE_SIZE).get_page(
        request.GET.get("links_page")
    )
    completeness = services.disclosure_completeness(services.identity_snapshot(merchant))
    return render(
        request,
        "merchants/detail.html",
        {
            "merchant": merchant,
            "roles": [assignment.get_role_display() for assignment in merchant.roles.all()],
            "completeness": completeness,
            "page_obj": history,
            "history": [
                {"version": version, "rows": display.change_rows(version.changes)}
                for version in history.object_list
            ],
            "query_string": _query_string(request),
            "shops": shops,
            "shops_query_string": _query_string(request, "shops_page"),
            "links": links,
            "links_query_string": _query_string(request, "links_page"),
        },
    )


def _represented_merchant(request, public_id) -> Merchant:
    """The merchant if the signed-in user represents it; 404 otherwise, so that nobody learns
    which merchants someone else represents."""
    return get_object_or_404(
        Merchant,
        public_id=public_id,
        pk__in=selectors.merchant_ids_represented_by(request.user),
    )


@login_required
@require_GET
def my_merchants(request):
    page_obj = Paginator(selectors.merchants_for_representative(request.user), PAGE_SIZE).get_page(
        request.GET.get("page")
    )
    return render(
        request,
        "merchants/mine.html",
        {"page_obj": page_obj, "merchants": page_obj.object_list, "query_string": ""},
    )


_PROPOSAL_SENT = _lazy("Your proposal was sent. Staff review it before it becomes public.")


@login_required
@require_http_methods(["GET", "POST"])
@ratelimit(key="user_or_ip", rate=FORM_RATE, method="POST", block=True)
def propose_changes(request, public_id):
    merchant = _represented_merchant(request, public_id)
    # The form works on its own copy: a rejected form must not change what the page shows as
    # the current disclosure.
    editable = Merchant.objects.get(pk=merchant.pk)
    if request.method == "POST":
        form = ProposalForm(request.POST, instance=editable)
        if form.is_valid() and form.is_spam:
            # Answer as if it worked so the bot learns nothing; send nothing to staff.
            logger.info("Disclosure proposal honeypot filled; ignored")
            messages.success(request, _PROPOSAL_SENT)
            return redirect("merchants:mine")
        if form.is_valid():
            try:
                services.proposal_submit(
                    merchant_id=merchant.pk, user=request.user, data=form.identity_data()
                )
            except ValidationError as exc:
                form.add_service_errors(exc)
            else:
                messages.success(request, _PROPOSAL_SENT)
                return redirect("merchants:mine")
    else:
        form = ProposalForm(instance=editable)
    pending = selectors.pending_proposal(merchant)
    current = services.identity_snapshot(merchant)
    return render(
        request,
        "merchants/propose.html",
        {
            "merchant": merchant,
            "form": form,
            "pending": pending,
            "pending_rows": display.proposal_rows(pending, current) if pending else [],
            "last_reviewed": merchant.proposals.exclude(state="pending").first(),
            "verified_fields": [
                display.field_label(f)
                for f in services.IDENTITY_FIELDS
                if f in services.LEGAL_IDENTITY_FIELDS
            ],
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def upload_documents(request, public_id):
    merchant = _represented_merchant(request, public_id)
    if request.method == "POST":
        form = DocumentUploadForm(request.POST, request.FILES)
        if form.is_valid():
            try:
                document = services.document_upload(
                    merchant_id=merchant.pk,
                    user=request.user,
                    kind=form.cleaned_data["kind"],
                    uploaded=form.cleaned_data["file"],
                )
            except ValidationError as exc:
                for field, errors in exc.message_dict.items():
                    form.add_error(field if field in form.fields else None, errors)
            else:
                messages.success(
                    request,
                    _("%(file)s was uploaded. Staff check it before they verify the disclosure.")
                    % {"file": document.label},
                )
                return redirect("merchants:documents", public_id=merchant.public_id)
    else:
        form = DocumentUploadForm()
    page_obj = Paginator(
        merchant.documents.order_by("-uploaded_at", "-pk"), DOCUMENTS_PAGE_SIZE
    ).get_page(request.GET.get("page"))
    return render(
        request,
        "merchants/documents.html",
        {
            "merchant": merchant,
            "form": form,
            "page_obj": page_obj,
            "documents": page_obj.object_list,
            "query_string": "",
        },
    )


@require_GET
def document_download(request, pk: int):
    """Staff only; to anyone else the document does not exist."""
    user = request.user
    if not (
        user.is_authenticated
        and user.is_staff
        and user.has_perm("merchants.view_verificationdocument")
    ):
        raise Http404
    document = get_object_or_404(VerificationDocument, pk=pk)
    return private_file_response(
        document.file, label=document.label, content_type=document.content_type
    )
