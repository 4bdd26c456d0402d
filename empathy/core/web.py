"""Service errors in the web UI: one handler for every web blueprint, and one helper for forms.

The JSON API answers the same errors with problem documents (empathy.api.problems); its blueprint
has its own handler, so /api/ URLs never reach this one.
"""

from __future__ import annotations

import json
import unicodedata
import zlib
from urllib.parse import urlsplit

from flask import Blueprint, Flask, current_app, flash, g, get_template_attribute, redirect, request, session
from flask_babel import gettext as _
from markupsafe import Markup
from werkzeug.exceptions import BadRequest, HTTPException, default_exceptions
from werkzeug.routing import RequestRedirect

from empathy.core.errors import ServiceError
from empathy.core.memo import BoundedCache
from empathy.core.security import error_page
from empathy.core.submissions import AlreadySubmitted
from empathy.core.urls import safe_next

HIDDEN = (403, 404)  # statuses that end on the error page: nothing to go back to

# Rendered fields of GET filter forms (no CSRF token, nothing personal), by what they show.
_FIELDS = BoundedCache(1000)


def init_app(app: Flask) -> None:
    """Offer `main_nav` to the templates, with the app's own store of rendered navigations."""
    app.extensions[NAV_KEY] = BoundedCache(2000)
    app.add_template_global(main_nav)
    app.jinja_env.filters["columns"] = columns
    app.jinja_env.filters["cut_columns"] = cut_columns


def _width(c: str) -> int:
    """Columns one character takes on screen: two for a wide one (Unicode East Asian Width W and F), else one."""
    return 2 if unicodedata.east_asian_width(c) in "WF" else 1


def columns(text: str | None) -> int:
    """`text|columns`: how many columns the text takes, a wide character (Chinese, full-width) counting two as
    it does on screen. 78 Chinese characters fill as much of a line as 156 Latin ones, so a limit in characters
    let Chinese notes run to five lines."""
    return sum(map(_width, text or ""))


def cut_columns(text: str | None, limit: int, end: str = "…") -> str:
    """`text|cut_columns(limit)`: the text cut to at most `limit` columns (see `columns`), `end` added when cut;
    the whole text when it fits."""
    text = text or ""
    if columns(text) <= limit:
        return text
    used, out = columns(end), []
    for c in text:
        used += _width(c)
        if used > limit:
            break
        out.append(c)
    return "".join(out).rstrip() + end


NAV_KEY = "empathy.nav"


def main_nav(unread_notifications=0, part: str = "links") -> Markup:
    """The main navigation's links for the signed-in user on this page, rendered once for each endpoint, role,
    language, URL root and unread count, and kept by the app: sixteen url_for calls and a dozen translations
    were a tenth of a need list's time, the same on every visit. Holds nothing personal but the role and the
    count (no token, no name). `part` names the macro of _nav.html: "links" (the everyday pages) or
    "account_links" (those of the account menu); any other value raises ValueError."""
    if part not in ("links", "account_links"):
        raise ValueError(f"no navigation part {part!r}")
    from flask_login import current_user

    from empathy.core.i18n import ui_language

    unread = int(unread_notifications or 0)
    user = current_user._get_current_object()
    key = (request.endpoint, request.blueprint, user.is_coordinator, user.is_admin, unread, ui_language(),
           request.script_root, part)
    kept = current_app.extensions[NAV_KEY]
    html = kept.get(key)
    if html is None:
        html = kept.put(key, get_template_attribute("_nav.html", part)(*key[:5]))  # a macro: already Markup
    return html


def init_blueprint(bp: Blueprint) -> None:
    """Answer ServiceError raised in this blueprint's views (call before the blueprint is registered)."""
    bp.register_error_handler(ServiceError, refusal_response)


def return_to(url: str) -> None:
    """Name the page a refusal in this request goes back to when the browser sent no usable Referer."""
    g.refusal_return_to = url


