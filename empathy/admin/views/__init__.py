"""The administrators' area (/admin, admins only)."""

from __future__ import annotations

from flask import Blueprint, abort, request

from empathy.accounts.login import role_required
from empathy.core.errors import NotFound, ServiceError

bp = Blueprint("admin", __name__, url_prefix="/admin")


@bp.before_request
@role_required("admin")
def _admins_only():
    """Every /admin page: anonymous users sign in first, others get 403."""
    return None


def page_arg() -> int:
    return request.args.get("page", 1, type=int) or 1


def show_error(form, exc: ServiceError, default: str) -> None:
    """Put a service's message under the field it names (404s become a 404 page)."""
    if isinstance(exc, NotFound):
        abort(404)
    field = getattr(form, exc.field or "", None) or getattr(form, default, None)
    if field is None:
        form.form_errors.append(exc.message)
    else:
        field.errors = [*field.errors, exc.message]


def or_404(fn, **kwargs):
    try:
        return fn(**kwargs)
    except NotFound:
        abort(404)


from empathy.admin.views import data, sites, skills, users  # noqa: E402,F401  (their routes register on bp)
