"""Every catalogue is fully translated into 简体中文; each translation keeps its placeholders."""

from __future__ import annotations

import re
from pathlib import Path

import polib
import pytest
from django.conf import settings

CATALOGUES = sorted(
    Path(p) / "zh_Hans" / "LC_MESSAGES" / "django.po" for p in settings.LOCALE_PATHS
)
_PLACEHOLDER = re.compile(r"%\((\w+)\)[sdif]|\{(\w*)\}")


def _ids(catalogue: Path) -> str:
    return catalogue.parent.parent.parent.parent.name


def _placeholders(text: str) -> set[str]:
    return {"".join(groups) for groups in _PLACEHOLDER.findall(text)}


def test_every_app_with_a_locale_folder_is_in_locale_paths():
    assert {Path(p).resolve() for p in settings.LOCALE_PATHS} >= {
        path.parent.resolve() for path in Path(settings.BASE_DIR).glob("*/locale/zh_Hans")
    }


@pytest.mark.parametrize("catalogue", CATALOGUES, ids=_ids)
def test_the_catalogue_is_complete(catalogue):
    po = polib.pofile(str(catalogue))

    untranslated = [e.msgid for e in po if not e.obsolete and not e.translated()]
    fuzzy = [e.msgid for e in po if "fuzzy" in e.flags and not e.obsolete]
    assert untranslated == []
    assert fuzzy == []
    assert len(po) > 0


@pytest.mark.parametrize("catalogue", CATALOGUES, ids=_ids)
def test_translations_keep_their_placeholders(catalogue):
    wrong = []
    for entry in polib.pofile(str(catalogue)):
        if entry.obsolete:
            continue
        wanted = _placeholders(entry.msgid) | _placeholders(entry.msgid_plural or "")
        found = [entry.msgstr] if not entry.msgid_plural else list(entry.msgstr_plural.values())
        for text in found:
            if _placeholders(text) != wanted:
                wrong.append((entry.msgid, text))
    assert wrong == []
