"""The OpenAPI document at /api/v1/openapi.json and a readable page of it at /api/v1/docs."""

from __future__ import annotations

import copy

from flask import current_app, jsonify, render_template
from markupsafe import Markup, escape

from empathy.api import PREFIX, bp, idempotency
from empathy.api.auth import public
from empathy.api.problems import MEDIA_TYPE

METHODS = ("get", "put", "post", "patch", "delete")
DOC_KEY = "empathy.api.openapi"


def openapi_document() -> dict:
    """flask-openapi3's document, with bearer security and problem+json for every error response."""
    cached = current_app.extensions.get(DOC_KEY)
    if cached is not None:
        return cached
    doc = copy.deepcopy(current_app.api_doc)
    doc["info"]["description"] = (
        "Send `Authorization: Bearer <token>` with a personal access token (create one in your account "
        "settings, or with POST /api/v1/auth/token). Errors are RFC 9457 problem documents; lists are "
        "`{items, total, page, per_page}`.")
    doc.setdefault("components", {})["securitySchemes"] = {
        "bearer": {"type": "http", "scheme": "bearer", "description": "A personal access token."}}
    for path_item in doc.get("paths", {}).values():
        for method in METHODS:
            operation = path_item.get(method)
            if not operation:
                continue
            body = operation.get("requestBody")
            if body and "text/csv" in body.get("content", {}):
                body["required"] = True
                body["content"]["text/csv"]["schema"] = {"type": "string", "minLength": 1}
            if operation.get("operationId") in idempotency.OPERATIONS:
                _document_idempotency(operation)
            for code, response in operation.get("responses", {}).items():
                content = response.get("content") or {}
                if int(code) >= 400 and "application/json" in content:
                    response["content"] = {MEDIA_TYPE: content["application/json"]}
    current_app.extensions[DOC_KEY] = doc
    return doc


def _document_idempotency(operation: dict) -> None:
    """The Idempotency-Key header of a create operation, and the header that marks a repeated answer."""
    operation.setdefault("parameters", []).append({
        "name": idempotency.HEADER, "in": "header", "required": False,
        "description": ("A key of your choice (1 to 255 printable ASCII characters, no spaces), new for each "
                        "thing you mean to create. Sent again with the same request (after a timeout, say), it "
                        "creates nothing more and answers as the first time, with `Idempotent-Replayed: true`; "
                        "the same key with another request is answered 422. Keys are kept for 30 days "
                        "(`flask prune-submissions`)."),
        "schema": {"type": "string", "minLength": 1, "maxLength": 255, "pattern": "^[!-~]+$"},
    })
    for code, response in operation.get("responses", {}).items():
        if 200 <= int(code) < 300:
            response.setdefault("headers", {})[idempotency.REPLAYED] = {
                "description": "`true` when this answer repeats the first answer to the same Idempotency-Key.",
                "schema": {"type": "string", "enum": ["true"]}}


@bp.get("/openapi.json", doc_ui=False)
@public
def openapi_json():
    return jsonify(openapi_document())


def _schema_name(schema: dict | None) -> str:
    if not schema:
        return ""
    if "$ref" in schema:
        return schema["$ref"].rsplit("/", 1)[-1]
    if schema.get("type") == "array":
        return _schema_name(schema.get("items")) + "[]"
    if "anyOf" in schema:
        return " | ".join(_schema_name(s) or s.get("type", "") for s in schema["anyOf"])
    return schema.get("type", "")


CODE_SPAN = Markup("<code>{}</code>")


def code_spans(text: str | None) -> Markup:
    """A description of the OpenAPI document as HTML: its `code spans` (CommonMark's backticks, which
    tools such as Swagger UI render) as <code>, everything else escaped. An unpaired backtick stays as it is."""
    parts = str(text or "").split("`")
    if len(parts) % 2 == 0:  # an odd number of backticks: the last one opens nothing
        parts[-2:] = [parts[-2] + "`" + parts[-1]]
    return Markup("").join(CODE_SPAN.format(part) if i % 2 else escape(part) for i, part in enumerate(parts))


@bp.get("/docs", doc_ui=False)
@public
def docs():
    doc = openapi_document()
    operations = []
    for path, item in doc["paths"].items():
        for method in METHODS:
            if method in item:
                operations.append((path, method, item[method]))
    by_tag: dict[str, list] = {}
    for op in operations:
        by_tag.setdefault((op[2].get("tags") or ["other"])[0], []).append(op)
    return render_template("api/docs.html", doc=doc, by_tag=by_tag, tags={t["name"]: t for t in doc.get("tags", [])},
                           schemas=doc.get("components", {}).get("schemas", {}), schema_name=_schema_name,
                           prefix=PREFIX, code_spans=code_spans)
