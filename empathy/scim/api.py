"""The SCIM 2.0 service at /scim/v2 (RFC 7644): discovery, Users and Groups.

Bodies are read and written with the models of scim2-models, in the context of each operation (a read-only
attribute in a creation request is refused, `attributes` and `excludedAttributes` select what an answer
carries). Every refusal is a SCIM Error document (`application/scim+json`). Callers authenticate with a
provisioning token (`Authorization: Bearer scim_...`); session cookies and personal access tokens are
never accepted here. This service is not part of the OpenAPI document of /api/v1: SCIM describes itself
at /ServiceProviderConfig, /Schemas and /ResourceTypes, which is what provisioning clients read.
"""

from __future__ import annotations

from typing import Any

from flask import Blueprint, Response, current_app, g, json, request
from pydantic import ValidationError
from scim2_models import (
    Context,
    Error,
    Group,
    InvalidFilterException,
    InvalidSyntaxException,
    InvalidValueException,
    ListResponse,
    NotFoundException,
    PatchOp,
    ResponseParameters,
    SCIMException,
    SearchRequest,
)
from werkzeug.exceptions import HTTPException, InternalServerError, MethodNotAllowed

from empathy.core.db import get_session
from empathy.core.errors import ServiceError
from empathy.extensions import csrf
from empathy.scim.services import groups, resources, tokens, users
from empathy.scim.services.resources import MAX_RESULTS, ScimUserModel

MEDIA_TYPE = "application/scim+json"
PREFIX = "/scim/v2"

bp = Blueprint("scim", __name__, url_prefix=PREFIX)
csrf.exempt(bp)  # bearer tokens only: a browser's cookie is never read here


def base_url() -> str:
    return current_app.config["BASE_URL"].rstrip("/") + PREFIX


def answer(body: dict, status: int = 200, location: str | None = None) -> Response:
    response = Response(json.dumps(body), status=status, mimetype=MEDIA_TYPE)
    if location:
        response.headers["Location"] = location
    return response


def error(status: int, detail: str, scim_type: str | None = None) -> Response:
    response = answer(Error(status=status, scim_type=scim_type, detail=detail).model_dump(), status)
    if status == 401:
        response.headers["WWW-Authenticate"] = 'Bearer realm="scim"'
    return response


@bp.before_request
def authenticate() -> Response | None:
    scheme, _, secret = request.headers.get("Authorization", "").partition(" ")
    token_id = None
    if scheme.lower() == "bearer":
        token_id = tokens.check_token(session=get_session(), secret=secret.strip(),
                                      secret_key=current_app.config["SECRET_KEY"])
    if token_id is None:
        return error(401, "Send a provisioning token: Authorization: Bearer scim_...")
    g.scim_token_id = token_id
    return None


@bp.errorhandler(SCIMException)
def scim_error(exc: SCIMException) -> Response:
    return answer(exc.to_error().model_dump(), exc.status)


@bp.errorhandler(ValidationError)
def invalid_body(exc: ValidationError) -> Response:
    return answer(Error.from_validation_error(exc.errors()[0]).model_dump(), 400)


@bp.errorhandler(ServiceError)
def service_error(exc: ServiceError) -> Response:
    return error(exc.status, exc.message, "uniqueness" if exc.status == 409 else None)


def http_error(exc: HTTPException) -> Response:
    if isinstance(exc, InternalServerError):
        return error(500, "The server could not answer; the failure is logged.")
    return error(exc.code or 500, exc.description or "")


# By code as well as by class: the app's handlers by code (pages, /api/ problems) would otherwise win.
bp.register_error_handler(HTTPException, http_error)
for _code in (400, 401, 403, 404, 405, 413, 415, 429, 500):
    bp.register_error_handler(_code, http_error)


# ----------------------------------------------------------------------------- request helpers
def body() -> dict:
    data = request.get_json(force=True, silent=True)
    if not isinstance(data, dict):
        raise InvalidSyntaxException(detail="The body must be a JSON object.")
    return data


def _int_arg(name: str, default: int) -> int:
    raw = request.args.get(name)
    if raw is None or raw == "":
        return default
    try:
        return int(raw)
    except ValueError:
        raise InvalidValueException(detail=f"{name} must be an integer.") from None


def _page_args() -> tuple[int, int]:
    # RFC 7644 §3.4.2.4: a startIndex below 1 is taken as 1, a negative count as 0.
    start, count = _int_arg("startIndex", 1), _int_arg("count", MAX_RESULTS)
    return max(1, min(start, 2**31)), max(0, min(count, MAX_RESULTS))


def _parameters() -> ResponseParameters:
    return ResponseParameters.model_validate({"attributes": request.args.get("attributes") or None,
                                              "excludedAttributes": request.args.get("excludedAttributes") or None})


