"""The OpenAPI document at /api/v1/openapi.json and a readable page of it at /api/v1/docs."""

from __future__ import annotations

import copy
import json
import re

from flask import current_app, jsonify, render_template
from flask_babel import gettext
from flask_babel import lazy_gettext as _l
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


BREAK = re.compile(r"\s*<br\s*/?>\s*|\s+")
# The rules of a field, in the reader's language: (keyword of JSON Schema, words with the value as %(n)s).
RULES = (
    ("minLength", _l("at least %(n)s characters")), ("maxLength", _l("at most %(n)s characters")),
    ("minimum", _l("minimum %(n)s")), ("maximum", _l("maximum %(n)s")), ("exclusiveMinimum", _l("more than %(n)s")),
    ("minItems", _l("at least %(n)s items")), ("maxItems", _l("at most %(n)s items")), ("default", _l("default %(n)s")),
)
PARAMETER_PLACES = {"query": _l("query string"), "path": _l("path"), "header": _l("header"), "cookie": _l("cookie")}


def plain(text: str | None) -> str:
    """A text of the document as one line: flask-openapi3 writes a docstring's line breaks as <br/>."""
    return BREAK.sub(" ", str(text or "")).strip()


def operation_texts(op: dict) -> tuple[str, str]:
    """An operation's lead and further paragraph. flask-openapi3 makes a docstring's first line the summary
    and the rest the description: a description that does not start a paragraph (<br/>) ends the summary's
    sentence, so the two are one text."""
    summary, description = str(op.get("summary") or ""), str(op.get("description") or "")
    if not description or description == summary:
        return plain(summary), ""
    if re.match(r"\s*<br\s*/?>", description):
        return plain(summary), plain(description)
    return plain(summary + " " + description), ""


def document_texts(doc: dict) -> list[str]:
    """Every text of the document the docs page shows in the reader's language, each once, sorted:
    what `empathy/api/doc_text.py` lists for the translation catalogue."""
    texts = {plain(t.get("description")) for t in doc.get("tags", [])}
    for item in doc.get("paths", {}).values():
        for method in METHODS:
            op = item.get(method)
            if op:
                texts.update(operation_texts(op))
                texts.update(plain(p.get("description") or (p.get("schema") or {}).get("description"))
                             for p in op.get("parameters", []))
    for schema in doc.get("components", {}).get("schemas", {}).values():
        texts.add(plain(schema.get("description")))
        texts.update(plain(prop.get("description")) for prop in (schema.get("properties") or {}).values())
    return sorted(texts - {""})


def describe(text: str | None) -> Markup:
    """A text of the document in the reader's language (empathy/api/doc_text.py), its code spans as code."""
    text = plain(text)
    return code_spans(gettext(text) if text else "")


def _value(value) -> str:
    """A value of a rule as the reader writes it: 1 rather than 1.0, JSON for the rest."""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return str(value) if isinstance(value, int | float) and not isinstance(value, bool) else json.dumps(value)


def field_rules(prop: dict) -> list[Markup]:
    """A field's limits in words ("at most 200 characters", "minimum 1"), each value as code."""
    return [escape(str(words)) % {"n": CODE_SPAN.format(_value(prop[key]))}  # escape() gives Markup
            for key, words in RULES if key in prop]


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
                           prefix=PREFIX, describe=describe, operation_texts=operation_texts, field_rules=field_rules,
                           places=PARAMETER_PLACES)
