"""Bounds on what a request can carry into a query: integers in URLs, query strings and forms, JSON nesting, NUL.

A number past the database's integer range makes SQLite raise OverflowError and PostgreSQL "out of range" (a 500),
JSON nested deeper than Python's recursion limit raises RecursionError, and PostgreSQL refuses a NUL character in
any text it is given, even in a search; here they become a 404 or a 400.
"""

from __future__ import annotations

from flask import Flask, request
from flask.json.provider import DefaultJSONProvider
from flask_babel import lazy_gettext as _l
from werkzeug.exceptions import BadRequest, NotFound
from werkzeug.routing import IntegerConverter

MAX_ID = 2**31 - 1  # the database's integer range (PostgreSQL INTEGER): larger ids can only be unknown


def db_int(value: str) -> int:
    """`type=` for `request.args.get` / `request.form.get`: a whole number the database can hold, else ValueError
    (werkzeug then answers the default)."""
    number = int(value)
    if not -MAX_ID <= number <= MAX_ID:
        raise ValueError("out of the database's integer range")
    return number


def id_in_text(text: str | None) -> int | None:
    """The id written in `text` as ASCII digits, if the database can hold it (1 to MAX_ID); else None.

    Not `str.isdigit()` then `int()`: "²" is a digit that int() refuses (ValueError), and a number past the range
    reaches the query (OverflowError on SQLite, "out of range" on PostgreSQL)."""
    if not text or not text.isascii() or not text.isdigit() or len(text) > len(str(MAX_ID)):
        return None
    number = int(text)
    return number if 1 <= number <= MAX_ID else None


class BoundedIntConverter(IntegerConverter):
    """`<int:...>` in every route: a number past the database's range is an unknown id, 404 at once (ending the
    match there: a non-matching converter would let the route of another method answer 405)."""

    def to_python(self, value: str) -> int:
        number = super().to_python(value)
        if number > MAX_ID:
            raise NotFound()
        return number


class BoundedJSONProvider(DefaultJSONProvider):
    """JSON too deeply nested to parse is a malformed body (ValueError, which werkzeug answers with 400)."""

    def loads(self, s, **kwargs):
        try:
            return super().loads(s, **kwargs)
        except RecursionError:
            raise ValueError("the JSON is nested too deeply") from None


class NulCharacter(BadRequest):
    """A query string or form with a NUL character: no field takes one, and PostgreSQL refuses it in any text."""

    @property
    def description(self) -> str:  # in the request's language, as plain text for the API's problem documents
        return str(_l("The request contains a NUL character, which no field accepts."))


def refuse_nul_characters() -> None:
    """before_request: 400 when a key or value of the query string or of the form holds a NUL (\\x00 or %00).

    One check at the edge for every route, rather than a rule on every field: a search box, a select or a hidden
    id reaches a query as surely as a stored text does. The JSON API is left to its schemas (models.fields), which
    name the field in a 422 as the document says."""
    if request.path.startswith("/api/"):
        return
    for data in (request.args, request.form):
        for key, values in data.lists():
            if "\x00" in key or any("\x00" in value for value in values):
                raise NulCharacter()


def init_app(app: Flask) -> None:
    """Install the bounds; call before any blueprint adds its routes."""
    app.json = BoundedJSONProvider(app)
    app.url_map.converters["int"] = BoundedIntConverter
    app.before_request(refuse_nul_characters)
