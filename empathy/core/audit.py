"""The audit log: administrative and approval actions, written in the transaction of the action."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass

from flask_babel import lazy_gettext as _l
from sqlmodel import Session, select

from empathy.core.labels import code_label, site_name, skill_label
from empathy.core.pagination import Page, paginate
from empathy.models import AUDIT_ACTIONS, AuditEntry, HoursRecord, Match, Need, Site, Skill, User

ACTION_LABELS = {
    "role_changed": _l("Role changed"),
    "user_activated": _l("Account reactivated"),
    "user_deactivated": _l("Account deactivated"),
    "employees_imported": _l("Employees imported"),
    "skills_merged": _l("Skills merged"),
    "account_deleted": _l("Account deleted"),
    "hours_approved": _l("Hours approved"),
    "hours_rejected": _l("Hours rejected"),
    "volunteer_approved": _l("Volunteer approved"),
    "volunteer_rejected": _l("Volunteer turned down"),
    "password_reset": _l("Password reset by e-mail"),
    "need_created": _l("Need created"),
    "need_edited": _l("Need edited"),
    "need_published": _l("Need published"),
    "need_closed": _l("Need closed"),
    "need_reopened": _l("Need reopened"),
    "need_cancelled": _l("Need cancelled"),
    "volunteers_invited": _l("Volunteers invited"),
    "two_factor_enabled": _l("Two-factor sign-in turned on"),
    "two_factor_disabled": _l("Two-factor sign-in turned off"),
    "two_factor_reset": _l("Two-factor sign-in turned off by an administrator"),
    "sso_account_created": _l("Account created through single sign-on"),
    "sso_account_linked": _l("Account linked to a single sign-on provider"),
    "provisioning_token_created": _l("Provisioning token created"),
    "provisioning_token_revoked": _l("Provisioning token revoked"),
    "registration_policy_changed": _l("Registration policy changed"),
    "user_created": _l("Account added"),
    "mail_retried": _l("E-mail queued again"),
    "need_deleted": _l("Draft need deleted"),
    "site_deactivated": _l("Site deactivated"),
    "site_reactivated": _l("Site reactivated"),
    "scim_group_deleted": _l("Group deleted by the provisioning system"),
    "volunteer_removed": _l("Volunteer taken off a need"),
}


def record(session: Session, *, actor_id: int | None, action: str, target_type: str = "",
           target_id: int | None = None, **details: int | str | dict | None) -> AuditEntry:
    """Add an entry to the session; the caller's commit writes it with the action. Ids and codes, and the name
    of a row the action deletes (`<key>_name`, see REMEMBERED), never a person's."""
    if action not in AUDIT_ACTIONS:
        raise ValueError(f"unknown audit action {action!r}")
    entry = AuditEntry(actor_id=actor_id, action=action, target_type=target_type, target_id=target_id,
                       details=details)
    session.add(entry)
    return entry


def list_entries(*, session: Session, action: str = "", page: int = 1, per_page: int = 50) -> Page:
    """Entries newest first, optionally of one action."""
    stmt = select(AuditEntry).order_by(AuditEntry.created_at.desc(), AuditEntry.id.desc())
    if action in AUDIT_ACTIONS:
        stmt = stmt.where(AuditEntry.action == action)
    return paginate(session, stmt, page=page, per_page=per_page)


# What an entry names, by kind: the target types, and the details that hold the id of a row.
SUBJECT_KINDS = {
    "user": _l("User"), "need": _l("Need"), "skill": _l("Skill"), "hours": _l("Hours"), "match": _l("Sign-up"),
    "site": _l("Site"),
}
# Targets named by their kind only (no name is looked up): the kind's label instead of its code.
OTHER_TARGETS = {"outbox_message": _l("E-mail"), "provisioning_token": _l("Provisioning token"),
                 "setting": _l("Setting")}
DETAIL_SUBJECTS = {"need": "need", "merged": "skill", "copied_from": "need", "owner": "user", "self_review": "user"}
# The name a row had when the action that deleted it was recorded (a merged skill, a deleted draft), kept in the
# details beside its id as `<key>_name` (`target_name` for the target): a name in one language, or
# {"en": ..., "zh": ...}. Never a person's: a deleted account's name goes with it.
REMEMBERED = "_name"


def remembered_name(value, lang: str) -> str:
    """A remembered name (see REMEMBERED) in `lang`, or ""."""
    if isinstance(value, dict):
        return str(value.get(lang) or value.get("en") or "")
    return str(value or "")
