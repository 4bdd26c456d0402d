"""Field errors of pydantic schemas in the user's language, the same for the API, the web forms and the services."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from pydantic import ValidationError

from empathy.core.errors import ServiceError

# pydantic's messages by error type, in the request's language; other types keep pydantic's English.
FIELD_MESSAGES = {
    "missing": _l("This field is required."),
    "extra_forbidden": _l("This field is not accepted here."),
    "string_too_short": _l("Use at least %(min_length)s characters."),
    "string_too_long": _l("Use at most %(max_length)s characters."),
    "too_short": _l("Give at least %(min_length)s items."),
    "too_long": _l("Give at most %(max_length)s items."),
    "greater_than": _l("Must be greater than %(gt)s."),
    "greater_than_equal": _l("Must be at least %(ge)s."),
    "less_than": _l("Must be less than %(lt)s."),
    "less_than_equal": _l("Must be at most %(le)s."),
    "int_parsing": _l("Must be a whole number."), "int_type": _l("Must be a whole number."),
    "int_from_float": _l("Must be a whole number."),
    "float_parsing": _l("Must be a number."), "float_type": _l("Must be a number."),
    "finite_number": _l("Must be a number."),
    "bool_parsing": _l("Must be true or false."), "bool_type": _l("Must be true or false."),
    "string_type": _l("Must be text."),
    "literal_error": _l("Must be one of: %(expected)s."), "enum": _l("Must be one of: %(expected)s."),
    "date_parsing": _l("Must be a date (YYYY-MM-DD)."), "date_type": _l("Must be a date (YYYY-MM-DD)."),
    "date_from_datetime_parsing": _l("Must be a date (YYYY-MM-DD)."),
    "datetime_parsing": _l("Must be a date and time with its offset (ISO 8601)."),
    "datetime_type": _l("Must be a date and time with its offset (ISO 8601)."),
    "datetime_from_date_parsing": _l("Must be a date and time with its offset (ISO 8601)."),
    "timezone_aware": _l("Must be a date and time with its offset (ISO 8601)."),
    "list_type": _l("Must be a list."),
    "dict_type": _l("Must be an object."), "model_type": _l("Must be an object."),
    "model_attributes_type": _l("Must be an object."),
    "json_invalid": _l("The body is not valid JSON."), "json_type": _l("The body is not valid JSON."),
}


# What a field left empty wants, by the field's name: the forms say so rather than "This field is required."
MISSING_BY_FIELD = {
    "title": _l("Enter a title."),
    "description": _l("Describe the need."),
    "cause": _l("Choose a cause."),
    "starts_at": _l("Enter when it starts."),
    "ends_at": _l("Enter when it ends."),
    "seats": _l("Enter how many volunteers are needed."),
    "hours_per_volunteer": _l("Enter the hours each volunteer gives."),
    "hours_per_month": _l("Enter the hours per month you can give (0 if none)."),
    "name": _l("Enter the skill's name."),
    "level": _l("Choose a level."),
    "importance": _l("Choose must-have or nice-to-have."),
    "min_level": _l("Choose a level."),
}


def field_message(err: dict) -> str:
    """One pydantic error's message in the request's language."""
    kind = err.get("type", "")
    if kind == "string_too_short" and (err.get("ctx") or {}).get("min_length") == 1:
        kind = "missing"  # an empty string where text is required
    loc = err.get("loc") or ()
    if kind == "missing" and loc and str(loc[-1]) in MISSING_BY_FIELD:
        return str(MISSING_BY_FIELD[str(loc[-1])])
    template = FIELD_MESSAGES.get(kind)
    if template is None:
        return err["msg"]
    try:
        return str(template) % {k: v for k, v in (err.get("ctx") or {}).items()}
    except (KeyError, TypeError, ValueError):
        return err["msg"]


def form_field(loc: tuple) -> str:
    """A pydantic error location as a form field name: ("skills", 0, "name") -> skills-0-name."""
    return "-".join(str(part) for part in loc)


def service_error(exc: ValidationError) -> ServiceError:
    """The first field error of a schema as a use case's refusal (the form and the API place it on its field)."""
    err = exc.errors(include_url=False)[0]
    return ServiceError(field_message(err), field=form_field(err["loc"]) or None)
