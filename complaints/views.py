"""The consumer's complaint wizard and pages, the representatives' pages, evidence downloads."""

from __future__ import annotations

import uuid

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import Http404, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from core.downloads import private_file_response
from core.email_evidence import read_email
from core.uploads import EMAIL, UploadRejected

from . import selectors, services
from .forms import (
    EvidenceForm,
    ProblemForm,
    PublicationForm,
    PurchaseForm,
    RemedyForm,
    RespondentsForm,
    ReviewForm,
)
from .guides import guide_for
from .models import Complaint, EvidenceItem
from .respondents import (
    SLOTS_BY_MODE,
    Disclosure,
    Party,
    disclosure_state,
    propose_respondents,
    seller_party,
)
from .steps import STEP_TITLES, STEPS

PAGE_SIZE = 20


# --- helpers --------------------------------------------------------------------------------


def _may_file(user) -> bool:
    try:
        services.require_filer(user)
    except PermissionDenied:
        return False
    return True


def _not_a_filer(request):
    """The page a signed-in user who may not file complaints sees instead of the wizard."""
    if _may_file(request.user):
        return None
    return render(request, "complaints/not_allowed.html", status=403)


def _edit_url(complaint: Complaint, step: str) -> str:
    return reverse("complaints:edit", kwargs={"public_id": complaint.public_id, "step": step})


def _detail_url(complaint: Complaint) -> str:
    return reverse("complaints:detail", kwargs={"public_id": complaint.public_id})


def _next_step(step: str) -> str:
    return STEPS[min(STEPS.index(step) + 1, len(STEPS) - 1)]


def _evidence_form(*args, **kwargs) -> EvidenceForm:
    return EvidenceForm(
        *args,
        max_file_mb=settings.REDRESS_EVIDENCE_MAX_FILE_BYTES / 1_000_000,
        max_total_mb=settings.REDRESS_EVIDENCE_MAX_COMPLAINT_BYTES / 1_000_000,
        **kwargs,
    )


def _render_step(request, complaint: Complaint | None, step: str, context: dict, status=200):
    reached = complaint.draft_step if complaint and complaint.draft_step in STEPS else STEPS[0]
    steps = [
        {
            "key": key,
            "title": STEP_TITLES[key],
            "url": _edit_url(complaint, key) if complaint else "",
            "current": key == step,
            "reachable": complaint is not None and STEPS.index(key) <= STEPS.index(reached),
        }
        for key in STEPS
    ]
    return render(
        request,
        f"complaints/step_{step}.html",
        {
            "complaint": complaint,
            "step": step,
            "step_title": STEP_TITLES[step],
            "step_number": STEPS.index(step) + 1,
            "step_count": len(STEPS),
            "steps": steps,
            **context,
        },
        status=status,
    )


def _add_evidence(request, complaint: Complaint, form: EvidenceForm) -> tuple[bool, list[str]]:
    """Store the statement and each file on its own: a refused file is reported with its
    reason while the others are kept. Returns (statement saved, messages of refused files);
    the labels of the files kept are in ``request.evidence_added``."""
    refused: list[str] = []
    request.evidence_added = []
    statement_saved = False
    if form.cleaned_data.get("statement", "").strip():
        try:
            services.evidence_add_statement(
                complaint=complaint, text=form.cleaned_data["statement"], submitted_by=request.user
            )
            statement_saved = True
        except ValidationError as exc:
            form.add_error("statement", exc)
    if form.cleaned_data.get("listing_text", "").strip():
        try:
            services.evidence_add_listing(
                complaint=complaint,
                url=form.cleaned_data.get("listing_url", ""),
                text=form.cleaned_data["listing_text"],
                submitted_by=request.user,
            )
        except ValidationError as exc:
            form.add_error("listing_text", exc)
    for upload in form.cleaned_data.get("files", []):
        try:
            item = services.evidence_add_file(
                complaint=complaint, upload=upload, submitted_by=request.user
            )
            request.evidence_added.append(item.label)
        except UploadRejected as exc:
            refused.extend(exc.messages)
    return statement_saved, refused


