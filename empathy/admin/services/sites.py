"""Sites: the places profiles and needs refer to, managed by admins."""

from __future__ import annotations

import re

from flask_babel import lazy_gettext as _l
from sqlalchemy.exc import IntegrityError
from sqlmodel import Session, select

from empathy.core import audit
from empathy.core.db import begin_write, retrying
from empathy.core.errors import Conflict, NotFound, ServiceError
from empathy.models import Site, User

MAX_CODE = 60
MAX_NAME = 120
CODE_PATTERN = re.compile(r"^[a-z0-9][a-z0-9-]*$")


def list_sites(*, session: Session, include_inactive: bool = True) -> list[Site]:
    """Every site (or only the active ones), active first, then by English name."""
    statement = select(Site)
    if not include_inactive:
        statement = statement.where(Site.is_active.is_(True))
    return list(session.exec(statement.order_by(Site.is_active.desc(), Site.name_en)).all())


def active_sites(*, session: Session) -> list[Site]:
    """The sites forms offer: deactivated ones are left out."""
    return list_sites(session=session, include_inactive=False)


def get_site(*, session: Session, site_id: int) -> Site:
    """One site as stored now, or NotFound."""
    site = session.get(Site, site_id, populate_existing=True)
    if site is None:
        raise NotFound(str(_l("This site does not exist.")))
    return site


def _clean(code: str, name_en: str, name_zh: str) -> tuple[str, str, str]:
    code, name_en, name_zh = code.strip().lower(), name_en.strip(), name_zh.strip()
    if not code:
        raise ServiceError(str(_l("Enter a code.")), field="code")
    if len(code) > MAX_CODE:
        raise ServiceError(str(_l("Use at most %(n)d characters.", n=MAX_CODE)), field="code")
    if not CODE_PATTERN.match(code):
        raise ServiceError(
            str(_l("Use lower-case letters, digits and hyphens only, e.g. shanghai-hq.")), field="code"
        )
    for field, value in (("name_en", name_en), ("name_zh", name_zh)):
        if not value:
            raise ServiceError(str(_l("Enter a name.")), field=field)
        if len(value) > MAX_NAME:
            raise ServiceError(str(_l("Use at most %(n)d characters.", n=MAX_NAME)), field=field)
    return code, name_en, name_zh


def _code_taken() -> Conflict:
    return Conflict(str(_l("Another site already uses this code.")), field="code")


def _check_code_free(session: Session, code: str, site_id: int | None) -> None:
    other = session.exec(select(Site).where(Site.code == code)).first()
    if other is not None and other.id != site_id:
        raise _code_taken()


def _commit(session: Session) -> None:
    try:
        session.commit()
    except IntegrityError:  # PostgreSQL: another transaction took the code after our check
        raise _code_taken() from None


@retrying
def create_site(*, session: Session, code: str, name_en: str, name_zh: str) -> Site:
    """Add a site; codes are unique (Conflict on `code`, also for a site added at the same moment). Commits."""
    code, name_en, name_zh = _clean(code, name_en, name_zh)
    begin_write(session)
    _check_code_free(session, code, None)
    site = Site(code=code, name_en=name_en, name_zh=name_zh)
    session.add(site)
    _commit(session)
    return site


@retrying
def update_site(*, session: Session, site_id: int, code: str, name_en: str, name_zh: str) -> Site:
    """Change a site's code and names; references (by id) are unaffected. Commits; refusals as `create_site`."""
    code, name_en, name_zh = _clean(code, name_en, name_zh)
    begin_write(session)
    site = get_site(session=session, site_id=site_id)
    _check_code_free(session, code, site.id)
    site.code, site.name_en, site.name_zh = code, name_en, name_zh
    session.add(site)
    _commit(session)
    return site


@retrying
def set_site_active(*, session: Session, site_id: int, active: bool, actor: User | None = None) -> Site:
    """Deactivate (no longer offered in forms; references stay) or reactivate a site; audited when it
    changes. Commits."""
    begin_write(session)
    site = get_site(session=session, site_id=site_id)
    if site.is_active != active:
        audit.record(session, actor_id=actor.id if actor else None,
                     action="site_reactivated" if active else "site_deactivated", target_type="site",
                     target_id=site.id)
    site.is_active = active
    session.add(site)
    session.commit()
    return site


def site_by_code(session: Session, code: str | None) -> Site | None:
    """The site with this code (surrounding spaces ignored), or None; inactive sites included."""
    if not code:
        return None
    return session.exec(select(Site).where(Site.code == code.strip())).first()

