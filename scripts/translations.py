#!/usr/bin/env python
"""Translation helper for developers.

    uv run python scripts/translations.py missing [APP]           # untranslated msgids as JSON
    uv run python scripts/translations.py fill FILE.json [APP]    # {"English msgid": "中文", ...}

APP is merchants, complaints, odr or credit for that app's own catalogue (APP/locale/...);
without it, the project-wide catalogue (locale/..., for templates/, core and accounts).

`make messages` extracts the strings first; `fill` writes only the entries named in the file and
clears their fuzzy flag, so a reviewer sees exactly what changed.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

import polib

ROOT = Path(__file__).resolve().parent.parent


def po_path(app: str | None) -> Path:
    base = ROOT / app if app else ROOT
    return base / "locale" / "zh_Hans" / "LC_MESSAGES" / "django.po"


def _untranslated(entry) -> bool:
    if "fuzzy" in entry.flags:
        return True
    if entry.msgid_plural:
        return not entry.msgstr_plural or not all(entry.msgstr_plural.values())
    return not entry.msgstr


def main(argv: list[str]) -> int:
    app = None
    if argv[:1] == ["missing"] and len(argv) == 2:
        app = argv[1]
    elif argv[:1] == ["fill"] and len(argv) == 3:
        app = argv[2]
        argv = argv[:2]
    po = polib.pofile(str(po_path(app)))
    if argv[:1] == ["missing"]:
        missing = [e.msgid for e in po if _untranslated(e)]
        print(json.dumps(missing, ensure_ascii=False, indent=1))
        return 0
    if argv[:1] == ["fill"] and len(argv) == 2:
        table = json.loads(Path(argv[1]).read_text(encoding="utf-8"))
        filled = 0
        for entry in po:
            if entry.msgid in table:
                if entry.msgid_plural:
                    # Chinese has one plural form.
                    entry.msgstr_plural = {0: table[entry.msgid]}
                else:
                    entry.msgstr = table[entry.msgid]
                if "fuzzy" in entry.flags:
                    entry.flags.remove("fuzzy")
                filled += 1
        po.save()
        print(f"filled {filled} of {len(table)} entries")
        return 0
    print(__doc__)
    return 2


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
