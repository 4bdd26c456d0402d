"""Date, time and number fields whose parse error says what to type, in the page's language.

WTForms' own say "Not a valid datetime value." in English whatever the page's language, and Chromium sends a
date box typed only in part as an empty value, so a person who left out the year saw exactly that."""

from __future__ import annotations

import math

import wtforms
from flask_babel import lazy_gettext as _l

DATE_MESSAGE = _l("Enter the whole date (year, month and day), or pick it in the calendar.")
DATETIME_MESSAGE = _l(
    "Enter the whole date and time (year, month, day, hour and minute), or pick them in the calendar.")
INTEGER_MESSAGE = _l("Enter a whole number, such as 3.")
NUMBER_MESSAGE = _l("Enter a number, such as 2.5.")
EMAIL_MESSAGE = _l("Enter an e-mail address such as name@example.com.")  # WTForms says "Invalid email address."


class _ClearParseError:
    """Replaces the field's parse error with `parse_message`, read in the request's language."""

    parse_message = NUMBER_MESSAGE

    def process_formdata(self, valuelist):
        try:
            super().process_formdata(valuelist)
        except ValueError:
            raise ValueError(str(self.parse_message)) from None


class DateField(_ClearParseError, wtforms.DateField):
    parse_message = DATE_MESSAGE


class DateTimeLocalField(_ClearParseError, wtforms.DateTimeLocalField):
    parse_message = DATETIME_MESSAGE


class IntegerField(_ClearParseError, wtforms.IntegerField):
    parse_message = INTEGER_MESSAGE


class FloatField(_ClearParseError, wtforms.FloatField):
    """A number that is a number: "NaN" and "inf" parse as floats, and were refused later in pydantic's English."""

    parse_message = NUMBER_MESSAGE

    def process_formdata(self, valuelist):
        super().process_formdata(valuelist)
        if self.data is not None and not math.isfinite(self.data):
            self.data = None
            raise ValueError(str(self.parse_message))


LENGTH_AT_MOST = _l("Use at most %(max)d characters.")
LENGTH_AT_LEAST = _l("Use at least %(min)d characters.")
LENGTH_BETWEEN = _l("Use between %(min)d and %(max)d characters.")


class Length(wtforms.validators.Length):
    """WTForms' length check in the words of the API's ("Use at most 120 characters."), in the page's language.

    WTForms' own said "Field cannot be longer than 120 characters.", naming no field."""

    def __init__(self, min: int = -1, max: int = -1, message=None):  # noqa: A002 (WTForms' own names)
        if message is None:
            message = LENGTH_AT_MOST if min == -1 else LENGTH_AT_LEAST if max == -1 else LENGTH_BETWEEN
        super().__init__(min, max, message)

