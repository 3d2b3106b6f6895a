"""A respondent the consumer could only name keeps its name and link as the directory compares
them, so that a directory lookup finding nobody can count the complaints that name the shop."""

from __future__ import annotations

import pytest

from complaints import services
from complaints.models import Respondent
from complaints.respondents import Party
from tests.factories import ComplaintFactory

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    ("name", "url", "keys"),
    [
        ("Sunny Audio", "", ("sunny audio", "")),
        ("  ＳＵＮＮＹ   Audio ", "", ("sunny audio", "")),  # noqa: RUF001
        ("Straße Shop", "", ("strasse shop", "")),
        (
            "Sunny",
            "https://WWW.mall.example/shop/sunny-audio/?spm=a1&utm_source=x",
            ("sunny", "mall.example/shop/sunny-audio"),
        ),
        ("Odd", "https://exa mple", ("odd", "")),
    ],
)
def test_the_keys_of_a_named_party(name, url, keys):
    found = Respondent.named_keys(name, url)

    assert (found["named_name_key"], found["named_url_key"]) == keys


def test_the_respondents_step_stores_the_keys_of_named_parties_only(consumer):
    complaint = ComplaintFactory(consumer=consumer, draft_step="respondents")

    services.complaint_set_respondents(
        complaint=complaint,
        consumer=consumer,
        seller=Party(name="Sunny Audio", url="https://mall.example/shop/sunny-audio"),
        agent=Party(),
        platform=Party(),
    )

    assert list(complaint.respondents.values_list("named_name_key", "named_url_key")) == [
        ("sunny audio", "mall.example/shop/sunny-audio")
    ]