def _wants_json(request) -> bool:
    # The upload script (complaints/upload-progress.js) sends one file at a time and asks
    # for the result as JSON; a browser's own form submission never does.
    return request.headers.get("Accept") == "application/json"


def _evidence_json(request, form: EvidenceForm, refused: list[str]) -> JsonResponse:
    """The result of one upload for the progress script: what was kept, what was refused
    and why, in the page's language."""
    errors = [str(e) for field_errors in form.errors.values() for e in field_errors]
    return JsonResponse(
        {"added": getattr(request, "evidence_added", []), "refused": refused + errors},
        status=200 if not refused and not errors else 400,
    )


def _evidence_after_errors(request, form: EvidenceForm, statement_saved: bool, refused):
    """A fresh form showing the refusals; the statement stays typed unless it was saved."""
    data = {"statement": "" if statement_saved else request.POST.get("statement", "")}
    if "listing_text" in form.errors or "listing_url" in form.errors:
        # Not saved: kept as typed.
        data["listing_url"] = request.POST.get("listing_url", "")
        data["listing_text"] = request.POST.get("listing_text", "")
    shown = _evidence_form(data)
    shown.is_valid()
    for field, errors in form.errors.items():
        for error in errors:
            shown.add_error(field, error)
    for message in refused:
        shown.add_error("files", message)
    return shown


# --- the wizard -----------------------------------------------------------------------------


@login_required
def complaint_new(request):
    if denied := _not_a_filer(request):
        return denied
    if request.method == "POST":
        form = PurchaseForm(request.POST)
        try:
            token = uuid.UUID(request.POST.get("token", ""))
        except ValueError:
            token = uuid.uuid4()
            form.add_error(None, _("The form had expired. Please check it and send it again."))
        if form.is_valid():
            try:
                complaint = services.complaint_start(
                    consumer=request.user, public_id=token, data=form.cleaned_data
                )
            except Complaint.DoesNotExist:
                raise Http404 from None
            if complaint.status == Complaint.Status.SUBMITTED:
                return redirect(_detail_url(complaint))
            return redirect(_edit_url(complaint, "problem"))
    else:
        form = PurchaseForm()
        token = uuid.uuid4()
    return _render_step(request, None, "purchase", {"form": form, "token": token})


@login_required
def complaint_edit(request, public_id, step: str):
    if step not in STEPS:
        raise Http404
    if denied := _not_a_filer(request):
        return denied
    complaint = get_object_or_404(
        Complaint.objects.filter(consumer=request.user), public_id=public_id
    )
    if complaint.status != Complaint.Status.DRAFT:
        return redirect(_detail_url(complaint))
    handler = {
        "purchase": _step_purchase,
        "problem": _step_form(ProblemForm),
        "remedy": _step_form(RemedyForm),
        "respondents": _step_respondents,
        "evidence": _step_evidence,
        "review": _step_review,
    }[step]
    try:
        return handler(request, complaint, step)
    except services.ComplaintAlreadySubmitted as exc:
        return redirect(_detail_url(exc.complaint))


def _step_form(form_class):
    def handle(request, complaint: Complaint, step: str):
        if request.method == "POST":
            form = form_class(request.POST, instance=complaint)
            if form.is_valid():
                services.complaint_save_step(
                    complaint=complaint, consumer=request.user, step=step, data=form.cleaned_data
                )
                return redirect(_edit_url(complaint, _next_step(step)))
        else:
            form = form_class(instance=complaint)
        return _render_step(request, complaint, step, {"form": form})

    return handle


def _step_purchase(request, complaint: Complaint, step: str):
    if request.method == "POST":
        form = PurchaseForm(request.POST, instance=complaint)
        old_mode = complaint.purchase_mode
        if form.is_valid():
            services.complaint_save_step(
                complaint=complaint, consumer=request.user, step=step, data=form.cleaned_data
            )
            if old_mode and old_mode != form.cleaned_data["purchase_mode"]:
                messages.info(
                    request,
                    _("You changed how you bought: please check who is responsible again."),
                )
            return redirect(_edit_url(complaint, "problem"))
    else:
        form = PurchaseForm(instance=complaint)
    return _render_step(request, complaint, step, {"form": form})


