"""Field types shared by the request schemas of every entity: text that can be stored, aware datetimes, and a
rule's own wording of its error."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated

from flask_babel import lazy_gettext as _l
from pydantic import AfterValidator, AwareDatetime, BeforeValidator, ConfigDict, Field, ValidationError, WrapValidator
from pydantic_core import PydanticCustomError

# Request bodies: JSON types as the document says (no "1" for 1, no false for 0), unknown fields refused.
STRICT = ConfigDict(extra="forbid", allow_inf_nan=False, strict=True)


def _clean(value: str) -> str:
    # PostgreSQL refuses NUL characters, and a lone surrogate cannot be stored as UTF-8.
    if "\x00" in value:
        raise refused("nul_character", _l("NUL characters are not allowed."))
    try:
        value.encode("utf-8")
    except UnicodeEncodeError:
        raise refused("invalid_unicode", _l("The text is not valid Unicode.")) from None
    return value


def _sane_year(value: datetime) -> datetime:
    if not 1900 <= value.year <= 2200:
        raise refused("year_out_of_range", _l("The year must be between 1900 and 2200."))
    return value


def iso_text(value):
    # Lax parsing would read a number as a Unix time; the document says a string.
    if isinstance(value, (int, float, bool)):
        raise refused("not_iso_text", _l("Give the date and time as an ISO 8601 string."))
    return value


def _strip(value):
    return value.strip() if isinstance(value, str) else value


Str = Annotated[str, AfterValidator(_clean)]


def text(*, strip: bool = False, **limits):
    """Text with its limits (min_length, max_length), stripped first when surrounding spaces mean nothing.

    The limits come before the validators, so pydantic reports them as text errors (string_too_long, not the
    too_long of lists) and the API, the forms and the services word them alike."""
    validators = (BeforeValidator(_strip),) if strip else ()
    return Annotated[(str, Field(**limits), *validators, AfterValidator(_clean))]

When = Annotated[AwareDatetime, Field(strict=False), BeforeValidator(iso_text), AfterValidator(_sane_year)]


def refused(kind: str, message) -> PydanticCustomError:
    """A rule's error; its message is translated now, in the language of the request being validated."""
    return PydanticCustomError(kind, str(message))


def worded(kind: str, message, *types: str) -> WrapValidator:
    """The field's own message instead of pydantic's general one for these error types (the limits stay in Field)."""
    def wrap(value, handler):
        try:
            return handler(value)
        except ValidationError as exc:
            if any(err["type"] in types for err in exc.errors()):
                raise refused(kind, message) from None
            raise
    return WrapValidator(wrap)
