"""Text helpers every domain uses the same way: comparison keys, LIKE patterns, spreadsheet cells."""

from __future__ import annotations

import unicodedata

# A spreadsheet runs a cell starting with one of these as a formula (CSV injection): exports put an
# apostrophe before them, and the employee import takes it off again.
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def fold(text: str) -> str:
    """The key two labels compare equal by: NFKC (full-width ＡＢ is AB), trimmed, case-folded."""
    return unicodedata.normalize("NFKC", text).strip().casefold()


def tidy(text: str | None) -> str:
    """Text as it is stored: NFKC, runs of white space as one space, trimmed."""
    return " ".join(unicodedata.normalize("NFKC", text or "").split())


def like_pattern(text: str) -> str:
    """A LIKE pattern that finds `text` anywhere; use it with `escape="\\\\"` (its wildcards are escaped)."""
    escaped = text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    return f"%{escaped}%"


def neutralise(value):
    """Text a spreadsheet would run as a formula, with an apostrophe before it; anything else unchanged."""
    if isinstance(value, str) and value.startswith(FORMULA_STARTS):
        return "'" + value
    return value


def unquote_formula(value: str) -> str:
    """A cell our exports neutralised, as it was typed ("'=1" is "=1"); other text unchanged."""
    if len(value) > 1 and value[0] == "'" and value[1] in FORMULA_STARTS:
        return value[1:].strip()
    return value
