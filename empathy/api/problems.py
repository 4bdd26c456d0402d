"""Errors as RFC 9457 problem documents (application/problem+json), for every /api/ URL."""

from __future__ import annotations

from flask import Flask, Response, json, request
from flask_babel import gettext as _
from pydantic import ValidationError
from sqlalchemy.orm.exc import ObjectDeletedError
from werkzeug.exceptions import HTTPException, InternalServerError, NotFound
from werkzeug.http import HTTP_STATUS_CODES

from empathy.core.db import gone_message
from empathy.core.errors import ServiceError
from empathy.core.validation import field_message

MEDIA_TYPE = "application/problem+json"
# Codes the whole app may answer for an /api/ URL before any API view runs.
APP_LEVEL_CODES = (400, 404, 405, 413, 415, 429, 500)


def problem(status: int, detail: str = "", *, errors: list[dict] | None = None,
            headers: dict | None = None, extra: dict | None = None) -> Response:
    """A problem document response; `extra` adds extension members (RFC 9457 section 3.2)."""
    body = {"type": "about:blank", "title": HTTP_STATUS_CODES.get(status, "Error"), "status": status,
            "detail": detail}
    if errors is not None:
        body["errors"] = errors
    body.update(extra or {})
    response = Response(json.dumps(body), status=status, mimetype=MEDIA_TYPE)
    for key, value in (headers or {}).items():
        response.headers[key] = value
    return response


def validation_problem(exc: ValidationError) -> Response:
    """flask-openapi3's hook: a request that does not fit its model is a 422 with one error per field."""
    errors = [{"field": ".".join(str(p) for p in err["loc"]) or "body", "message": field_message(err)}
              for err in exc.errors(include_url=False)]
    return problem(422, _("The request is not valid."), errors=errors)


def api_field(name: str | None) -> str:
    """A service's form field name as the API's field: skills-0-name -> skills.0.name, site_id -> site."""
    if not name:
        return "body"
    return {"site_id": "site", "file": "body", "keep_id": "into", "merge_id": "into"}.get(name, name.replace("-", "."))


def service_problem(exc: ServiceError) -> Response:
    """A refused use case: 403, 404 and 409 keep their meaning; any other refusal is about the input (422)."""
    status = exc.status if exc.status in (403, 404, 409) else 422
    errors = [{"field": api_field(exc.field), "message": str(exc.message)}] if status in (409, 422) else None
    return problem(status, str(exc.message), errors=errors, extra=exc.extra)


def http_problem(exc: HTTPException) -> Response:
    headers = {}
    if exc.code == 405 and getattr(exc, "valid_methods", None):
        headers["Allow"] = ", ".join(exc.valid_methods)
    if exc.code in (429, 503):
        # Retry-After set on the exception itself (empathy.core.throttle), or on Flask-Limiter's response.
        headers.update({k: v for k, v in exc.get_headers() if k.lower() == "retry-after"})
        if exc.response is not None:
            headers.update({k: v for k, v in exc.response.headers.items()
                            if k.lower().startswith(("retry-after", "x-ratelimit"))})
    detail = exc.description or ""
    if exc.code == 404 and "requested URL was not found" in detail:
        detail = _("There is nothing at this address.")
    if exc.code == 500:
        detail = _("Something went wrong on our side.")
    return problem(exc.code or 500, detail, headers=headers)


def init_blueprint(blueprint) -> None:
    """Problems for errors raised inside API views (once, when the blueprint is made)."""
    blueprint.register_error_handler(ServiceError, service_problem)
    blueprint.register_error_handler(HTTPException, http_problem)
    blueprint.register_error_handler(InternalServerError, http_problem)


def init_app(app: Flask) -> None:
    """Problems for /api/ URLs that no API view handled (unknown URL, wrong method, body too large)."""
    from empathy.core import security

    def app_level(exc: HTTPException):
        if request.path.startswith("/api/"):
            return http_problem(exc)
        return security._http_error(exc)

    # Code-specific handlers come before the general one of empathy.core.security, which renders pages.
    for code in APP_LEVEL_CODES:
        app.register_error_handler(code, app_level)

    def deleted_meanwhile(exc: ObjectDeletedError):
        # A row this request had loaded (the signed-in user, a need) was deleted by another request before
        # this one read it again: the same answer as a later request would get, 404, not a crash.
        if request.path.startswith("/api/"):
            return http_problem(NotFound(gone_message()))
        return security.error_page(NotFound(), message=gone_message())

    app.register_error_handler(ObjectDeletedError, deleted_meanwhile)
