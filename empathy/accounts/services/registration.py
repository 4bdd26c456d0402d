"""Who may create an account themselves: nobody (`off`), anyone (`open`), or addresses at listed domains.

The policy is a row of `settings` an administrator changes. Until one is saved, an installation takes the
domain of its first administrator (the oldest active one), and is open while it has no administrator yet
(the first accounts of a new installation are made with `flask create-user`).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from flask_babel import lazy_gettext as _l
from sqlmodel import Session, select

from empathy.accounts.services.auth import create_user, normalize_email
from empathy.core import audit
from empathy.core.db import begin_write, retrying
from empathy.core.errors import ServiceError
from empathy.models import Setting, User

KEY = "registration"
MODES = ("off", "open", "domains")
MAX_DOMAINS = 50
# A host name of letters, digits and hyphens in dot-separated labels, with at least one dot (RFC 1035).
_DOMAIN = re.compile(r"^(?=.{1,253}$)([a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z][a-z0-9-]{0,61}[a-z0-9]$")


@dataclass(frozen=True)
class RegistrationPolicy:
    """`mode` is one of MODES; `domains` (lower case, no "@") matter only in mode "domains"."""

    mode: str
    domains: tuple[str, ...] = field(default_factory=tuple)
    saved: bool = True  # False: the default, not saved by an administrator

    def allows(self, email: str) -> bool:
        """Whether an address may register itself under this policy."""
        if self.mode == "open":
            return True
        if self.mode == "off":
            return False
        return normalize_email(email).rpartition("@")[2] in self.domains


def domain_of(email: str) -> str:
    return normalize_email(email).rpartition("@")[2]


def current_policy(session: Session) -> RegistrationPolicy:
    """The policy in force: the saved one, else limited to the first administrator's domain, else open."""
    row = session.get(Setting, KEY)
    if row is not None and row.value.get("mode") in MODES:
        return RegistrationPolicy(row.value["mode"], tuple(row.value.get("domains") or ()))
    first_admin = session.exec(select(User.email).where(User.role == "admin", User.active.is_(True))
                               .order_by(User.created_at, User.id).limit(1)).first()
    if first_admin is None:
        return RegistrationPolicy("open", (), saved=False)
    return RegistrationPolicy("domains", (domain_of(first_admin),), saved=False)


def parse_domains(text: str) -> list[str]:
    """The domains of a text (separated by commas, spaces or new lines; a leading "@" is dropped), in
    order, without repeats. Raises ServiceError on `domains` for a name that is not a domain, or too many."""
    found: list[str] = []
    for part in re.split(r"[\s,;]+", text or ""):
        name = part.strip().lstrip("@").lower().rstrip(".")
        if not name:
            continue
        try:
            name = name.encode("idna").decode("ascii")  # 例子.中国 -> xn--...; what addresses are compared as
        except UnicodeError:
            raise ServiceError(str(_l("%(name)s is not a domain name.", name=part)), field="domains") from None
        if not _DOMAIN.match(name):
            raise ServiceError(str(_l("%(name)s is not a domain name.", name=part)), field="domains")
        if name not in found:
            found.append(name)
    if len(found) > MAX_DOMAINS:
        raise ServiceError(str(_l("List at most %(n)d domains.", n=MAX_DOMAINS)), field="domains")
    return found


@retrying
def set_policy(*, session: Session, actor: User, mode: str, domains: list[str]) -> RegistrationPolicy:
    """Save the registration policy (audited). Commits.

    Raises ServiceError on `mode` for an unknown mode, on `domains` when mode is "domains" and none is listed.
    """
    if mode not in MODES:
        raise ServiceError(str(_l("Choose who may register.")), field="mode")
    if mode == "domains" and not domains:
        raise ServiceError(str(_l("List at least one domain.")), field="domains")
    begin_write(session)
    row = session.get(Setting, KEY, populate_existing=True) or Setting(key=KEY)
    old = row.value.get("mode") if row.value else None
    row.value = {"mode": mode, "domains": list(domains) if mode == "domains" else []}
    session.add(row)
    audit.record(session, actor_id=actor.id, action="registration_policy_changed", target_type="setting",
                 old=old, new=mode, domains=len(row.value["domains"]))
    session.commit()
    return RegistrationPolicy(mode, tuple(row.value["domains"]))


def refusal(policy: RegistrationPolicy) -> str:
    """Why an address may not register itself, in words for the register page."""
    if policy.mode == "off":
        return str(_l("This organisation does not let people create accounts themselves. "
                      "Ask an administrator to add you, or sign in with the account you were given."))
    return str(_l("Only addresses at %(domains)s may create an account here. "
                  "Use your work address, or ask an administrator to add you.",
                  domains=", ".join(policy.domains)))


def register(*, session: Session, email: str, display_name: str, password: str,
             preferred_language: str | None = None) -> User:
    """Self-registration under the policy in force: an employee account with this password. Commits.

    Raises ServiceError (on `email`) when the policy refuses the address, else as `auth.create_user`.
    """
    policy = current_policy(session)
    if not policy.allows(email):
        raise ServiceError(refusal(policy), field="email")
    return create_user(session=session, email=email, display_name=display_name, password=password,
                       preferred_language=preferred_language)
