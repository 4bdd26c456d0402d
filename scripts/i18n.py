"""Keep the translation catalogues in step with the code.

    python scripts/i18n.py update     # extract strings, merge into every .po, compile .mo
    python scripts/i18n.py fill FILE  # apply translations from a JSON {msgid: msgstr} file
    python scripts/i18n.py missing    # list msgids without a translation (exit 1 if any)
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

from babel.messages.pofile import read_po, write_po

ROOT = Path(__file__).resolve().parent.parent
TRANSLATIONS = ROOT / "empathy" / "translations"
POT = ROOT / "build" / "messages.pot"


def _pybabel(*args: str) -> None:
    subprocess.run([sys.executable, "-m", "babel.messages.frontend", *args], check=True, cwd=ROOT)


def update() -> None:
    POT.parent.mkdir(exist_ok=True)
    _pybabel("extract", "-F", "babel.cfg", "-k", "_l", "-k", "lazy_gettext", "-k", "lazy_pgettext:1c,2",
             "--no-location",
             "--sort-output", "-o", str(POT), ".")
    _pybabel("update", "-i", str(POT), "-d", str(TRANSLATIONS), "--no-fuzzy-matching",
             "--ignore-obsolete", "-w", "100")
    _pybabel("compile", "-d", str(TRANSLATIONS), "--statistics")


def _catalogues():
    return sorted(TRANSLATIONS.glob("*/LC_MESSAGES/messages.po"))


def fill(path: str) -> None:
    table = json.loads(Path(path).read_text(encoding="utf-8"))
    for po_path in _catalogues():
        with po_path.open("rb") as fh:
            catalog = read_po(fh)
        for message in catalog:
            if message.id and message.id in table:
                message.string = table[message.id]
                message.flags.discard("fuzzy")
        with po_path.open("wb") as fh:
            write_po(fh, catalog, no_location=True, width=100)
    _pybabel("compile", "-d", str(TRANSLATIONS), "--statistics")


def missing() -> int:
    count = 0
    for po_path in _catalogues():
        with po_path.open("rb") as fh:
            catalog = read_po(fh)
        for message in catalog:
            if message.id and not (message.string if isinstance(message.string, str) else all(message.string)):
                print(f"{po_path.relative_to(ROOT)}: {message.id!r}")
                count += 1
    return 1 if count else 0


if __name__ == "__main__":
    command = sys.argv[1] if len(sys.argv) > 1 else "update"
    if command == "update":
        update()
    elif command == "fill":
        fill(sys.argv[2])
    elif command == "missing":
        sys.exit(missing())
    else:
        sys.exit(__doc__)
