"""Published narratives (issue 17, item 1): only with the consumer's separate consent, scrubbed of
personal data, and only once a mediator approved them; withdrawn or erased, they are gone."""

from __future__ import annotations

import datetime as dt

import pytest

from complaints.models import Complaint
from tests.factories import CaseFactory, UserFactory
from transparency import services
from transparency.models import NarrativeReview, OpenComplaint

pytestmark = pytest.mark.django_db

API = "/api/v1/open-complaints/"
NOW = dt.datetime(2026, 12, 1, 12, 0, tzinfo=dt.UTC)
NARRATIVE = (
    "I am Li Na. I paid for order TB-88120931 and wrote to the seller from li.na@example.cn "
    "and called 13800138000; nothing came."
)
SCRUBBED = (
    "I am [[NAME]]. I paid for order [[ORDER NUMBER]] and wrote to the seller from [[EMAIL]] "
    "and called [[PHONE]]; nothing came."
)


@pytest.fixture
def case():
    consumer = UserFactory(full_name="Li Na", email="li.na@example.cn")
    case = CaseFactory(
        state="negotiation",
        accepted_at=dt.datetime(2026, 11, 2, tzinfo=dt.UTC),
        merchant_response_due_at=dt.datetime(2026, 11, 12, tzinfo=dt.UTC),
        merchant_responded_at=dt.datetime(2026, 11, 5, tzinfo=dt.UTC),
        complaint__consumer=consumer,
        complaint__order_number="TB-88120931",
        complaint__description=NARRATIVE,
        complaint__publish_consent_at=NOW,
        complaint__publish_narrative_consent_at=NOW,
    )
    return case


def _refresh(case):
    return services.open_complaint_refresh(complaint_id=case.complaint_id, now=NOW)


def test_a_narrative_waits_for_a_mediator_scrubbed(client, case):
    entry = _refresh(case)

    review = NarrativeReview.objects.get()
    assert review.state == "pending"
    assert review.scrubbed_text == SCRUBBED
    assert review.found == ["name", "order", "email", "phone"]
    assert entry.narrative == ""
    assert client.get(API).json()["results"][0]["narrative"] == ""


def test_an_approved_narrative_is_published(client, case, mediator):
    _refresh(case)

    services.narrative_decide(
        review_id=NarrativeReview.objects.get().pk, mediator=mediator, approve=True
    )

    assert client.get(API).json()["results"][0]["narrative"] == SCRUBBED
    page = client.get("/open-data/").content.decode()
    assert "I am [name removed]. I paid for order [order number removed]" in page
    chinese = client.get("/zh-hans/open-data/").content.decode()
    assert "[已删除姓名]" in chinese


def test_the_mediator_may_correct_the_text_before_approving(client, case, mediator):
    _refresh(case)

    services.narrative_decide(
        review_id=NarrativeReview.objects.get().pk,
        mediator=mediator,
        approve=True,
        text="Nothing came. ",
    )

    assert client.get(API).json()["results"][0]["narrative"] == "Nothing came."


def test_a_rejected_narrative_is_never_published(client, case, mediator):
    _refresh(case)
    review = NarrativeReview.objects.get()

    services.narrative_decide(review_id=review.pk, mediator=mediator, approve=False)
    _refresh(case)

    assert client.get(API).json()["results"][0]["narrative"] == ""
    with pytest.raises(services.NarrativeNotPending):
        services.narrative_decide(review_id=review.pk, mediator=mediator, approve=True)


def test_without_the_narrative_consent_nothing_is_queued_or_shown(client, case):
    Complaint.objects.filter(pk=case.complaint_id).update(publish_narrative_consent_at=None)

    _refresh(case)

    assert NarrativeReview.objects.count() == 0
    assert OpenComplaint.objects.get().narrative == ""


def test_withdrawing_the_narrative_consent_hides_it_at_once_and_keeps_the_entry(
    client, case, mediator
):
    _refresh(case)
    services.narrative_decide(
        review_id=NarrativeReview.objects.get().pk, mediator=mediator, approve=True
    )
    Complaint.objects.filter(pk=case.complaint_id).update(publish_narrative_consent_at=None)

    # Before the entry is refreshed, the page and the API already leave it out.
    assert client.get(API).json()["results"][0]["narrative"] == ""
    assert client.get(API, {"with_narrative": "true"}).json()["count"] == 0
    assert "Nothing came" not in client.get("/open-data/export.csv").getvalue().decode()
    _refresh(case)
    assert OpenComplaint.objects.get().narrative == ""


def test_pseudonymisation_removes_the_narrative_and_its_review(case, mediator):
    _refresh(case)
    Complaint.objects.filter(pk=case.complaint_id).update(
        pseudonymised_at=NOW, pseudonymised_reason="retention"
    )

    entry = _refresh(case)

    assert entry.narrative == ""
    assert NarrativeReview.objects.count() == 0


def test_mediators_review_narratives_in_the_admin(client, case, mediator):
    _refresh(case)
    review = NarrativeReview.objects.get()
    client.force_login(mediator)
    url = f"/admin/transparency/narrativereview/{review.pk}/change/"

    page = client.get(url).content.decode()
    response = client.post(url, {"scrubbed_text": SCRUBBED, "decision": "approve"})

    assert NARRATIVE.replace("'", "&#x27;") in page
    assert response.status_code == 302
    review.refresh_from_db()
    assert (review.state, review.reviewed_by) == ("approved", mediator)
    assert OpenComplaint.objects.get().narrative == SCRUBBED
    assert client.get(url).status_code == 200  # read-only once decided
    client.post(url, {"scrubbed_text": "changed", "decision": "reject"})
    review.refresh_from_db()
    assert review.state == "approved"
