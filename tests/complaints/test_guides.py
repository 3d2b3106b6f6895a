"""The rights guides: one per category in English and Chinese, each complete (the rights per
jurisdiction family, what to do first, an evidence checklist, sources, "not legal advice"),
rendered without anything a browser would run, linked where the consumer needs them."""

from __future__ import annotations

import re

import pytest
from django.urls import reverse
from django.utils import translation

from complaints import guides
from tests.factories import ComplaintFactory

# Written out from the issue: the nine categories that get a guide.
CATEGORIES = [
    "non_delivery",
    "not_as_described",
    "defective",
    "return_refused",
    "payment_security",
    "personal_data",
    "false_advertising",
    "customs",
    "unfair_terms",
]
SECTIONS = {
    "en": ["## Your rights", "## What to do first", "## Evidence checklist", "## Sources"],
    "zh-hans": ["## 您的权利", "## 首先要做什么", "## 证据清单", "## 来源"],
}
FAMILIES = {
    "en": [
        "**China.**",
        "**EU/EEA.**",
        "**United Kingdom.**",
        "**United States.**",
        "**Elsewhere.**",
    ],
    "zh-hans": [
        "**中国。**",
        "**欧盟/欧洲经济区。**",
        "**英国。**",
        "**美国。**",
        "**其他地区。**",
    ],
}
NOT_ADVICE = {"en": "not legal advice", "zh-hans": "不构成法律意见"}


def _text(category, language):
    return (guides.GUIDES_DIR / f"{category}.{language}.md").read_text(encoding="utf-8")


@pytest.mark.parametrize("language", ["en", "zh-hans"])
@pytest.mark.parametrize("category", CATEGORIES)
def test_every_guide_is_complete_in_both_languages(category, language):
    text = _text(category, language)

    assert text.startswith("# ")
    assert NOT_ADVICE[language] in text
    positions = [text.index(section) for section in SECTIONS[language]]
    assert positions == sorted(positions), "the sections in their order"
    rights = text[positions[0] : positions[1]]
    for family in FAMILIES[language]:
        assert family in rights, family
    guide = guides.guide_for(category, language)
    assert len(guide.checklist) >= 3
    assert re.findall(r"\(https://[^)]+\)", text[positions[3] :]), "sources with their links"


@pytest.mark.parametrize("category", CATEGORIES)
def test_the_two_languages_say_the_same_things(category):
    english, chinese = (guides.guide_for(category, lang) for lang in ("en", "zh-hans"))

    assert len(english.checklist) == len(chinese.checklist)
    links = [re.findall(r"\((https://[^)]+)\)", _text(category, lang)) for lang in guides.LANGUAGES]
    assert links[0] == links[1]


def test_only_the_nine_categories_have_guides():
    assert list(guides.GUIDED_CATEGORIES) == CATEGORIES
    assert guides.guide_for("other") is None
    assert guides.guide_for("fraud") is None
    assert guides.guide_for("../../settings") is None


def test_a_guide_can_hold_nothing_a_browser_would_run(tmp_path, monkeypatch):
    (tmp_path / "customs.en.md").write_text(
        "# Title\n\n<script>alert(1)</script>\n\n<img src=x onerror=alert(2)>\n\n"
        "[click](javascript:alert(3)) [site](https://example.test)\n\n"
        "## Evidence checklist\n\n- one\n",
        encoding="utf-8",
    )
    monkeypatch.setattr(guides, "GUIDES_DIR", tmp_path)
    guides._load.cache_clear()
    try:
        html = str(guides.guide_for("customs", "en").html)
    finally:
        guides._load.cache_clear()

    assert "<script" not in html and "onerror" not in html and "javascript:" not in html
    assert "<img" not in html
    assert 'href="https://example.test"' in html


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("prefix", "title"), [("", "Customs, duties and taxes"), ("/zh-hans", "海关、关税和税费")]
)
def test_the_guides_pages_in_both_languages(client, prefix, title):
    with translation.override("en"):
        urls = reverse("complaints:guides"), reverse("complaints:guide", args=["customs"])
    listing = client.get(prefix + urls[0])
    page = client.get(prefix + urls[1])

    assert listing.status_code == page.status_code == 200
    assert title in listing.content.decode()
    assert f"<h1>{title}</h1>" in page.content.decode()


@pytest.mark.django_db
@pytest.mark.parametrize("category", ["other", "nope", "non-delivery"])
def test_a_category_without_a_guide_is_not_found(client, category):
    assert client.get(reverse("complaints:guide", kwargs={"category": category})).status_code == 404


@pytest.mark.django_db
def test_the_evidence_step_shows_the_categorys_checklist(client, consumer):
    complaint = ComplaintFactory(consumer=consumer, category="non_delivery")
    client.force_login(consumer)

    page = client.get(
        reverse("complaints:edit", kwargs={"public_id": complaint.public_id, "step": "evidence"})
    ).content.decode()

    assert "The tracking number and a screenshot of the tracking page" in page
    assert reverse("complaints:guide", kwargs={"category": "non_delivery"}) in page


@pytest.mark.django_db
def test_the_home_page_and_the_category_choice_link_the_guides(client, consumer):
    complaint = ComplaintFactory(consumer=consumer)
    client.force_login(consumer)

    home = client.get(reverse("home")).content.decode()
    problem = client.get(
        reverse("complaints:edit", kwargs={"public_id": complaint.public_id, "step": "problem"})
    ).content.decode()

    assert reverse("complaints:guides") in home
    assert reverse("complaints:guides") in problem
