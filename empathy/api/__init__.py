"""The versioned JSON API under /api/v1, documented by an OpenAPI 3 document made from its models.

flask-openapi3 reads each view's pydantic models (path, query, body) to validate requests and
to write the document; `new_app` makes the application class it needs.

This package is the shared plumbing: the blueprint `bp`, `answers`/`ok`, bearer auth (`auth`), problem
documents (`problems`), the docs page, the document's sections (`tags`) and the shared bodies (`schemas`).
Each domain's operations, bodies and presenters live in its own `api*.py` and `schemas.py`.
"""

from __future__ import annotations

from typing import Any

from flask import Flask, Response, current_app
from flask_openapi3 import APIBlueprint, Info, OpenAPI

from empathy.api import problems
from empathy.api.auth import authenticate_request
from empathy.api.schemas import Problem
from empathy.extensions import csrf

PREFIX = "/api/v1"
# What any signed-in call can answer besides its success (a validation 422 comes with `errors`).
AUTHED = (401, 403, 404, 413, 422, 429)

bp = APIBlueprint("api", __name__, url_prefix=PREFIX,
                  operation_id_callback=lambda *, bp_name="", name="", path="", method="": name)
bp.before_request(authenticate_request)
problems.init_blueprint(bp)
csrf.exempt(bp)  # bearer tokens only: no cookie, so no cross-site request can carry credentials


def new_app(import_name: str, **kwargs: Any) -> OpenAPI:
    """The Flask application class with the API's validation settings (the document is served by `bp`)."""
    return OpenAPI(import_name, info=Info(title="Empathy API", version="1"), doc_ui=False,
                   validation_error_status=422, validation_error_model=Problem,
                   validation_error_callback=problems.validation_problem, **kwargs)


def answers(status: int, model, *codes: int) -> dict:
    """The responses of an operation: its success, the usual problems, and `codes`."""
    out: dict = {status: model}
    for code in (*AUTHED, *codes):
        out[code] = Problem
    return out


def file_answers(media_type: str, description: str) -> dict:
    """The responses of an operation that answers a file (CSV, iCalendar): the file, or the usual problems."""
    out: dict = {200: {"description": description, "content": {media_type: {"schema": {"type": "string"}}}}}
    for code in AUTHED:
        out[code] = Problem
    return out


def ok(model, status: int = 200) -> Response:
    return Response(model.model_dump_json(by_alias=True), status=status, mimetype="application/json")


def base_url() -> str:
    return current_app.config["BASE_URL"].rstrip("/")


def register(app: Flask) -> None:
    """Register the API: problem handlers, the document and the docs page; no CSRF (bearer only).

    The domains' API modules must have been imported first (create_app does it)."""
    from empathy.api import docs  # noqa: F401

    problems.init_app(app)
    app.register_api(bp)
