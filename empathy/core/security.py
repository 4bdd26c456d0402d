"""Response headers every page gets, and the error pages."""

from __future__ import annotations

from flask import Flask, render_template, request
from flask_login import current_user
from werkzeug.exceptions import HTTPException
from werkzeug.middleware.proxy_fix import ProxyFix

from empathy.core.inputs import NulCharacter
from empathy.core.throttle import ThrottleUnavailable, TooManyAttempts

CSP = "; ".join([
    "default-src 'self'",
    "script-src 'self'",
    "style-src 'self'",
    "img-src 'self' data:",
    "font-src 'self'",
    "connect-src 'self'",
    "object-src 'none'",
    "base-uri 'self'",
    "form-action 'self'",
    "frame-ancestors 'none'",
])


def init_app(app: Flask) -> None:
    trust_proxies(app)
    app.after_request(_headers)
    app.register_error_handler(HTTPException, _http_error)


def trust_proxies(app: Flask) -> None:
    """Read the client's address and scheme from X-Forwarded-For/-Proto, set by TRUSTED_PROXIES proxies.

    With 0 (the default) those headers are ignored: any client can send them, and rate limits count
    by address. With n, werkzeug's ProxyFix takes the n-th address from the right, the one the
    outermost trusted proxy saw; whatever a client put before it changes nothing.
    """
    hops = int(app.config.get("TRUSTED_PROXIES") or 0)
    if hops > 0:
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=hops, x_proto=hops)


LINK_PAGES = frozenset({"auth.reset_link", "auth.reset_password", "activation.activate"})


def _headers(response):
    headers = response.headers
    headers.setdefault("Content-Security-Policy", CSP)
    headers.setdefault("X-Content-Type-Options", "nosniff")
    headers.setdefault("X-Frame-Options", "DENY")
    headers.setdefault("Referrer-Policy", "same-origin")
    headers.setdefault("Cross-Origin-Opener-Policy", "same-origin")
    if request.is_secure:
        headers.setdefault("Strict-Transport-Security", "max-age=31536000; includeSubDomains")
    # Pages of a signed-in user are personal: no shared or browser cache may keep them.
    # So are the pages of a password link, which show whose account it is.
    if request.endpoint in LINK_PAGES or (
            request.endpoint != "static" and current_user and current_user.is_authenticated):
        headers["Cache-Control"] = "no-store"
    return response


def _http_error(exc: HTTPException):
    if request.path.startswith("/api/"):
        return exc  # the API answers with its own problem documents
    return error_page(exc)


def error_page(exc: HTTPException, *, message: str | None = None):
    """The error page for exc's status; a service's message, when given, replaces the generic hint.

    A throttled attempt's own message (how long to wait, what else to do) is shown too, and its
    Retry-After header kept; so is the reason a request with a NUL character is refused.
    """
    if message is None and isinstance(exc, TooManyAttempts | ThrottleUnavailable | NulCharacter):
        message = exc.description
    headers = [(k, v) for k, v in exc.get_headers() if k.lower() == "retry-after"]
    return render_template("errors/error.html", error=exc, message=message), exc.code, headers
