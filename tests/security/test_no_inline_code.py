"""The Content-Security-Policy allows scripts (and styles) only from Redress's own files, so no
page may depend on inline code: every HTML page of the site (every URL of the matrix, as each
role that gets a page, admin included) is parsed for inline scripts, event-handler attributes,
javascript: links, and inline styles."""

from __future__ import annotations

from html.parser import HTMLParser

import pytest
from django.db import transaction

from .matrix import ADMIN_MODEL_PAGES, ADMIN_MODELS, ADMIN_OTHER, SITE, admin_model_url
from .world import ROLES

pytestmark = pytest.mark.django_db

# Swagger UI sets styles from its script; that page alone allows inline styles (config/urls.py).
INLINE_STYLES_ALLOWED = {"/api/docs/"}
DATA_SCRIPT_TYPES = {"application/json", "application/ld+json"}


class InlineCode(HTMLParser):
    def __init__(self):
        super().__init__()
        self.found: list[str] = []
        self._in_inline_script = False
        self._in_style = False

    def handle_starttag(self, tag, attrs):
        attributes = dict(attrs)
        for name, value in attrs:
            if name.startswith("on"):
                self.found.append(f"<{tag} {name}=...>")
            if name in {"href", "src", "action", "formaction"} and (
                value or ""
            ).strip().lower().startswith("javascript:"):
                self.found.append(f"<{tag} {name}={value}>")
            if name == "style":
                self.found.append(f"<{tag} style=...>")
        if tag == "script" and "src" not in attributes:
            self._in_inline_script = attributes.get("type") not in DATA_SCRIPT_TYPES
        if tag == "style":
            self._in_style = True

    def handle_endtag(self, tag):
        if tag == "script":
            self._in_inline_script = False
        if tag == "style":
            self._in_style = False

    def handle_data(self, data):
        if self._in_inline_script and data.strip():
            self.found.append(f"<script>{data.strip()[:60]}</script>")
        if self._in_style and data.strip():
            self.found.append(f"<style>{data.strip()[:60]}</style>")


def _pages(world):
    for route, entry in (SITE | ADMIN_OTHER).items():
        for role in ROLES:
            if entry.get[role] == "200":
                yield route, role, entry.url(world)
    for model, rights in ADMIN_MODELS.items():
        for page in ADMIN_MODEL_PAGES:
            if ADMIN_MODEL_PAGES[page] is not None and rights["superuser"]:
                yield f"admin {model} {page}", "superuser", admin_model_url(model, page, world)


def test_no_page_has_inline_scripts_or_handlers(world):
    problems, seen = [], set()
    for route, role, url in _pages(world):
        client = world.client_for(role, raise_request_exception=False)
        with transaction.atomic():
            response = client.get(url)
            transaction.set_rollback(True)
        if not response["Content-Type"].startswith("text/html"):
            continue
        directives = dict(
            d.strip().split(" ", 1) for d in response["Content-Security-Policy"].split(";")
        )
        assert directives["script-src"] == "'self'", (url, directives)
        parser = InlineCode()
        parser.feed(response.content.decode())
        for problem in parser.found:
            if url in INLINE_STYLES_ALLOWED and "style" in problem:
                continue
            if (route, problem) not in seen:
                seen.add((route, problem))
                problems.append(f"{route} ({url} as {role}): {problem}")

    assert not problems, "\n".join(problems)


def test_the_parser_finds_what_it_looks_for():
    parser = InlineCode()
    parser.feed(
        '<script>alert(1)</script><script type="application/json">{}</script>'
        '<a href="javascript:x()">x</a><img src=x onerror=y><p style="color:red">'
        '<script src="/static/a.js"></script>'
    )

    assert parser.found == [
        "<script>alert(1)</script>",
        "<a href=javascript:x()>",
        "<img onerror=...>",
        "<p style=...>",
    ]
