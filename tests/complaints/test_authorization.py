"""Who sees what: a consumer only their own complaints, a representative only complaints naming
its merchant once a mediator has accepted them (tests/complaints/test_visibility.py has the
whole table), staff the evidence. Anything else is 404, so that existence does not leak."""

from __future__ import annotations

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone

from complaints import services
from odr.models import Case, CaseState
from tests.factories import ComplaintFactory, RespondentFactory, UserFactory

from .conftest import build_merchant, png_bytes

pytestmark = pytest.mark.django_db


@pytest.fixture
def merchant():
    return build_merchant("Sunny Trading Co")


@pytest.fixture
def complaint(consumer, merchant):
    complaint = ComplaintFactory(consumer=consumer, submitted=True)
    RespondentFactory(complaint=complaint, merchant=merchant, named_name="", named_url="")
    return complaint


@pytest.fixture
def photo(complaint):
    return services.evidence_add_file(
        complaint=complaint,
        upload=SimpleUploadedFile("photo.png", png_bytes()),
        submitted_by=complaint.consumer,
    )


def _urls(complaint, item):
    kwargs = {"public_id": complaint.public_id}
    return {
        "detail": reverse("complaints:detail", kwargs=kwargs),
        "download": reverse("complaints:evidence_download", kwargs={**kwargs, "item_id": item.pk}),
    }


def test_consumer_sees_their_complaint_and_evidence(client, consumer, complaint, photo):
    client.force_login(consumer)

    for url in _urls(complaint, photo).values():
        assert client.get(url).status_code == 200


def test_another_consumer_gets_404_for_the_complaint_and_its_evidence(
    client, other_consumer, complaint, photo
):
    client.force_login(other_consumer)

    for url in _urls(complaint, photo).values():
        assert client.get(url).status_code == 404
    add = reverse("complaints:evidence_add", kwargs={"public_id": complaint.public_id})
    assert client.post(add, {"statement": "mine now"}).status_code == 404
    remove = reverse(
        "complaints:evidence_remove",
        kwargs={"public_id": complaint.public_id, "item_id": photo.pk},
    )
    assert client.post(remove).status_code == 404
    assert complaint.evidence.count() == 1


def test_evidence_id_of_another_complaint_is_404(client, consumer, complaint, photo):
    mine = ComplaintFactory(consumer=UserFactory())
    client.force_login(mine.consumer)

    url = reverse(
        "complaints:evidence_download",
        kwargs={"public_id": mine.public_id, "item_id": photo.pk},
    )
    assert client.get(url).status_code == 404


def test_anonymous_visitor_is_sent_to_sign_in(client, complaint, photo):
    for url in _urls(complaint, photo).values():
        response = client.get(url)
        assert response.status_code == 302
        assert response.url.startswith(reverse("login"))


def _accept(complaint):
    return Case.objects.create(
        complaint=complaint, state=CaseState.AWAITING_MERCHANT, accepted_at=timezone.now()
    )


def test_representative_sees_nothing_until_a_mediator_accepts(
    client, complaint, merchant, photo, representative_of
):
    client.force_login(representative_of(merchant))
    Case.objects.create(complaint=complaint)  # being screened

    listing = client.get(reverse("complaints:merchant_list")).content.decode()

    assert complaint.reference not in listing
    assert (
        client.get(
            reverse("complaints:merchant_detail", kwargs={"public_id": complaint.public_id})
        ).status_code
        == 404
    )
    assert client.get(_urls(complaint, photo)["download"]).status_code == 404


def test_once_accepted_the_representative_reads_it_with_the_consumers_contact(
    client, complaint, merchant, photo, representative_of, consumer
):
    _accept(complaint)
    client.force_login(representative_of(merchant))

    listing = client.get(reverse("complaints:merchant_list")).content.decode()
    page = client.get(
        reverse("complaints:merchant_detail", kwargs={"public_id": complaint.public_id})
    )

    assert complaint.reference in listing
    html = page.content.decode()
    assert page.status_code == 200
    assert complaint.description in html
    assert consumer.email in html
    assert f'href="/cases/{complaint.reference}/"' in html
    assert client.get(_urls(complaint, photo)["download"]).status_code == 200


def test_representative_of_another_merchant_gets_404(client, complaint, photo, representative_of):
    _accept(complaint)
    client.force_login(representative_of(build_merchant("Other Shop Ltd")))

    listing = client.get(reverse("complaints:merchant_list")).content.decode()
    assert complaint.reference not in listing
    assert (
        client.get(
            reverse("complaints:merchant_detail", kwargs={"public_id": complaint.public_id})
        ).status_code
        == 404
    )
    for url in _urls(complaint, photo).values():
        assert client.get(url).status_code == 404


def test_representative_does_not_see_drafts_naming_the_merchant(
    client, consumer, merchant, representative_of
):
    draft = ComplaintFactory(consumer=consumer)
    RespondentFactory(complaint=draft, merchant=merchant, named_name="")
    client.force_login(representative_of(merchant))

    response = client.get(
        reverse("complaints:merchant_detail", kwargs={"public_id": draft.public_id})
    )

    assert response.status_code == 404


def test_merchant_list_has_a_constant_number_of_queries(
    client, merchant, representative_of, django_assert_max_num_queries
):
    for _ in range(12):
        complaint = ComplaintFactory(submitted=True)
        RespondentFactory(complaint=complaint, merchant=merchant, named_name="")
        Case.objects.create(
            complaint=complaint,
            state=CaseState.AWAITING_MERCHANT,
            accepted_at=timezone.now(),
            deadline_at=timezone.now(),
        )
    client.force_login(representative_of(merchant))

    with django_assert_max_num_queries(7):
        response = client.get(reverse("complaints:merchant_list"))

    assert len(response.context["complaints"]) == 12


def test_staff_with_the_permission_download_evidence(client, mediator, complaint, photo):
    client.force_login(mediator)

    assert client.get(_urls(complaint, photo)["download"]).status_code == 200


def test_staff_without_the_permission_get_404(client, complaint, photo):
    client.force_login(UserFactory(is_staff=True, role="mediator"))

    assert client.get(_urls(complaint, photo)["download"]).status_code == 404
