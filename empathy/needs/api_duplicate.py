"""Copying a need as a new draft (the rest of the needs API is in `api.py`)."""

from __future__ import annotations

from empathy.api import answers, bp, idempotency, ok
from empathy.api.auth import BEARER, caller, roles
from empathy.api.idempotency import idempotent
from empathy.api.schemas import NeedPath
from empathy.api.tags import NEEDS
from empathy.core.db import get_session
from empathy.needs import services as needs
from empathy.needs.schemas import NeedOut, need_out


@bp.post("/needs/<int:need_id>/duplicate", tags=[NEEDS], security=BEARER, responses=answers(201, NeedOut, 409))
@roles("coordinator")
@idempotent(201, lambda session, need_id: (need := needs.find_need(session, need_id)) and ok(need_out(session, need)))
def duplicate_need(path: NeedPath):
    """Copy a need you can see (details and skills) as a new draft you own."""
    need = needs.duplicate_need(session=get_session(), actor=caller(), need_id=path.need_id,
                                submission=idempotency.submission())
    return ok(need_out(get_session(), need), 201)
