"""Signed one-click links in the invitation e-mail: accept or decline without signing in.

A link carries a token signed with the app's secret key and its own salt (itsdangerous), bound to the
match, the invitee and the need, and to one answer (accept or decline); it expires after MAX_AGE. Opening a
link changes nothing (mail scanners fetch links): it shows a confirmation page whose button POSTs the
token, and only the POST answers, through the same services as the commitments page. A token whose
invitation is no longer pending (answered, withdrawn, the match gone) is refused with a clear message.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import timedelta

from flask_babel import lazy_gettext as _l
from itsdangerous import BadSignature, SignatureExpired, URLSafeTimedSerializer
from sqlmodel import Session

from empathy.core.errors import ServiceError
from empathy.models import Match, MatchStatus, Need, Site, User
from empathy.volunteering.services import signups

SALT = "empathy.invitation-answer"
MAX_AGE = timedelta(days=30)
ANSWERS = ("accept", "decline")


@dataclass(frozen=True)
class AnswerLink:
    """What a valid token asks for: `answer` ("accept" or "decline") to the invitation `match` of `user`, with
    what the page shows of the need: its `site` (None for none) and its `coordinator` (None once deleted)."""

    answer: str
    match: Match
    need: Need
    user: User
    site: Site | None = None
    coordinator: User | None = None


def _serializer(secret_key: str) -> URLSafeTimedSerializer:
    return URLSafeTimedSerializer(secret_key, salt=SALT)


def answer_token(match: Match, answer: str, *, secret_key: str) -> str:
    """A token for `answer` ("accept" or "decline") to the invitation `match` (flushed: it has an id)."""
    if answer not in ANSWERS:
        raise ValueError(f"answer must be one of {ANSWERS}")
    return _serializer(secret_key).dumps({"m": match.id, "u": match.user_id, "n": match.need_id, "a": answer})


def answer_urls(match: Match, *, secret_key: str, base_url: str) -> dict[str, str]:
    """The accept and decline links of the invitation `match`: {"accept": url, "decline": url}."""
    return {answer: f"{base_url}/invitations/answer/{answer_token(match, answer, secret_key=secret_key)}"
            for answer in ANSWERS}


def read_answer_link(*, session: Session, token: str, secret_key: str) -> AnswerLink:
    """The pending invitation a token answers. ServiceError when the token is forged, expired, or its
    invitation is no longer pending (answered, withdrawn, the person's account closed)."""
    try:
        data = _serializer(secret_key).loads(token, max_age=int(MAX_AGE.total_seconds()))
    except SignatureExpired:
        raise ServiceError(str(_l("This link has expired. Sign in and answer the invitation on your "
                                  "commitments page."))) from None
    except BadSignature:
        raise ServiceError(str(_l("This link is not valid. Copy the whole link from the e-mail, or sign in "
                                  "and answer on your commitments page."))) from None
    if not isinstance(data, dict) or data.get("a") not in ANSWERS or not all(
            isinstance(data.get(k), int) for k in ("m", "u", "n")):
        raise ServiceError(str(_l("This link is not valid. Copy the whole link from the e-mail, or sign in "
                                  "and answer on your commitments page.")))
    match = session.get(Match, data["m"], populate_existing=True)
    user = session.get(User, data["u"])
    need = session.get(Need, data["n"], populate_existing=True)
    if (match is None or user is None or need is None or match.user_id != user.id or match.need_id != need.id
            or not user.active):
        raise ServiceError(str(_l("This invitation no longer exists.")))
    if match.status != MatchStatus.INVITED:
        raise ServiceError(str(_l("This invitation has already been answered or withdrawn: nothing was "
                                  "changed.")))
    return AnswerLink(answer=data["a"], match=match, need=need, user=user,
                      site=session.get(Site, need.site_id) if need.site_id else None,
                      coordinator=session.get(User, need.owner_id) if need.owner_id else None)


def answer_by_link(*, session: Session, token: str, secret_key: str, base_url: str = "") -> AnswerLink:
    """Accept or decline the invitation the token names, as its invitee (accept_invitation /
    decline_invitation: a seat, no clash, the credentials the need asks for). Commits. ServiceError (or the
    Conflict of the service) when the link or the answer is refused."""
    link = read_answer_link(session=session, token=token, secret_key=secret_key)
    if link.answer == "accept":
        match = signups.accept_invitation(session=session, user=link.user, match_id=link.match.id,
                                          base_url=base_url)
    else:
        match = signups.decline_invitation(session=session, user=link.user, match_id=link.match.id)
    return replace(link, match=match)