def _with_members(parameters: ResponseParameters) -> bool:
    names = {str(a).lower() for a in parameters.attributes or []}
    excluded = {str(a).lower() for a in parameters.excluded_attributes or []}
    return ("members" in names or not names) and "members" not in excluded


def _dump(resource: Any, context: Context, parameters: ResponseParameters | None = None) -> dict:
    return resource.model_dump(scim_ctx=context, response_parameters=parameters)


def _listed(model: Any, total: int, start: int, items: list, parameters: ResponseParameters) -> Response:
    listing = ListResponse[model](total_results=total, start_index=start, items_per_page=len(items),
                                  resources=items)
    return answer(listing.model_dump(scim_ctx=Context.SEARCH_RESPONSE, response_parameters=parameters))


def _search_request() -> SearchRequest:
    return SearchRequest.model_validate(body(), scim_ctx=Context.SEARCH_REQUEST)


# ----------------------------------------------------------------------------- discovery
@bp.route("/ServiceProviderConfig", methods=["GET", "POST", "PUT", "PATCH", "DELETE"])
def service_provider_config() -> Response:
    _only_get()
    return answer(_dump(resources.service_provider_config(base_url()), Context.RESOURCE_QUERY_RESPONSE))


@bp.route("/Schemas", methods=["GET", "POST", "PUT", "PATCH", "DELETE"])
def schemas() -> Response:
    _only_get()
    found = resources.schemas(base_url())
    return _listed(type(found[0]), len(found), 1, found, ResponseParameters())


@bp.route("/Schemas/<string:schema_id>", methods=["GET"])
def schema(schema_id: str) -> Response:
    for found in resources.schemas(base_url()):
        if found.id == schema_id:
            return answer(_dump(found, Context.RESOURCE_QUERY_RESPONSE))
    raise NotFoundException(detail=f"No schema {schema_id!r}.")


@bp.route("/ResourceTypes", methods=["GET", "POST", "PUT", "PATCH", "DELETE"])
def resource_types() -> Response:
    _only_get()
    found = resources.resource_types(base_url())
    return _listed(type(found[0]), len(found), 1, found, ResponseParameters())


@bp.route("/ResourceTypes/<string:type_id>", methods=["GET"])
def resource_type(type_id: str) -> Response:
    for found in resources.resource_types(base_url()):
        if found.id == type_id:
            return answer(_dump(found, Context.RESOURCE_QUERY_RESPONSE))
    raise NotFoundException(detail=f"No resource type {type_id!r}.")


def _only_get() -> None:
    if request.method != "GET":
        raise MethodNotAllowed(valid_methods=["GET"], description="This endpoint is read-only.")


# ----------------------------------------------------------------------------- Users
@bp.route("/Users", methods=["GET", "POST"])
def user_collection() -> Response:
    session, token = get_session(), g.scim_token_id
    if request.method == "POST":
        resource = ScimUserModel.model_validate(body(), scim_ctx=Context.RESOURCE_CREATION_REQUEST)
        created = users.create_user(session=session, resource=resource, token_id=token, base_url=base_url())
        return answer(_dump(created, Context.RESOURCE_CREATION_RESPONSE, _parameters()), 201,
                      location=created.meta.location)
    start, count = _page_args()
    parameters = _parameters()
    total, found = users.list_users(session=session, filter=request.args.get("filter"), start_index=start,
                                    count=count, base_url=base_url())
    return _listed(ScimUserModel, total, start, found, parameters)


@bp.post("/Users/.search")
def user_search() -> Response:
    search = _search_request()
    start, count = max(1, search.start_index or 1), max(0, min(search.count or MAX_RESULTS, MAX_RESULTS))
    total, found = users.list_users(session=get_session(), filter=str(search.filter) if search.filter else None,
                                    start_index=start, count=count, base_url=base_url())
    return _listed(ScimUserModel, total, start, found, search)


@bp.route("/Users/<string:resource_id>", methods=["GET", "PUT", "PATCH", "DELETE"])
def user(resource_id: str) -> Response:
    session, token, base = get_session(), g.scim_token_id, base_url()
    if request.method == "GET":
        found = users.get_user(session=session, resource_id=resource_id, base_url=base)
        return answer(_dump(found, Context.RESOURCE_QUERY_RESPONSE, _parameters()), location=found.meta.location)
    if request.method == "DELETE":
        users.delete_user(session=session, resource_id=resource_id, token_id=token)
        _refit_after_deletion()
        return Response(status=204)
    if request.method == "PUT":
        resource = ScimUserModel.model_validate(body(), scim_ctx=Context.RESOURCE_REPLACEMENT_REQUEST)
        changed = users.replace_user(session=session, resource_id=resource_id, resource=resource, token_id=token,
                                     base_url=base)
        return answer(_dump(changed, Context.RESOURCE_REPLACEMENT_RESPONSE, _parameters()),
                      location=changed.meta.location)
    patch = PatchOp[ScimUserModel].model_validate(body(), scim_ctx=Context.RESOURCE_PATCH_REQUEST)
    changed = users.patch_user(session=session, resource_id=resource_id, patch=patch, token_id=token, base_url=base)
    return answer(_dump(changed, Context.RESOURCE_PATCH_RESPONSE, _parameters()), location=changed.meta.location)


