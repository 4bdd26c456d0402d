"""Credentials: employees record them, administrators verify them, coordinators say which a need requires."""

from __future__ import annotations

from empathy.api import answers, bp, idempotency, ok
from empathy.api.auth import BEARER, caller, roles
from empathy.api.idempotency import idempotent
from empathy.api.schemas import NeedPath
from empathy.api.tags import ACCOUNT, ADMIN, NEEDS
from empathy.core.db import get_session
from empathy.needs.schemas import NeedOut, need_out
from empathy.profiles import credentials
from empathy.profiles import schemas as s
from empathy.volunteering.services.seats import load_need


@bp.get("/me/credentials", tags=[ACCOUNT], security=BEARER, responses=answers(200, s.CredentialList))
def my_credentials():
    """Your credentials; each counts once an administrator has verified it, until it expires."""
    rows = credentials.my_credentials(session=get_session(), user=caller())
    return ok(s.CredentialList(items=[s.credential_out(c) for c in rows], total=len(rows), page=1,
                               per_page=max(1, len(rows))))


def _credential_again(session, credential_id: int):
    row = credentials.find_credential(session, credential_id)
    return ok(s.credential_out(row)) if row is not None else None


@bp.post("/me/credentials", tags=[ACCOUNT], security=BEARER, responses=answers(200, s.CredentialOut, 409))
@idempotent(200, _credential_again)
def record_credential(body: s.CredentialIn):
    """Record or renew a credential (`kind`: background_check, first_aid, health_certificate, driving_licence)."""
    row = credentials.record_credential(session=get_session(), user=caller(), kind=body.kind,
                                        expires_on=body.expires_on, reference=body.reference,
                                        submission=idempotency.submission())
    return ok(s.credential_out(row))


@bp.put("/needs/<int:need_id>/credentials", tags=[NEEDS], security=BEARER, responses=answers(200, NeedOut))
@roles("coordinator")
def set_need_credentials(path: NeedPath, body: s.NeedCredentialsIn):
    """Set the credentials every volunteer of the need must hold before being confirmed (its coordinator or an admin)."""  # noqa: E501
    session = get_session()
    credentials.set_required_kinds(session=session, actor=caller(), need_id=path.need_id, kinds=list(body.kinds))
    return ok(need_out(session, load_need(session, path.need_id)))


@bp.get("/admin/credentials", tags=[ADMIN], security=BEARER, responses=answers(200, s.CredentialList))
@roles("admin")
def unverified_credentials(query: s.UnverifiedQuery):
    """Credentials waiting for verification, oldest first."""
    page = credentials.unverified(session=get_session(), page=query.page)
    return ok(s.CredentialList(items=[s.credential_out(c) for c, _user in page.items], total=page.total,
                               page=page.page, per_page=page.per_page))


@bp.post("/admin/credentials/<int:credential_id>/verify", tags=[ADMIN], security=BEARER,
         responses=answers(200, s.CredentialOut, 409))
@roles("admin")
def verify_credential(path: s.CredentialPath):
    """Confirm you have seen the credential."""
    row = credentials.verify_credential(session=get_session(), actor=caller(), credential_id=path.credential_id)
    return ok(s.credential_out(row))