def _initial_from_parties(parties: dict[str, Party]) -> dict:
    initial = {}
    for slot, party in parties.items():
        if party.merchant is not None:
            initial[f"{slot}_merchant"] = str(party.merchant.public_id)
        else:
            initial[f"{slot}_name"] = party.name
            initial[f"{slot}_url"] = party.url
    return initial


def _step_respondents(request, complaint: Complaint, step: str):
    if not complaint.purchase_mode:
        messages.info(request, _("First tell us how you bought."))
        return redirect(_edit_url(complaint, "purchase"))
    mode = complaint.purchase_mode
    parties, saved = selectors.respondent_parties(complaint)
    known = [p.merchant for p in parties.values() if p.merchant is not None]
    query = ""
    results = None

    if request.method == "POST":
        action = request.POST.get("action", "continue")
        query = request.POST.get("q", "").strip()
        posted = [request.POST.get(f"{slot}_merchant", "") for slot in SLOTS_BY_MODE[mode]]
        chosen = list(selectors.merchants_by_public_id(posted).values())
        results = selectors.merchant_candidates(query) if action == "search" else None
        candidates = _unique([*(results or []), *chosen, *known])
        if action == "search":
            # Only looking up the directory: keep what was typed, judge nothing yet.
            form = RespondentsForm(initial=request.POST.dict(), mode=mode, candidates=candidates)
        else:
            form = RespondentsForm(request.POST, mode=mode, candidates=candidates)
            if form.is_valid():
                services.complaint_set_respondents(
                    complaint=complaint,
                    consumer=request.user,
                    seller=form.party("seller"),
                    agent=form.party("agent"),
                    platform=form.party("platform"),
                )
                if action != "apply":
                    return redirect(_edit_url(complaint, "evidence"))
                # The page is shown again from the form as posted rather than from the saved
                # proposal: a platform the rule does not make answer is not saved as a
                # respondent, and the consumer's choice of it must not vanish.
                parties = {
                    slot: party for slot in SLOTS_BY_MODE[mode] if (party := form.party(slot)).given
                }
                saved = True
    else:
        form = RespondentsForm(
            initial=_initial_from_parties(parties), mode=mode, candidates=_unique(known)
        )

    proposal = propose_respondents(
        purchase_mode=mode,
        seller=parties.get("seller", Party()),
        agent=parties.get("agent", Party()),
        platform=parties.get("platform", Party()),
    )
    the_seller = seller_party(
        purchase_mode=mode,
        seller=parties.get("seller", Party()),
        agent=parties.get("agent", Party()),
    )
    state = disclosure_state(the_seller.merchant)
    return _render_step(
        request,
        complaint,
        step,
        {
            "form": form,
            "results": results,
            "query": query,
            "proposal": proposal,
            "proposal_saved": saved,
            "platform_missing": state != Disclosure.ADEQUATE and not parties.get("platform"),
        },
    )


def _unique(merchants) -> list:
    seen, unique = set(), []
    for merchant in merchants:
        if merchant.pk not in seen:
            seen.add(merchant.pk)
            unique.append(merchant)
    return unique