def _refit_after_deletion() -> None:
    from empathy.core.runtime import after_response
    from empathy.suggestions.runtime import refit_without_deleted

    after_response(refit_without_deleted)  # the saved matching model must forget the profile too


# ----------------------------------------------------------------------------- Groups
@bp.route("/Groups", methods=["GET", "POST"])
def group_collection() -> Response:
    session, token = get_session(), g.scim_token_id
    if request.method == "POST":
        resource = Group.model_validate(body(), scim_ctx=Context.RESOURCE_CREATION_REQUEST)
        created = groups.create_group(session=session, resource=resource, token_id=token, base_url=base_url())
        return answer(_dump(created, Context.RESOURCE_CREATION_RESPONSE, _parameters()), 201,
                      location=created.meta.location)
    start, count = _page_args()
    parameters = _parameters()
    total, found = groups.list_groups(session=session, filter=request.args.get("filter"), start_index=start,
                                      count=count, base_url=base_url(), with_members=_with_members(parameters))
    return _listed(Group, total, start, found, parameters)


@bp.post("/Groups/.search")
def group_search() -> Response:
    search = _search_request()
    start, count = max(1, search.start_index or 1), max(0, min(search.count or MAX_RESULTS, MAX_RESULTS))
    total, found = groups.list_groups(session=get_session(), filter=str(search.filter) if search.filter else None,
                                      start_index=start, count=count, base_url=base_url(),
                                      with_members=_with_members(search))
    return _listed(Group, total, start, found, search)


@bp.route("/Groups/<string:resource_id>", methods=["GET", "PUT", "PATCH", "DELETE"])
def group(resource_id: str) -> Response:
    session, token, base = get_session(), g.scim_token_id, base_url()
    if request.method == "GET":
        parameters = _parameters()
        found = groups.get_group(session=session, resource_id=resource_id, base_url=base,
                                 with_members=_with_members(parameters))
        return answer(_dump(found, Context.RESOURCE_QUERY_RESPONSE, parameters), location=found.meta.location)
    if request.method == "DELETE":
        groups.delete_group(session=session, resource_id=resource_id, token_id=token)
        return Response(status=204)
    if request.method == "PUT":
        resource = Group.model_validate(body(), scim_ctx=Context.RESOURCE_REPLACEMENT_REQUEST)
        changed = groups.replace_group(session=session, resource_id=resource_id, resource=resource, token_id=token,
                                       base_url=base)
        return answer(_dump(changed, Context.RESOURCE_REPLACEMENT_RESPONSE, _parameters()),
                      location=changed.meta.location)
    patch = PatchOp[Group].model_validate(body(), scim_ctx=Context.RESOURCE_PATCH_REQUEST)
    changed = groups.patch_group(session=session, resource_id=resource_id, patch=patch, token_id=token,
                                 base_url=base)
    return answer(_dump(changed, Context.RESOURCE_PATCH_RESPONSE, _parameters()), location=changed.meta.location)


# ----------------------------------------------------------------------------- the rest
@bp.post("/.search")
def root_search() -> Response:
    """Every resource, the Users then the Groups, a page at a time (RFC 7644 §3.4.3). A filter is answered
    per resource type only: with one, this is a 400 telling to search /Users/.search or /Groups/.search."""
    search = _search_request()
    if search.filter:
        raise InvalidFilterException(detail="Filter one resource type at a time: POST /Users/.search or "
                                            "/Groups/.search.")
    start, count = max(1, search.start_index or 1), max(0, min(search.count or MAX_RESULTS, MAX_RESULTS))
    session, base = get_session(), base_url()
    user_total, found = users.list_users(session=session, filter=None, start_index=start, count=count,
                                         base_url=base)
    first_group = max(1, start - user_total)
    group_total, more = groups.list_groups(session=session, filter=None, start_index=first_group,
                                           count=count - len(found), base_url=base,
                                           with_members=_with_members(search))
    return _listed(ScimUserModel | Group, user_total + group_total, start, [*found, *more], search)


@bp.route("/<path:rest>", methods=["GET", "POST", "PUT", "PATCH", "DELETE"])
def unknown(rest: str) -> Response:
    raise NotFoundException(detail=f"There is no {PREFIX}/{rest[:100]} endpoint.")
