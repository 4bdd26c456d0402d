"""Bounds on what a request can carry into a query: integers in URLs, query strings and forms, and JSON nesting.

A number past the database's integer range makes SQLite raise OverflowError and PostgreSQL "out of range" (a 500),
and JSON nested deeper than Python's recursion limit raises RecursionError; here they become a 404 or a 400.
"""

from __future__ import annotations

from flask import Flask
from flask.json.provider import DefaultJSONProvider
from werkzeug.exceptions import NotFound
from werkzeug.routing import IntegerConverter

MAX_ID = 2**31 - 1  # the database's integer range (PostgreSQL INTEGER): larger ids can only be unknown


def db_int(value: str) -> int:
    """`type=` for `request.args.get` / `request.form.get`: a whole number the database can hold, else ValueError
    (werkzeug then answers the default)."""
    number = int(value)
    if not -MAX_ID <= number <= MAX_ID:
        raise ValueError("out of the database's integer range")
    return number


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


def init_app(app: Flask) -> None:
    """Install the bounds; call before any blueprint adds its routes."""
    app.json = BoundedJSONProvider(app)
    app.url_map.converters["int"] = BoundedIntConverter