def _step_evidence(request, complaint: Complaint, step: str):
    if request.method == "POST":
        # "Save and continue" may go on without evidence; "Add to my evidence" (and the
        # upload script, which sends "add") with nothing attached adds nothing and says so.
        form = _evidence_form(
            request.POST, request.FILES, require_content=request.POST.get("action") != "continue"
        )
        if not form.is_valid() and _wants_json(request):
            return _evidence_json(request, form, [])
        if form.is_valid():
            statement_saved, refused = _add_evidence(request, complaint, form)
            if _wants_json(request):
                return _evidence_json(request, form, refused)
            if not refused and not form.errors:
                services.complaint_save_step(
                    complaint=complaint, consumer=request.user, step=step, data={}
                )
                if request.POST.get("action") == "continue":
                    return redirect(_edit_url(complaint, "review"))
                messages.success(request, _("Your evidence was added."))
                return redirect(_edit_url(complaint, step))
            form = _evidence_after_errors(request, form, statement_saved, refused)
    else:
        form = _evidence_form()
    return _render_step(
        request,
        complaint,
        step,
        {
            "form": form,
            "evidence": complaint.evidence.select_related("submitted_by"),
            "guide": guide_for(complaint.category),
        },
    )


@login_required
@require_POST
def evidence_remove(request, public_id, item_id: int):
    complaint = get_object_or_404(
        Complaint.objects.filter(consumer=request.user), public_id=public_id
    )
    try:
        services.evidence_remove(complaint=complaint, item_id=item_id, consumer=request.user)
    except services.ComplaintAlreadySubmitted:
        messages.error(request, _("Evidence of a submitted complaint is kept as it is."))
        return redirect(_detail_url(complaint))
    except EvidenceItem.DoesNotExist:
        raise Http404 from None
    messages.success(request, _("The item was removed from your draft."))
    return redirect(_edit_url(complaint, "evidence"))


def _step_review(request, complaint: Complaint, step: str):
    missing = selectors.missing_steps(complaint)
    if request.method == "POST":
        form = ReviewForm(request.POST)
        if form.is_valid():
            try:
                submitted = services.complaint_submit(
                    complaint=complaint,
                    consumer=request.user,
                    consent=form.cleaned_data["consent"],
                    language=request.LANGUAGE_CODE,
                    publish=form.cleaned_data["publish"],
                    publish_narrative=form.cleaned_data["publish_narrative"],
                )
            except ValidationError as exc:
                form.add_error(None, exc)
            else:
                messages.success(
                    request,
                    _("Your complaint %(reference)s was submitted. We sent you an e-mail.")
                    % {"reference": submitted.reference},
                )
                return redirect(_detail_url(submitted))
    else:
        form = ReviewForm()
    return _render_step(
        request,
        complaint,
        step,
        {
            "form": form,
            "missing": [
                {"key": k, "title": STEP_TITLES[k], "url": _edit_url(complaint, k)} for k in missing
            ],
            "respondents": complaint.respondents.select_related("merchant"),
            "evidence": complaint.evidence.select_related("submitted_by"),
        },
    )


# --- the consumer's pages -------------------------------------------------------------------


@login_required
def complaint_list(request):
    page = Paginator(selectors.complaints_of_consumer(request.user), PAGE_SIZE).get_page(
        request.GET.get("page")
    )
    return render(
        request,
        "complaints/mine.html",
        {"page_obj": page, "complaints": page.object_list, "can_file": _may_file(request.user)},
    )


def _detail_context(complaint: Complaint) -> dict:
    return {
        "complaint": complaint,
        "case": selectors.case_of(complaint),
        "respondents": complaint.respondents.select_related("merchant"),
        "evidence": complaint.evidence.select_related("submitted_by"),
        "publish_after_days": settings.TRANSPARENCY_PUBLISH_AFTER_DAYS,
    }


@login_required
def complaint_detail(request, public_id):
    complaint = get_object_or_404(
        Complaint.objects.filter(consumer=request.user).select_related("case"),
        public_id=public_id,
    )
    return render(
        request,
        "complaints/detail.html",
        {
            **_detail_context(complaint),
            "evidence_form": _evidence_form(),
            "publication_form": _publication_form(complaint),
        },
    )


def _publication_form(complaint: Complaint, data=None) -> PublicationForm:
    return PublicationForm(
        data,
        initial={
            "publish": complaint.publish_consent_at is not None,
            "publish_narrative": complaint.publish_narrative_consent_at is not None,
        },
    )