# Details that hold a stored code, shown through its label table (core.labels.TABLES); an action whose
# details hold codes of another family says so in ACTION_DETAIL_CODES.
DETAIL_CODES = {"old": "role", "new": "role", "role": "role", "via": "channel"}
DETAIL_IDS = {"token"}  # the id of a row that is not named (a provisioning token): "#3"
ACTION_DETAIL_CODES = {"registration_policy_changed": {"old": "registration_mode", "new": "registration_mode"}}
DETAIL_LABELS = {
    "need": _l("Need"), "merged": _l("Merged skill"), "copied_from": _l("Copied from"), "old": _l("Before"),
    "new": _l("After"), "created": _l("Accounts created"), "updated": _l("Accounts updated"), "invited": _l("Invited"),
    "people_told": _l("People told"), "active": _l("Active"), "kind": _l("Kind"),
    "owner": _l("Owner"), "token": _l("Provisioning token"), "via": _l("Through"), "role": _l("Role"),
    "domains": _l("Domains listed"),
    "self_review": _l("Own hours reviewed by their author, as nobody else could"),
}


@dataclass(frozen=True)
class Subject:
    """A row an audit entry names: its kind ("user", "need", ...), id, and name ("" once it is deleted)."""

    kind: str
    id: int | None
    name: str
    remembered: str = ""  # the name it had when deleted, if the entry kept it

    @property
    def gone(self) -> bool:
        return not self.name

    @property
    def kind_label(self) -> str:
        return str(SUBJECT_KINDS.get(self.kind, self.kind))


@dataclass
class EntryView:
    """One audit entry as the log page shows it: names first, ids beside them."""

    entry: AuditEntry
    actor: Subject | None
    target: Subject | None
    details: list[tuple[str, Subject | str]]
    other_target: str = ""  # the kind of a target that is not a Subject, in words ("E-mail")


def describe_entries(*, session: Session, entries: list[AuditEntry], lang: str) -> list[EntryView]:
    """Name the people, needs, skills, hours and sign-ups a page of entries refers to: one query per kind
    of row, whatever the page's length (not one per entry). A deleted row is a Subject without a name."""
    wanted: dict[str, set[int]] = defaultdict(set)
    for e in entries:
        if e.actor_id is not None:
            wanted["user"].add(e.actor_id)
        if e.target_id is not None and e.target_type in SUBJECT_KINDS:
            wanted[e.target_type].add(e.target_id)
        for key, kind in DETAIL_SUBJECTS.items():
            if isinstance((e.details or {}).get(key), int):
                wanted[kind].add(e.details[key])
    names = _names(session, wanted, lang)

    def subject(kind: str, row_id: int | None, remembered=None) -> Subject | None:
        if row_id is None:
            return None
        return Subject(kind, row_id, names.get((kind, row_id), ""), remembered_name(remembered, lang))

    views = []
    for e in entries:
        details: list[tuple[str, Subject | str]] = []
        codes = {**DETAIL_CODES, **ACTION_DETAIL_CODES.get(e.action, {})}
        given = e.details or {}
        for key, value in given.items():  # in the order the action wrote them
            if key.endswith(REMEMBERED) and (key == "target" + REMEMBERED or key[: -len(REMEMBERED)] in given):
                continue  # shown as the name of its row
            label = str(DETAIL_LABELS.get(key, key))
            if key in DETAIL_SUBJECTS and isinstance(value, int):
                details.append((label, subject(DETAIL_SUBJECTS[key], value, given.get(key + REMEMBERED))))
            elif key in codes:
                details.append((label, "" if value is None else code_label(codes[key], str(value))))
            elif key in DETAIL_IDS and isinstance(value, int):
                details.append((label, f"#{value}"))
            else:
                details.append((label, "" if value is None else str(value)))
        target = (subject(e.target_type, e.target_id, given.get("target" + REMEMBERED))
                  if e.target_type in SUBJECT_KINDS else None)
        other = "" if target or not e.target_type else str(OTHER_TARGETS.get(e.target_type, e.target_type))
        views.append(EntryView(e, subject("user", e.actor_id), target, details, other))
    return views


def _names(session: Session, wanted: dict[str, set[int]], lang: str) -> dict[tuple[str, int], str]:
    names: dict[tuple[str, int], str] = {}
    if wanted["user"]:
        for uid, name in session.exec(select(User.id, User.display_name).where(User.id.in_(wanted["user"]))):
            names[("user", uid)] = name
    if wanted["need"]:
        for nid, title in session.exec(select(Need.id, Need.title).where(Need.id.in_(wanted["need"]))):
            names[("need", nid)] = title
    if wanted["skill"]:
        for skill in session.exec(select(Skill).where(Skill.id.in_(wanted["skill"]))):
            names[("skill", skill.id)] = skill_label(skill, lang)
    if wanted["site"]:
        for site in session.exec(select(Site).where(Site.id.in_(wanted["site"]))):
            names[("site", site.id)] = site_name(site, lang)
    # Hours and sign-ups are named by their person and need ("Ann Lee · Reading club").
    for kind, table in (("hours", HoursRecord), ("match", Match)):
        if wanted[kind]:
            rows = session.exec(
                select(table.id, User.display_name, Need.title)
                .join(Need, Need.id == table.need_id).outerjoin(User, User.id == table.user_id)
                .where(table.id.in_(wanted[kind])))
            for row_id, person, title in rows:
                names[(kind, row_id)] = f"{person} · {title}" if person else title
    return names
