"""CachedOptionsSelect renders what Django's Select renders, for every selected value and
language, and keeps the options it rendered."""

from __future__ import annotations

import pytest
from django import forms
from django.utils import translation

from core.forms import CachedOptionsSelect
from core.money import currency_choices


@pytest.mark.parametrize("language", ["en", "zh-hans"])
@pytest.mark.parametrize("value", ["", "EUR", "JPY", "XYZ", None])
def test_the_html_is_that_of_djangos_select(language, value):
    with translation.override(language):
        choices = [("", "—"), *currency_choices()]
        attrs = {"id": "id_currency", "required": True, "aria-describedby": "id_currency_help"}
        expected = forms.Select(choices=choices).render("currency", value, attrs=attrs)
        for _ in range(2):  # rendered, then kept
            html = CachedOptionsSelect(choices=choices).render("currency", value, attrs=attrs)
            assert html == expected


def test_the_options_follow_the_language():
    with translation.override("zh-hans"):
        chinese = CachedOptionsSelect(choices=currency_choices()).render("c", "EUR")
    with translation.override("en"):
        english = CachedOptionsSelect(choices=currency_choices()).render("c", "EUR")
    assert '<option value="EUR" selected>EUR - Euro</option>' in english
    assert '<option value="EUR" selected>EUR - 欧元</option>' in chinese


def test_a_field_with_the_widget_keeps_the_posted_choice_after_an_error():
    class Form(forms.Form):
        currency = forms.ChoiceField(choices=[("EUR", "Euro"), ("USD", "Dollar")])
        amount = forms.DecimalField()

        def __init__(self, *args, **kwargs):
            super().__init__(*args, **kwargs)
            self.fields["currency"].widget = CachedOptionsSelect(
                choices=self.fields["currency"].choices
            )

    form = Form({"currency": "USD", "amount": "x"})
    assert not form.is_valid()
    assert '<option value="USD" selected>Dollar</option>' in str(form["currency"])