@login_required
@require_POST
def publication_update(request, public_id):
    """The consumer's choice about the open complaint data, given or withdrawn."""
    complaint = get_object_or_404(
        Complaint.objects.filter(consumer=request.user).select_related("case"),
        public_id=public_id,
    )
    form = _publication_form(complaint, request.POST)
    if form.is_valid():
        try:
            services.complaint_set_publication(
                complaint=complaint,
                consumer=request.user,
                publish=form.cleaned_data["publish"],
                publish_narrative=form.cleaned_data["publish_narrative"],
            )
        except services.ComplaintNotPublishable:
            messages.error(request, _("This complaint cannot be published."))
        else:
            messages.success(request, _("Your choice about the open complaint data was saved."))
        return redirect(_detail_url(complaint) + "#publication")
    return render(
        request,
        "complaints/detail.html",
        {
            **_detail_context(complaint),
            "evidence_form": _evidence_form(),
            "publication_form": form,
        },
        status=400,
    )


@login_required
@require_POST
def evidence_add(request, public_id):
    """Later evidence on a submitted complaint: new items with their own time and hash."""
    complaint = get_object_or_404(
        Complaint.objects.filter(consumer=request.user).select_related("case"),
        public_id=public_id,
    )
    if complaint.status == Complaint.Status.DRAFT:
        return redirect(_edit_url(complaint, "evidence"))
    form = _evidence_form(request.POST, request.FILES, require_content=True)
    if not form.is_valid() and _wants_json(request):
        return _evidence_json(request, form, [])
    if form.is_valid():
        statement_saved, refused = _add_evidence(request, complaint, form)
        if _wants_json(request):
            return _evidence_json(request, form, refused)
        if not refused and not form.errors:
            messages.success(request, _("Your evidence was added to the case file."))
            return redirect(_detail_url(complaint) + "#evidence")
        form = _evidence_after_errors(request, form, statement_saved, refused)
    return render(
        request,
        "complaints/detail.html",
        {
            **_detail_context(complaint),
            "evidence_form": form,
            "publication_form": _publication_form(complaint),
        },
    )


@login_required
def evidence_download(request, public_id, item_id: int):
    item = get_object_or_404(
        selectors.evidence_downloadable_by(request.user),
        complaint__public_id=public_id,
        pk=item_id,
    )
    return private_file_response(item.file, label=item.label, content_type=item.content_type)


@login_required
def evidence_email(request, public_id, item_id: int):
    """An e-mail in the evidence, shown as text or as sanitised HTML, never as it was sent."""
    item = get_object_or_404(
        selectors.evidence_downloadable_by(request.user),
        complaint__public_id=public_id,
        pk=item_id,
        content_type=EMAIL,
    )
    complaint = item.complaint
    if complaint.consumer_id == request.user.pk:
        back = (
            _detail_url(complaint)
            if complaint.status != Complaint.Status.DRAFT
            else reverse(
                "complaints:edit", kwargs={"public_id": complaint.public_id, "step": "evidence"}
            )
        )
    elif request.user.is_staff:
        back = None  # staff read evidence from the admin
    else:
        back = reverse("complaints:merchant_detail", kwargs={"public_id": complaint.public_id})
    return render(
        request,
        "complaints/evidence_email.html",
        {"item": item, "complaint": complaint, "email": read_email(item.file), "back": back},
    )


# --- the representatives' pages -------------------------------------------------------------


@login_required
def merchant_complaint_list(request):
    page = Paginator(selectors.complaints_for_representative(request.user), PAGE_SIZE).get_page(
        request.GET.get("page")
    )
    return render(
        request,
        "complaints/merchant_list.html",
        {"page_obj": page, "complaints": page.object_list},
    )


@login_required
def merchant_complaint_detail(request, public_id):
    complaint = get_object_or_404(
        selectors.complaints_for_representative(request.user).select_related("consumer"),
        public_id=public_id,
    )
    return render(request, "complaints/merchant_detail.html", _detail_context(complaint))
