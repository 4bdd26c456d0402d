"""The administrators' area (/admin, admins only)."""

from __future__ import annotations

from flask import Blueprint, request

from empathy.accounts.login import role_required
from empathy.core import web

bp = Blueprint("admin", __name__, url_prefix="/admin")
web.init_blueprint(bp)


@bp.before_request
@role_required("admin")
def _admins_only():
    """Every /admin page: anonymous users sign in first, others get 403."""
    return None


def page_arg() -> int:
    return request.args.get("page", 1, type=int) or 1


from empathy.admin.views import data, outbox, sites, skills, users  # noqa: E402,F401  (their routes register on bp)
