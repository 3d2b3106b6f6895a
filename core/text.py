"""Free text as it is stored: NFC-normalised, without the invisible characters that hide,
reorder or disguise what a reader sees (one normaliser for every form, admin screen and service)."""

from __future__ import annotations

import re
import unicodedata

from django import forms

# Removed rather than refused: a name pasted from a chat app or a PDF often carries a stray
# zero-width space or a byte-order mark the consumer never saw, and a refusal would name a
# character they cannot find. What is removed:
# - control characters (Cc: BEL, ESC, NUL ...), except tab and line feed in multi-line text;
# - format characters (Cf): bidi embeddings, overrides and isolates (U+202A-U+202E,
#   U+2066-U+2069, the "Trojan Source" characters that show text in another order than it is
#   stored), zero-width space, zero-width non-joiner, word joiner, U+FEFF, soft hyphen ...;
# - lone surrogates (only a JSON body can carry them; the database refuses them) and
#   noncharacters; the Hangul fillers that render as a blank name.
# Kept, because text needs them and they reorder nothing: the left-to-right, right-to-left and
# Arabic letter marks (U+200E, U+200F, U+061C); the zero-width joiner only between two emoji
# (👩‍💻, 🏳️‍🌈 are one picture through it; between letters it only makes "Pay‍Pal" differ from
# "PayPal"); the tag characters only inside a flag sequence (🏴 + tags + cancel tag, such as the
# flag of Scotland). The zero-width non-joiner is removed although Persian spelling uses it: the
# pages are in English and Chinese, and an invisible character in a shop name is a spoof.
_KEPT_FORMAT = frozenset("\u200e\u200f\u061c")
_ZWJ = "\u200d"
_HANGUL_FILLERS = frozenset("\u115f\u1160\u3164\uffa0")
_FLAG_SEQUENCE = re.compile("\U0001f3f4[\U000e0020-\U000e007e]+\U000e007f")
_LINE_BREAKS = re.compile("\r\n|[\r\u0085\u2028\u2029]")
_SKIN_TONES = range(0x1F3FB, 0x1F400)


def _is_noncharacter(code: int) -> bool:
    return 0xFDD0 <= code <= 0xFDEF or (code & 0xFFFE) == 0xFFFE


def _emoji_like(ch: str) -> bool:
    return unicodedata.category(ch) == "So" or ch == "\ufe0f" or ord(ch) in _SKIN_TONES


def _drop(text: str, i: int, *, multiline: bool) -> bool:
    ch = text[i]
    if ch in _KEPT_FORMAT:
        return False
    if ch == _ZWJ:
        return not (0 < i < len(text) - 1 and _emoji_like(text[i - 1]) and _emoji_like(text[i + 1]))
    category = unicodedata.category(ch)
    if category == "Cc":
        return not (multiline and ch in "\n\t")
    return category in ("Cf", "Cs") or ch in _HANGUL_FILLERS or _is_noncharacter(ord(ch))


def _strip_invisible(text: str, *, multiline: bool) -> str:
    return "".join(ch for i, ch in enumerate(text) if not _drop(text, i, multiline=multiline))


def clean_text(value: str, *, multiline: bool = False) -> str:
    """``value`` NFC-normalised, without invisible controls; line breaks become ``\\n`` in
    multi-line text and spaces (like tabs) on one line. Leading and trailing white space is the
    caller's to strip, as a form field does."""
    if not value:
        return value
    text = _LINE_BREAKS.sub("\n", value)
    if not multiline:
        text = text.replace("\n", " ").replace("\t", " ")
    pieces = []
    last = 0
    # Flag sequences are kept whole; tag characters anywhere else are invisible text.
    for match in _FLAG_SEQUENCE.finditer(text):
        pieces.append(_strip_invisible(text[last : match.start()], multiline=multiline))
        pieces.append(match.group())
        last = match.end()
    pieces.append(_strip_invisible(text[last:], multiline=multiline))
    return unicodedata.normalize("NFC", "".join(pieces))


def _cleaning(field: forms.CharField) -> None:
    if getattr(field, "_cleans_text", False):
        return
    multiline = isinstance(field.widget, forms.Textarea)
    to_python = field.to_python

    def cleaned_to_python(value):
        if isinstance(value, str):
            value = clean_text(value, multiline=multiline)
        return to_python(value)

    field.to_python = cleaned_to_python
    field._cleans_text = True


class CleanTextMixin:
    """Every text field of the form (a Textarea keeps its line breaks) is cleaned with
    clean_text before its own validation, so a required field of zero-width spaces is empty
    and max_length counts what is stored. Password fields are left exactly as typed."""

    def full_clean(self):
        # At validation, not in __init__: forms add fields in their own __init__ after ours.
        # self.fields is the form's own deep copy, so wrapping a field changes no other form.
        for field in self.fields.values():
            if isinstance(field, forms.CharField) and not isinstance(
                field.widget, forms.PasswordInput
            ):
                _cleaning(field)
        super().full_clean()


class CleanTextModelForm(CleanTextMixin, forms.ModelForm):
    """The base of admin forms that edit free text."""
