"""The rights guides: one Markdown file per category and language in ``complaints/guides/``
(``<category>.<language>.md``), written so that someone who is not a programmer can edit them.

Each file has a title (``# …``), then sections (``## …``): the rights per jurisdiction family,
what to do first, the evidence checklist (its bullet points are also shown on the form's
evidence step) and the sources. The Markdown is rendered with Python-Markdown and the HTML
cleaned with nh3, so a guide can hold no script, style or event handler whatever is typed in it.
tests/complaints/test_guides.py checks that every guide exists in both languages with all its
sections.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cache
from pathlib import Path

import markdown
import nh3
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import get_language

from .models import Category

GUIDES_DIR = Path(__file__).resolve().parent / "guides"
# The categories with a guide ("other" has none: it is whatever the others are not; fraud is
# covered by the guides on non-delivery, misdescription and payments).
GUIDED_CATEGORIES = (
    Category.NON_DELIVERY,
    Category.NOT_AS_DESCRIBED,
    Category.DEFECTIVE,
    Category.RETURN_REFUSED,
    Category.PAYMENT_SECURITY,
    Category.PERSONAL_DATA,
    Category.FALSE_ADVERTISING,
    Category.CUSTOMS,
    Category.UNFAIR_TERMS,
)
LANGUAGES = ("en", "zh-hans")
# The heading of the checklist section in each language.
CHECKLIST_HEADINGS = {"en": "Evidence checklist", "zh-hans": "证据清单"}
_TAGS = {"h1", "h2", "h3", "p", "ul", "ol", "li", "strong", "em", "a", "code", "br"}
_ATTRIBUTES = {"a": {"href"}}


@dataclass(frozen=True)
class Guide:
    category: str
    language: str
    title: str
    html: SafeString
    checklist: tuple[str, ...]


def _language(language: str | None) -> str:
    language = (language or get_language() or "en").lower()
    return "zh-hans" if language.startswith("zh") else "en"


def _checklist(text: str, language: str) -> tuple[str, ...]:
    heading = CHECKLIST_HEADINGS[language]
    match = re.search(rf"^## {re.escape(heading)}\s*$(.*?)(?=^## |\Z)", text, re.M | re.S)
    if not match:
        return ()
    return tuple(line[2:].strip() for line in match.group(1).splitlines() if line.startswith("- "))


@cache
def _load(category: str, language: str) -> Guide | None:
    path = GUIDES_DIR / f"{category}.{language}.md"
    if not path.is_file():
        return None
    text = path.read_text(encoding="utf-8")
    title = text.splitlines()[0].lstrip("# ").strip() if text else ""
    rendered = markdown.markdown(text, output_format="html")
    html = nh3.clean(
        rendered,
        tags=_TAGS,
        attributes=_ATTRIBUTES,
        url_schemes={"https"},
        link_rel="noopener noreferrer",
    )
    return Guide(category, language, title, mark_safe(html), _checklist(text, language))  # noqa: S308 - nh3-cleaned


def guide_for(category: str, language: str | None = None) -> Guide | None:
    """The guide of a category in the language asked (default: the active one), or None."""
    if category not in GUIDED_CATEGORIES:
        return None
    return _load(str(category), _language(language))


def all_guides(language: str | None = None) -> list[Guide]:
    return [g for c in GUIDED_CATEGORIES if (g := guide_for(c, language)) is not None]
