"""What public forms share against spam: a honeypot field and one rate for forms that create
things or send e-mail (no third-party captcha)."""

from __future__ import annotations

from django import forms
from django.utils.safestring import mark_safe
from django.utils.translation import gettext_lazy as _

# Per client address (and per account where there is one), over which a form answers 429.
FORM_RATE = "10/h"


class HoneypotMixin:
    """Adds a field people never see (hidden by CSS and from assistive technology) and bots
    fill in. A view answers a filled one as if it worked and does nothing, so the bot learns
    nothing. ``honeypot_name`` must be a name the form does not use for a real field."""

    honeypot_name = "website"

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields[self.honeypot_name] = forms.CharField(
            label=_("Leave this field empty"),
            required=False,
            widget=forms.TextInput(
                attrs={"class": "hp-input", "autocomplete": "off", "tabindex": "-1"}
            ),
        )

    @property
    def is_spam(self) -> bool:
        return bool(self.cleaned_data.get(self.honeypot_name))


class CachedOptionsSelect(forms.Select):
    """A Select with the same HTML as Django's, whose options are rendered once per list of
    choices and selected value and then kept: for long, fixed lists of plain strings (the
    currencies, about 160), where rendering one template per option cost 19 ms of a 55 ms case
    page. Flat choices only (no groups)."""

    template_name = "core/widgets/cached_select.html"
    _rendered: dict[tuple, str] = {}
    _max_kept = 256

    def get_context(self, name, value, attrs):
        context = super().get_context(name, value, attrs)
        groups = context["widget"].pop("optgroups")
        key = (tuple(self.choices), tuple(context["widget"]["value"]))
        html = self._rendered.get(key)
        if html is None:
            html = "".join(
                "\n  " + self._render_option(option) + "\n"
                for _group, options, _index in groups
                for option in options
            )
            if len(self._rendered) >= self._max_kept:
                self._rendered.clear()
            self._rendered[key] = html
        context["widget"]["options_html"] = mark_safe(html)  # noqa: S308 - rendered by templates
        return context

    def _render_option(self, option) -> str:
        from django.forms.renderers import get_default_renderer

        return get_default_renderer().render(option["template_name"], {"widget": option})
