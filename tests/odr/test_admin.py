"""The mediators' desk in the Django admin, used by a mediator (staff, mediators group, not a
superuser): the queue, the case page, and the buttons and actions that call the services."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.contrib.auth.models import Group, Permission
from django.urls import reverse
from django.utils import timezone

from odr import services
from odr.admin import desk_actions_for
from odr.models import Case, CaseState, Message, Offer

from ..factories import StatementFactory
from .builders import build

S = CaseState
pytestmark = pytest.mark.django_db

QUEUE = reverse("admin:odr_case_changelist")


def _change(case):
    return reverse("admin:odr_case_change", args=[case.pk])


def _act(case, action):
    return reverse("admin:odr_case_act", args=[case.pk, action])


@pytest.fixture
def desk(client, mediator):
    assert not mediator.is_superuser
    client.force_login(mediator)
    return client


# --- the group's permissions -----------------------------------------------------------------


def test_the_mediators_group_has_exactly_the_desk_permissions():
    granted = set(
        Group.objects.get(name="mediators")
        .permissions.filter(content_type__app_label="odr")
        .values_list("codename", flat=True)
    )

    assert granted == {
        "view_case",
        "mediate_case",
        "view_caseevent",
        "view_message",
        "view_offer",
        "view_settlement",
        "view_caserating",
        "view_collectivecase",
    }
    assert not Permission.objects.filter(
        group__name="mediators", codename__startswith="delete_"
    ).exists()
    assert "change_case" not in granted


def test_a_mediator_cannot_edit_or_delete_a_case_directly(desk, mediator):
    w = build(S.SUBMITTED, mediator)

    page = desk.get(_change(w.case))
    assert page.status_code == 200
    assert 'name="_save"' not in page.content.decode()
    response = desk.post(_change(w.case), {"mediator_summary": "edited", "state": "resolved"})
    assert response.status_code == 403
    assert desk.post(reverse("admin:odr_case_delete", args=[w.case.pk])).status_code == 403
    assert w.reload().state == S.SUBMITTED


def test_the_state_is_read_only_even_for_a_superuser(client, superuser, mediator):
    w = build(S.SUBMITTED, mediator)
    client.force_login(superuser)

    response = client.post(_change(w.case), {"state": "resolved"})

    assert response.status_code == 403
    assert w.reload().state == S.SUBMITTED


def test_a_consumer_cannot_reach_the_desk_actions(client, mediator):
    w = build(S.SUBMITTED, mediator)
    client.force_login(w.consumer)

    response = client.post(_act(w.case, "accept"), {"version": w.case.version})

    assert response.status_code == 302
    assert response.url.startswith("/admin/login/")
    assert w.reload().state == S.SUBMITTED


# --- the queue -------------------------------------------------------------------------------


def test_the_queue_lists_with_deadline_columns_and_filters(
    desk, mediator, django_assert_max_num_queries
):
    overdue = build(S.NEGOTIATION, mediator)
    Case.objects.filter(pk=overdue.case.pk).update(
        deadline_at=timezone.now() - timedelta(days=3, hours=1)
    )
    due_soon = build(S.NEGOTIATION, mediator)
    Case.objects.filter(pk=due_soon.case.pk).update(
        deadline_at=timezone.now() + timedelta(hours=20)
    )
    mine = build(S.SUBMITTED, mediator)
    services.case_assign_mediator(case_id=mine.case.pk, mediator=mediator, assigned_by=mediator)
    Case.objects.filter(pk=mine.case.pk).update(deadline_at=timezone.now() + timedelta(days=5))
    closed = build(S.RESOLVED, mediator)

    with django_assert_max_num_queries(20):
        page = desk.get(QUEUE)
    html = page.content.decode()
    assert page.status_code == 200
    for w in (overdue, due_soon, mine):
        assert w.case.complaint.reference in html
    # The queue opens on the open cases; the closed one is one click away.
    assert closed.case.complaint.reference not in html
    assert "Days overdue" in html

    def listed(query: str) -> set[str]:
        return {c.complaint.reference for c in desk.get(QUEUE + query).context["cl"].result_list}

    assert listed("?overdue=yes") == {overdue.case.complaint.reference}
    assert listed("?due_soon=yes") == {due_soon.case.complaint.reference}
    assert listed("?assigned=me") == {mine.case.complaint.reference}
    assert mine.case.complaint.reference not in listed("?assigned=none")
    assert listed(f"?state={S.RESOLVED}") == {closed.case.complaint.reference}
    assert len(listed("?category=not_as_described")) == 3
    assert len(listed("?state=all&category=not_as_described")) == 4
    assert listed("?category=fraud") == set()
    assert len(listed("?language=en")) == 3
    assert len(listed("?state=all&country=DE")) == 4
    assert listed("?country=FR") == set()


def test_the_country_filter_offers_each_country_once(desk, mediator):
    for _ in range(3):
        build(S.NEGOTIATION, mediator)  # three merchants, all in Germany

    page = desk.get(QUEUE)

    choices = [
        c["display"]
        for spec in page.context["cl"].filter_specs
        for c in spec.choices(page.context["cl"])
        if spec.title == "merchant country"
    ]
    assert choices.count("Germany") == 1


def test_the_queue_searches_by_reference_order_number_and_merchant(desk, mediator):
    w = build(S.NEGOTIATION, mediator)
    build(S.NEGOTIATION, mediator)

    def found(term):
        return {c.pk for c in desk.get(QUEUE, {"q": term}).context["cl"].result_list}

    assert found(w.case.complaint.reference) == {w.case.pk}
    assert found(w.case.complaint.order_number) == {w.case.pk}
    assert found(w.merchant.legal_name) == {w.case.pk}


# --- the case page and its buttons ------------------------------------------------------------


def test_the_case_page_shows_everything_including_internal_notes(desk, mediator):
    w = build(S.MEDIATION, mediator)
    StatementFactory(complaint=w.case.complaint, text="Seller admitted the fault")
    services.message_post(case_id=w.case.pk, user=mediator, body="Internal hunch", internal=True)

    html = desk.get(_change(w.case)).content.decode()

    assert "Seller admitted the fault" in html
    assert "Internal hunch" in html
    assert w.merchant.legal_name in html
    assert "Propose settlement" in html
    assert "Mediation failed: refer" in html
    assert "The complaint was submitted and the case opened" in html


def test_a_mediator_accepts_from_the_case_page(desk, mediator):
    w = build(S.SUBMITTED, mediator)

    form = desk.get(_act(w.case, "accept"))
    assert form.status_code == 200
    response = desk.post(_act(w.case, "accept"), {"version": w.case.version, "note": "In scope"})

    assert response.status_code == 302
    case = w.reload()
    assert case.state == S.AWAITING_MERCHANT
    assert case.events.get(kind="accepted").actor == mediator


def test_rejecting_needs_a_reason_and_keeps_the_form(desk, mediator):
    w = build(S.SUBMITTED, mediator)

    response = desk.post(_act(w.case, "reject"), {"version": w.case.version, "reason": ""})
    assert response.status_code == 200
    assert response.context["form"].errors["reason"]

    desk.post(_act(w.case, "reject"), {"version": w.case.version, "reason": "Domestic sale."})
    case = w.reload()
    assert case.state == S.REJECTED
    assert case.rejection_reason == "Domestic sale."


def test_request_information_from_the_desk(desk, mediator):
    w = build(S.SUBMITTED, mediator)

    desk.post(_act(w.case, "request-info"), {"version": w.case.version, "question": "Invoice?"})

    case = w.reload()
    assert case.awaiting_consumer_info
    assert case.deadline_kind == "consumer_info"


def test_a_mediator_proposes_a_settlement_with_the_platform_paying(desk, mediator, platform):
    w = build(S.MEDIATION, mediator)

    response = desk.post(
        _act(w.case, "propose"),
        {
            "version": w.case.version,
            "kind": "refund",
            "amount": "129.90",
            "currency": "EUR",
            "terms": "Full refund within 15 days.",
            "payer": "platform_in_advance",
            "payer_merchant": platform.pk,
            "recovered_from": w.merchant.pk,
        },
    )

    assert response.status_code == 302
    proposal = Offer.objects.get(case=w.case, party="mediator")
    assert proposal.payer == "platform_in_advance"
    assert proposal.recovered_from == w.merchant


def test_a_bad_proposal_is_refused_with_field_errors(desk, mediator):
    w = build(S.MEDIATION, mediator)

    response = desk.post(
        _act(w.case, "propose"),
        {
            "version": w.case.version,
            "kind": "refund",
            "amount": "-3",
            "currency": "USD",
            "terms": "x",
            "payer": "merchant",
        },
    )

    assert response.status_code == 200
    assert response.context["form"].errors
    assert not Offer.objects.filter(case=w.case, party="mediator").exists()


def test_refer_and_record_outcome_from_the_desk(desk, mediator):
    w = build(S.MEDIATION, mediator)

    desk.post(_act(w.case, "refer"), {"version": w.case.version, "summary": "No agreement."})
    case = w.reload()
    assert case.state == S.REFERRED
    assert case.mediator_summary == "No agreement."

    desk.post(
        _act(case, "record-outcome"),
        {"version": case.version, "outcome": "merchant_unresponsive", "summary": ""},
    )
    assert w.reload().outcome == "merchant_unresponsive"


def test_a_stale_desk_form_is_told_the_case_changed(desk, mediator, second_mediator):
    w = build(S.SUBMITTED, mediator)
    seen = w.case.version
    services.case_accept(case_id=w.case.pk, mediator=second_mediator)

    response = desk.post(_act(w.case, "reject"), {"version": seen, "reason": "Out of scope"})

    assert response.status_code == 200
    assert "The case changed" in response.content.decode()
    assert w.reload().state == S.AWAITING_MERCHANT


def test_a_mediator_writes_an_internal_note(desk, mediator):
    w = build(S.MEDIATION, mediator)

    desk.post(_act(w.case, "message"), {"body": "Check the courier", "internal": "on"})

    note = Message.objects.get(case=w.case, body="Check the courier")
    assert note.internal


def test_the_evidence_downloads_with_its_hash(desk, mediator, settings):
    from django.core.files.base import ContentFile

    from complaints.models import EvidenceItem

    w = build(S.MEDIATION, mediator)
    item = EvidenceItem(
        complaint=w.case.complaint,
        kind="file",
        label="receipt.pdf",
        content_type="application/pdf",
        size=8,
        sha256="a" * 64,
        submitted_by=w.consumer,
    )
    item.file.save("receipt", ContentFile(b"%PDF-1.4"), save=False)
    item.save()

    html = desk.get(_change(w.case)).content.decode()
    assert "a" * 64 in html
    response = desk.get(reverse("admin:odr_case_evidence", args=[w.case.pk, item.pk]))
    assert response.status_code == 200
    assert "attachment" in response["Content-Disposition"]


# --- list actions ------------------------------------------------------------------------------


def _action(desk, name, cases, **extra):
    # From "All cases": the cases a mediator selects were listed (the queue opens on open ones).
    return desk.post(
        QUEUE + "?state=all",
        {"action": name, "_selected_action": [c.pk for c in cases], **extra},
        follow=True,
    )


def test_assign_selected_cases_to_me(desk, mediator):
    cases = [build(S.SUBMITTED, mediator).case for _ in range(2)]

    _action(desk, "assign_to_me", cases)

    assert {c.mediator for c in Case.objects.filter(pk__in=[c.pk for c in cases])} == {mediator}


def test_accept_selected_reports_what_it_could_not_do(desk, mediator):
    ok = build(S.SUBMITTED, mediator).case
    closed = build(S.REJECTED, mediator).case

    response = _action(desk, "accept_selected", [ok, closed])

    assert Case.objects.get(pk=ok.pk).state == S.AWAITING_MERCHANT
    assert Case.objects.get(pk=closed.pk).state == S.REJECTED
    html = response.content.decode()
    assert "1 case(s) done" in html
    assert closed.complaint.reference in html


def test_bulk_assign_asks_for_the_mediator_then_assigns(desk, mediator, second_mediator):
    cases = [build(S.SUBMITTED, mediator).case for _ in range(2)]

    page = _action(desk, "bulk_assign", cases)
    assert "Assign to" in page.content.decode()
    _action(desk, "bulk_assign", cases, apply="1", mediator=second_mediator.pk)

    assert {c.mediator for c in Case.objects.filter(pk__in=[c.pk for c in cases])} == {
        second_mediator
    }


def test_bulk_assign_automatically_gives_each_case_to_a_mediator_of_its_language(desk, mediator):
    from accounts.services import user_set_role

    from ..factories import UserFactory

    chinese = user_set_role(user=UserFactory(preferred_language="zh-hans"), role="mediator")
    english_case = build(S.SUBMITTED, mediator).case
    chinese_case = build(S.SUBMITTED, mediator, language="zh-hans").case

    response = _action(desk, "bulk_assign", [english_case, chinese_case], apply="1", mediator="")

    assert "2 case(s) done" in response.content.decode()
    assert Case.objects.get(pk=english_case.pk).mediator == mediator
    assert Case.objects.get(pk=chinese_case.pk).mediator == chinese
    assert Case.objects.get(pk=chinese_case.pk).events.get(kind="mediator_assigned").actor == (
        mediator
    )


# --- beyond the bound on offers, with a reason ----------------------------------------------


def _compensation(w, **extra):
    return {
        "version": w.case.version,
        "kind": "compensation",
        "amount": "500",
        "currency": "EUR",
        "terms": "Compensation for the missed wedding.",
        "payer": "merchant",
        **extra,
    }


def test_a_proposal_beyond_the_bound_asks_the_mediator_for_a_reason(desk, mediator):
    w = build(S.MEDIATION, mediator)

    response = desk.post(_act(w.case, "propose"), _compensation(w))

    assert response.status_code == 200
    errors = response.context["form"].errors
    assert errors["amount"] == ["Compensation is at most 3 times the amount paid, that is €389.70."]
    assert errors["beyond_bound_reason"] == [
        "To propose more, give the reason: it is recorded in the case's history."
    ]
    assert not Offer.objects.filter(case=w.case, party="mediator").exists()


def test_a_proposal_beyond_the_bound_with_a_reason_is_made_and_recorded(desk, mediator):
    w = build(S.MEDIATION, mediator)

    response = desk.post(
        _act(w.case, "propose"),
        _compensation(w, beyond_bound_reason="The consumer \u202emissed\u202c the wedding."),
    )

    assert response.status_code == 302
    proposal = Offer.objects.get(case=w.case, party="mediator")
    assert str(proposal.amount) == "500.00"
    data = w.case.events.get(kind="settlement_proposed").data
    assert data["beyond_bound_reason"] == "The consumer missed the wedding."


def test_a_desk_message_is_stored_clean(desk, mediator):
    w = build(S.MEDIATION, mediator)

    desk.post(
        _act(w.case, "message"), {"body": "Please\u200b send\u0007 the e\u0301mail.\r\nThanks"}
    )

    assert Message.objects.filter(case=w.case, author=mediator).get().body == (
        "Please send the \u00e9mail.\nThanks"
    )


# The desk's buttons on an unassigned case, by state, written out from the table in
# docs/design.md: assigning in any open state, screening in submitted, proposing in mediation,
# paying in advance in escalated, referring in mediation and escalated, the outcome on a
# resolved or referred case; a message or internal note always.
ASSIGN = ["assign-me", "assign", "auto-assign"]
DESK_BUTTONS = {
    CaseState.SUBMITTED: [*ASSIGN, "accept", "reject", "request-info", "message"],
    CaseState.REJECTED: ["message"],
    CaseState.AWAITING_MERCHANT: [*ASSIGN, "message"],
    CaseState.NEGOTIATION: [*ASSIGN, "message"],
    CaseState.MEDIATION: [*ASSIGN, "propose", "refer", "message"],
    CaseState.SETTLED: [*ASSIGN, "message"],
    CaseState.RESOLVED: ["record-outcome", "message"],
    CaseState.ESCALATED: [*ASSIGN, "compensate", "refer", "message"],
    CaseState.REFERRED: ["record-outcome", "message"],
    CaseState.WITHDRAWN: ["message"],
}


@pytest.mark.parametrize("state", list(CaseState))
def test_the_desk_offers_the_buttons_of_the_state(state, mediator, second_mediator):
    w = build(state, mediator)
    Case.objects.filter(pk=w.case.pk).update(mediator=None, awaiting_consumer_info=False)
    case = w.reload()

    assert [slug for slug, _label in desk_actions_for(case, second_mediator)] == DESK_BUTTONS[state]
