"""The tests' client sends a one-time form as a browser does: from the address its page was shown at.

A browser reaches a one-time create form (empathy.core.once) through its GET, which moves it to an address
with a fresh `?once=` token, and posts to that address. Tests post straight to the form's path: this client
adds a fresh token to a POST to a one-time form that has none, as that GET would have. A test of a POST
without a token sends `once=` (empty) itself, or uses `raw=True`.
"""

from __future__ import annotations

from urllib.parse import urlsplit

from flask.testing import FlaskClient
from werkzeug.exceptions import HTTPException

from empathy.core.once import PARAM, new_token


class BrowserClient(FlaskClient):
    raw = False  # set on an instance to send POSTs exactly as written

    def open(self, *args, **kwargs):
        if (not self.raw and args and isinstance(args[0], str) and kwargs.get("method") == "POST"
                and self._is_one_time_form(args[0]) and PARAM not in _query(args[0], kwargs)):
            path = args[0]
            args = (f"{path}{'&' if '?' in path else '?'}{PARAM}={new_token()}", *args[1:])
        return super().open(*args, **kwargs)

    def _is_one_time_form(self, url: str) -> bool:
        adapter = self.application.url_map.bind("localhost")
        try:
            endpoint, _values = adapter.match(urlsplit(url).path, method="POST")
        except HTTPException:
            return False
        return getattr(self.application.view_functions.get(endpoint), "one_time_form", False)


def _query(url: str, kwargs: dict) -> str:
    query = kwargs.get("query_string") or ""
    return f"{urlsplit(url).query}&{query if isinstance(query, str) else '&'.join(map(str, query))}"
