"""The `Idempotency-Key` header of the API's create operations: a request sent again is answered once.

A client that did not get an answer (a timeout, a dropped connection) sends the same request again with
the same key. The first one's use case recorded the key with what it created
(empathy.core.submissions), so the repeat creates nothing and gets the first answer again: its status,
the created resource as it is now, and `Idempotent-Replayed: true`. The same key with another method,
path or body is a client error (422). Keys are the caller's own: another user's same key is another key.
"""

from __future__ import annotations

import hashlib
import json
import re
from collections.abc import Callable
from functools import wraps

from flask import Response, g, request
from flask_babel import gettext as _
from sqlmodel import Session

from empathy.api.auth import caller
from empathy.api.problems import problem
from empathy.core.db import get_session
from empathy.core.submissions import API, AlreadySubmitted, Submission, find, submission_key
from empathy.models import FormSubmission

HEADER = "Idempotency-Key"
REPLAYED = "Idempotent-Replayed"
KEY = re.compile(r"[\x21-\x7e]{1,255}")  # printable ASCII, no spaces
OPERATIONS: set[str] = set()  # the operation ids that take the header (the OpenAPI document lists it)


def submission() -> Submission | None:
    """This request's key for the use case to record, or None (no Idempotency-Key sent)."""
    return g.get("api_submission")


def _fingerprint() -> str:
    raw = request.get_data(cache=True)
    try:
        body = json.dumps(json.loads(raw), sort_keys=True, separators=(",", ":")).encode() if raw else b""
    except ValueError:
        body = raw
    return hashlib.sha256(request.method.encode() + b" " + request.path.encode() + b"\n" + body).hexdigest()


def _repeat(session: Session, row: FormSubmission, fingerprint: str,
            render: Callable[[Session, int], Response | None]) -> Response:
    if row.fingerprint != fingerprint:
        return problem(422, _("This Idempotency-Key was used for another request: send a new key."),
                       errors=[{"field": HEADER, "message": _("Used for another request.")}])
    response = render(session, row.target_id) if row.target_id is not None else None
    if response is None:
        return problem(409, _("This request was carried out before, and what it created is gone since."))
    response.status_code = row.status
    response.headers[REPLAYED] = "true"
    return response


def idempotent(status: int, render: Callable[[Session, int], Response | None]):
    """Let a create operation take an Idempotency-Key; `render(session, target_id)` answers a repeat
    (None when what was created is gone), with `status`, the status of the operation's success.

    The view passes `submission()` to its use case, which records it with what it created.
    """

    def decorate(view):
        OPERATIONS.add(view.__name__)

        @wraps(view)
        def run(*args, **kwargs):
            key = request.headers.get(HEADER)
            if key is None:
                return view(*args, **kwargs)
            if not KEY.fullmatch(key):
                return problem(422, _("The request is not valid."), errors=[
                    {"field": HEADER, "message": _("Use 1 to 255 printable ASCII characters, no spaces.")}])
            session, user_id, fingerprint = get_session(), caller().id, _fingerprint()
            row_key = submission_key(API, user_id, key)
            row = find(session, row_key)
            if row is not None:
                return _repeat(session, row, fingerprint, render)
            g.api_submission = Submission(key=row_key, user_id=user_id, fingerprint=fingerprint, status=status)
            try:
                return view(*args, **kwargs)
            except AlreadySubmitted:  # the same key at the same moment: the other one was first
                session.rollback()
                row = find(session, row_key)
                if row is None:
                    raise
                return _repeat(session, row, fingerprint, render)

        return run

    return decorate
