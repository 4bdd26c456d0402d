"""Keep the translation catalogues in step with the code.

    python scripts/i18n.py update     # extract strings, merge into every .po, compile .mo
    python scripts/i18n.py fill FILE  # apply translations from a JSON {msgid: msgstr} file
    python scripts/i18n.py missing    # list msgids without a translation (exit 1 if any)
    python scripts/i18n.py api-docs   # list the API document's texts in empathy/api/doc_text.py (then `update`)
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


API_TEXTS = ROOT / "empathy" / "api" / "doc_text.py"


def api_doc_source() -> str:
    """empathy/api/doc_text.py as it should read: every text the API docs page shows, marked for translation."""
    sys.path.insert(0, str(ROOT))
    from empathy import create_app
    from empathy.api.docs import document_texts, openapi_document

    app = create_app({"DATABASE_URL": "sqlite://", "SECRET_KEY": "only-for-reading-the-document"})
    with app.app_context():
        texts = document_texts(openapi_document())
    lines = [
        '"""The texts of the API document that /api/v1/docs shows, marked for the translation catalogue.',
        "",
        "Written by `python scripts/i18n.py api-docs` from the OpenAPI document (docstrings, field descriptions);",
        "do not edit: change the docstring or description, run it, then translate the new entries.",
        '"""',
        "",
        "from flask_babel import lazy_gettext as _l",
        "",
        "TEXTS = (",
        *(f"    _l({json.dumps(t, ensure_ascii=False)}),  # noqa: E501" for t in texts),
        ")",
        "",
    ]
    return "\n".join(lines)


def api_docs() -> None:
    API_TEXTS.write_text(api_doc_source(), encoding="utf-8")


if __name__ == "__main__":
    command = sys.argv[1] if len(sys.argv) > 1 else "update"
    if command == "update":
        update()
    elif command == "fill":
        fill(sys.argv[2])
    elif command == "missing":
        sys.exit(missing())
    elif command == "api-docs":
        api_docs()
    else:
        sys.exit(__doc__)
