"""Free text is stored NFC-normalised and without invisible controls (bidi overrides,
zero-width characters, BEL ...), in every form a person or a mediator submits."""

# ruff: noqa: RUF001 - Chinese messages and full-width characters are what these tests check
from __future__ import annotations

import importlib
import inspect

import pytest
from django import forms
from django.contrib import admin

from core.text import CleanTextMixin, clean_text

# (typed, stored on one line, stored in a multi-line field), written out by hand.
TABLE = [
    ("a\u202eb", "ab", "ab"),  # RIGHT-TO-LEFT OVERRIDE
    ("\u202agood\u202c", "good", "good"),  # LEFT-TO-RIGHT EMBEDDING ... POP
    ("x\u2066y\u2069z", "xyz", "xyz"),  # LEFT-TO-RIGHT ISOLATE ... POP ISOLATE
    ("\u2067\u2068q\u2069", "q", "q"),  # RIGHT-TO-LEFT and FIRST STRONG ISOLATE
    ("e\u0301", "\u00e9", "\u00e9"),  # e + combining acute -> é (NFC)
    ("\u212b", "\u00c5", "\u00c5"),  # ANGSTROM SIGN -> Å (NFC)
    ("x\u0007y", "xy", "xy"),  # BEL
    ("a\u0000b\u001bc\u007fd", "abcd", "abcd"),  # NUL, ESC, DEL
    ("a\u0085b", "a b", "a\nb"),  # NEXT LINE
    ("zero\u200bwidth", "zerowidth", "zerowidth"),  # ZERO WIDTH SPACE
    ("\ufeffBOM", "BOM", "BOM"),  # BYTE ORDER MARK
    ("word\u2060joiner", "wordjoiner", "wordjoiner"),  # WORD JOINER
    ("Pay\u200dPal", "PayPal", "PayPal"),  # ZERO WIDTH JOINER between letters
    ("Pay\u200cPal", "PayPal", "PayPal"),  # ZERO WIDTH NON-JOINER
    ("soft\u00adhyphen", "softhyphen", "softhyphen"),
    ("a\U000e0041\U000e0042b", "ab", "ab"),  # tag characters outside a flag (hidden text)
    ("a\ud800b", "ab", "ab"),  # a lone surrogate (only a JSON body can carry one)
    ("\u3164", "", ""),  # HANGUL FILLER, a "blank" name
    ("line1\nline2", "line1 line2", "line1\nline2"),
    ("line1\r\nline2\rline3", "line1 line2 line3", "line1\nline2\nline3"),
    ("col1\tcol2", "col1 col2", "col1\tcol2"),
    ("para\u2029next", "para next", "para\nnext"),
    # Kept: what text needs and what reorders nothing.
    ("\U0001f469\u200d\U0001f4bb", "\U0001f469\u200d\U0001f4bb", "\U0001f469\u200d\U0001f4bb"),
    (
        "\U0001f3f3\ufe0f\u200d\U0001f308",  # rainbow flag: flag, VS16, ZWJ, rainbow
        "\U0001f3f3\ufe0f\u200d\U0001f308",
        "\U0001f3f3\ufe0f\u200d\U0001f308",
    ),
    (
        "\U0001f469\U0001f3fd\u200d\U0001f4bb",  # woman technologist, medium skin tone
        "\U0001f469\U0001f3fd\u200d\U0001f4bb",
        "\U0001f469\U0001f3fd\u200d\U0001f4bb",
    ),
    (
        "\U0001f3f4\U000e0067\U000e0062\U000e0073\U000e0063\U000e0074\U000e007f",  # Scotland
        "\U0001f3f4\U000e0067\U000e0062\U000e0073\U000e0063\U000e0074\U000e007f",
        "\U0001f3f4\U000e0067\U000e0062\U000e0073\U000e0063\U000e0074\U000e007f",
    ),
    (
        "\u05e9\u05dc\u05d5\u05dd\u200f!",
        "\u05e9\u05dc\u05d5\u05dd\u200f!",
        "\u05e9\u05dc\u05d5\u05dd\u200f!",
    ),
    ("深圳市某某贸易有限公司", "深圳市某某贸易有限公司", "深圳市某某贸易有限公司"),
    ("ＡＢＣ１２３", "ＡＢＣ１２３", "ＡＢＣ１２３"),  # full-width stays: NFC, not NFKC
    ("", "", ""),
]


@pytest.mark.parametrize(("typed", "one_line", "multi_line"), TABLE)
def test_clean_text(typed, one_line, multi_line):
    assert clean_text(typed) == one_line
    assert clean_text(typed, multiline=True) == multi_line


class _Sample(CleanTextMixin, forms.Form):
    name = forms.CharField(max_length=5)
    body = forms.CharField(widget=forms.Textarea)
    secret = forms.CharField(widget=forms.PasswordInput, strip=False)


def test_the_mixin_cleans_before_validation_and_leaves_passwords_alone():
    form = _Sample({"name": "ab\u200b\u200b\u200b\u200bc", "body": "\u200b", "secret": "p\u200bw"})

    assert not form.is_valid()
    # max_length counts what is stored; a field of invisible characters is empty.
    assert "name" not in form.errors
    assert form.cleaned_data["name"] == "abc"
    assert form.errors["body"] == ["This field is required."]
    assert form.cleaned_data["secret"] == "p\u200bw"


def test_the_mixin_changes_no_other_instance_of_the_form():
    _Sample()
    assert forms.CharField.to_python is _Sample.base_fields["name"].to_python.__func__


FORM_MODULES = [
    "accounts.forms",
    "complaints.forms",
    "merchants.forms",
    "odr.forms",
    "credit.admin",
    "complaints.admin",
    "merchants.admin",
]


def _project_forms():
    for name in FORM_MODULES:
        module = importlib.import_module(name)
        for _, cls in inspect.getmembers(module, inspect.isclass):
            if (
                issubclass(cls, forms.BaseForm)
                and cls.__module__ == name
                and not issubclass(cls, forms.BaseFormSet)
            ):
                yield cls


@pytest.mark.parametrize("form_class", list(_project_forms()), ids=lambda c: c.__qualname__)
def test_every_form_of_the_project_cleans_its_text(form_class):
    assert issubclass(form_class, CleanTextMixin)


def _project_admins():
    for model, model_admin in admin.site._registry.items():
        if model._meta.app_label in {"accounts", "complaints", "merchants", "odr", "credit"}:
            yield model_admin


def _has_text_fields(form_class) -> bool:
    return any(
        isinstance(field, forms.CharField) and not isinstance(field.widget, forms.PasswordInput)
        for field in form_class.base_fields.values()
    )


@pytest.mark.parametrize("model_admin", list(_project_admins()), ids=str)
def test_every_admin_form_that_edits_text_cleans_it(rf, admin_user, model_admin):
    request = rf.get("/")
    request.user = admin_user
    # The add form and the change form (an unsaved row stands for a saved one), with inlines.
    built = []
    for obj in (None, model_admin.model()):
        if obj is None and not model_admin.has_add_permission(request):
            continue
        if obj is not None and not model_admin.has_change_permission(request, obj):
            continue
        built.append(model_admin.get_form(request, obj))
        for inline in model_admin.get_inline_instances(request, obj):
            if inline.has_add_permission(request, obj) or inline.has_change_permission(
                request, obj
            ):
                built.append(inline.get_formset(request, obj).form)
    for form_class in built:
        assert issubclass(form_class, CleanTextMixin) or not _has_text_fields(form_class), (
            form_class
        )
