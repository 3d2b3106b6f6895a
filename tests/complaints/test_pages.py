"""The consumer's pages: My complaints (status, next deadline, last activity, paginated, a
constant number of queries) and the complaint page (details, respondents, evidence hashes)."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from complaints.models import Respondent
from odr.models import Case, CaseState
from tests.factories import ComplaintFactory, RespondentFactory, StatementFactory

from .conftest import build_merchant

pytestmark = pytest.mark.django_db


def _detail(complaint):
    return reverse("complaints:detail", kwargs={"public_id": complaint.public_id})


def test_my_complaints_shows_reference_status_and_next_deadline(client, consumer):
    deadline = timezone.now() + timedelta(days=10)
    with_case = ComplaintFactory(consumer=consumer, submitted=True)
    Case.objects.create(
        complaint=with_case,
        state=CaseState.AWAITING_MERCHANT,
        deadline_at=deadline,
        deadline_kind=Case.DeadlineKind.MERCHANT_RESPONSE,
    )
    waiting = ComplaintFactory(consumer=consumer, submitted=True)
    ComplaintFactory(consumer=consumer, item_description="Camera lens")  # a draft
    client.force_login(consumer)

    html = client.get(reverse("complaints:mine")).content.decode()

    assert with_case.reference in html
    assert waiting.reference in html
    assert "Waiting for the merchant&#x27;s answer" in html
    assert deadline.strftime("%Y-%m-%d") in html
    assert "merchant&#x27;s answer" in html
    assert "Submitted, waiting for screening" in html
    assert "Camera lens" in html and "Draft" in html


def test_my_complaints_lists_only_mine_most_recently_active_first(client, consumer):
    older = ComplaintFactory(consumer=consumer, submitted=True)
    newer = ComplaintFactory(consumer=consumer, submitted=True)
    ComplaintFactory(submitted=True, item_description="Someone else's order")
    StatementFactory(complaint=older)  # new evidence makes it the latest activity
    client.force_login(consumer)

    response = client.get(reverse("complaints:mine"))

    assert [c.pk for c in response.context["complaints"]] == [older.pk, newer.pk]
    assert "Someone else" not in response.content.decode()


def test_my_complaints_is_paginated_with_a_constant_number_of_queries(
    client, consumer, django_assert_max_num_queries
):
    for _ in range(25):
        complaint = ComplaintFactory(consumer=consumer, submitted=True)
        Case.objects.create(complaint=complaint, deadline_at=timezone.now())
        StatementFactory(complaint=complaint)
    client.force_login(consumer)

    # Session, user, count, page: the same for 20 rows as for one.
    with django_assert_max_num_queries(5):
        response = client.get(reverse("complaints:mine"))

    assert len(response.context["complaints"]) == 20
    assert 'rel="next"' in response.content.decode()
    second = client.get(reverse("complaints:mine") + "?page=2")
    assert len(second.context["complaints"]) == 5


def test_complaint_page_shows_details_respondents_and_evidence_hashes(client, consumer):
    complaint = ComplaintFactory(consumer=consumer, submitted=True, item_description="Tea set")
    platform = build_merchant("Example Mall Ltd", roles=["platform"])
    RespondentFactory(complaint=complaint, named_name="Sunny Trading", reason="marketplace_seller")
    RespondentFactory(
        complaint=complaint,
        role=Respondent.Role.PLATFORM_OPERATOR,
        merchant=platform,
        named_name="",
        named_url="",
        reason=Respondent.Reason.PLATFORM_SELLER_MISSING,
    )
    statement = StatementFactory(complaint=complaint)
    client.force_login(consumer)

    html = client.get(_detail(complaint)).content.decode()

    assert complaint.reference in html
    assert "Tea set" in html
    assert "$129.90" in html
    assert "Right to fair dealing" in html
    assert "Sunny Trading" in html and "a mediator will link it" in html
    assert "Example Mall Ltd" in html
    assert "You bought from this seller on a marketplace" in html
    assert "so the platform answers too" in html
    assert statement.sha256 in html
    assert 'id="case-timeline"' in html
    assert "Add evidence or a statement" in html


def test_draft_page_points_back_to_the_wizard(client, consumer):
    complaint = ComplaintFactory(consumer=consumer, draft_step="evidence")
    client.force_login(consumer)

    html = client.get(_detail(complaint)).content.decode()

    assert "This complaint is a draft" in html
    assert f"/complaints/{complaint.public_id}/edit/evidence/" in html
    assert "Add evidence or a statement" not in html


def test_home_page_links_to_the_complaint_pages(client):
    html = client.get("/").content.decode()

    assert f'href="{reverse("complaints:new")}"' in html
    assert f'href="{reverse("complaints:mine")}"' in html


def test_complaint_page_in_chinese(client, consumer):
    complaint = ComplaintFactory(consumer=consumer, submitted=True)
    client.force_login(consumer)

    html = client.get(f"/zh-hans/complaints/{complaint.public_id}/").content.decode()

    assert "证据" in html
    assert "Evidence" not in html


def test_a_move_on_its_case_brings_a_complaint_to_the_top(client, mediator):
    from odr import services
    from tests.odr.builders import build

    first = build(CaseState.SUBMITTED, mediator)
    from tests.odr.builders import new_world

    second = new_world(mediator, consumer=first.consumer)
    client.force_login(first.consumer)
    assert [c.pk for c in client.get(reverse("complaints:mine")).context["complaints"]] == [
        second.case.complaint_id,
        first.case.complaint_id,
    ]

    services.case_accept(case_id=first.case.pk, mediator=mediator)

    assert [c.pk for c in client.get(reverse("complaints:mine")).context["complaints"]] == [
        first.case.complaint_id,
        second.case.complaint_id,
    ]


def test_a_page_of_my_complaints_reads_only_the_rows_it_shows(consumer, django_assert_num_queries):
    from complaints.selectors import complaints_of_consumer

    for _ in range(30):
        StatementFactory(complaint=ComplaintFactory(consumer=consumer, submitted=True))

    # The order comes from a column (and its index), not from every complaint's evidence.
    with django_assert_num_queries(1) as captured:
        list(complaints_of_consumer(consumer)[:20])
    assert "complaints_evidenceitem" not in captured.captured_queries[0]["sql"]