def refusal_response(exc: ServiceError):
    """404 and 403 show the error page with the service's message; any other refusal is flashed
    on the page the user was on (a safe same-site Referer, else the page named by return_to, else
    this URL for a POST whose address also serves a page). A GET never redirects to itself: with
    nowhere to go back to, it shows the error page with the refusal's status."""
    if exc.status not in HIDDEN:
        target = _back_target()
        if target is not None:
            if ("error", exc.message) not in session.get("_flashes", []):  # shown once after two hops
                flash(exc.message, "error")
            return redirect(target)
    return error_page(default_exceptions.get(exc.status, BadRequest)(), message=exc.message)


# What a refused form's text may take of the session cookie, compressed (about 4/3 of it once encoded): the
# browser drops a cookie past 4 KB, and the session keeps the sign-in and the flashed messages besides.
KEPT_BYTES = 1500


def keep_typed(key: str, text: str) -> None:
    """Keep the text of a refused form for the page it goes back to (`take_typed`), when the cookie can hold it.

    1000 random Chinese characters took 3.9 KB of cookie: a text that large is not kept, and the page says so
    (a flashed error) rather than show the box empty without a word. The suggestions page's script refuses an
    empty selection before it is sent, so there the text stays in its box whatever its length."""
    if not text:
        return
    if len(zlib.compress(json.dumps(text).encode())) > KEPT_BYTES:
        flash(_("Your message was too long to bring back to the page: please type it again."), "error")
        return
    session["kept_typed"] = {key: text}


def take_typed(key: str) -> str | None:
    """The text kept for `key` by the refused form, once (None when nothing is kept)."""
    kept = session.get("kept_typed")
    if not kept or key not in kept:
        return None
    session.pop("kept_typed")
    return kept[key]


def form_error(form, exc: ServiceError, default: str | None = None) -> None:
    """Show a refusal under the field it names, else under `default`, else above the form.

    Forms may map service field names to their own fields with `error_field(name)` (skill rows).
    404 and 403 are raised again for the blueprint's handler: they have no field to sit under;
    AlreadySubmitted for the one-time form's (empathy.core.once).
    """
    if exc.status in HIDDEN or isinstance(exc, AlreadySubmitted):  # the one-time form answers it
        raise exc
    resolve = getattr(form, "error_field", None) or form._fields.get
    field = resolve(exc.field or "") or (form._fields.get(default) if default else None)
    if field is None:
        form.form_errors.append(exc.message)
    else:
        field.errors = [*field.errors, exc.message]


def _back_target() -> str | None:
    here = request.full_path.rstrip("?")
    candidates = [referer_path(), getattr(g, "refusal_return_to", None)]
    if request.method not in ("GET", "HEAD"):
        candidates.append(here)
    for target in candidates:
        if target and _serves_a_page(target) and not (target == here and request.method in ("GET", "HEAD")):
            return target
    return None


def referer_path() -> str | None:
    """The Referer as a path on this site, or None (another host, or unsafe)."""
    parts = urlsplit(request.referrer or "")
    if parts.netloc != request.host:
        return None
    return safe_next(parts.path + (f"?{parts.query}" if parts.query else ""))


def _serves_a_page(target: str) -> bool:
    """Whether a GET of target reaches a view (a POST-only address would answer 405)."""
    adapter = current_app.url_map.bind_to_environ(request.environ)
    try:
        adapter.match(urlsplit(target).path, method="GET")
    except RequestRedirect:
        return True
    except HTTPException:
        return False
    return True


def filter_fields_html(form, names: tuple[str, ...], key: tuple, macro: tuple[str, str] = ("_forms.html", "field")
                       ) -> Markup:
    """A macro (template, name; by default the `field` macro of _forms.html) over these fields of a GET
    filter form, kept by `key`, which must hold all the form shows besides the query string and the
    language (its choices). WTForms took a quarter of the suggestions page's time to render its eight
    filters, the same on every visit."""
    from empathy.core.i18n import ui_language

    full = (macro, names, request.query_string, ui_language(), key)
    html = _FIELDS.get(full)
    if html is None:
        field = get_template_attribute(*macro)
        html = _FIELDS.put(full, Markup("").join(field(form[name]) for name in names))
    return html
