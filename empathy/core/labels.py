"""How stored things are named in the reader's language (English, or Chinese when there is a label)."""

from __future__ import annotations

from functools import cache

from flask_babel import lazy_gettext as _l
from flask_babel import lazy_pgettext
from sqlmodel import Session, select

from empathy.data import load_beneficiaries, load_categories
from empathy.models import Site

# Stored codes as people read them, one table per family of codes, in sentence case everywhere (badges,
# lists, e-mails). Families share English words ("Open", "Rejected") that other languages tell apart, so
# each keeps a context of its own in the catalogue.
NEED_STATUS = {
    # "Open" is also a verb (the link of a notification): the context keeps the status apart in the catalogue.
    "draft": lazy_pgettext("need status", "Draft"),
    "open": lazy_pgettext("need status", "Open"),
    "filled": lazy_pgettext("need status", "Filled"),
    "closed": lazy_pgettext("need status", "Closed"),
    "completed": lazy_pgettext("need status", "Completed"),
    "cancelled": lazy_pgettext("need status", "Cancelled"),
}
SIGNUP_STATUS = {
    "suggested": lazy_pgettext("sign-up status", "Suggested"),
    "invited": lazy_pgettext("sign-up status", "Invited"),
    "volunteered": lazy_pgettext("sign-up status", "Awaiting approval"),
    "confirmed": lazy_pgettext("sign-up status", "Confirmed"),
    "declined": lazy_pgettext("sign-up status", "Declined"),
    "rejected": lazy_pgettext("sign-up status", "Not taken up"),
    "removed": lazy_pgettext("sign-up status", "Removed"),
    "withdrawn": lazy_pgettext("sign-up status", "Withdrawn"),
    "attended": lazy_pgettext("sign-up status", "Attended"),
    "no_show": lazy_pgettext("sign-up status", "Did not come"),
}
HOURS_STATUS = {
    "pending": lazy_pgettext("hours status", "Pending"),
    "approved": lazy_pgettext("hours status", "Approved"),
    "rejected": lazy_pgettext("hours status", "Not approved"),
}
ROLES = {"employee": _l("Employee"), "coordinator": _l("Coordinator"), "admin": _l("Administrator")}
# Who may create an account themselves (the registration policy's modes).
REGISTRATION_MODES = {
    "domains": _l("Only addresses at these domains"),
    "open": _l("Anyone"),
    "off": _l("Nobody: administrators and provisioning add accounts"),
}
# How an account was added, changed or deleted, as the audit log records it ("via").
CHANNELS = {"form": _l("The administrators' form"), "scim": _l("The provisioning system (SCIM)")}
# The tables by family, as templates name them: code_label("need_status", need.status).
TABLES = {"need_status": NEED_STATUS, "signup_status": SIGNUP_STATUS, "hours_status": HOURS_STATUS, "role": ROLES,
          "registration_mode": REGISTRATION_MODES, "channel": CHANNELS}


def code_label(family: str, code: str | None) -> str:
    """A stored code of `family` (a key of TABLES) in the reader's language; an unknown code as it is.
    KeyError for an unknown family."""
    label = TABLES[family].get(code or "")
    return str(label) if label is not None else (code or "")


def category_label(code: str | None, lang: str) -> str:
    """A skill category code ("creative") by its label in `lang` ("Arts & creative"); "other" and unknown
    codes read "Other"."""
    entry = load_categories().get(code or "")
    return localized(entry, lang) if entry else str(_l("Other"))


def skill_label(skill, lang: str) -> str:
    """A skill (or a row with name, label_en and label_zh) in `lang`: its Chinese label in Chinese,
    else its English label, else whichever label it has, else its canonical name."""
    if lang == "zh" and skill.label_zh:
        return skill.label_zh
    return skill.label_en or skill.label_zh or skill.name


def beneficiary_name(name: str | None, lang: str) -> str:
    """A beneficiary organisation as a need names it, in `lang` when the organisation is one the company works
    with (data/beneficiaries.json holds both its names, and a need may be written with either); any other
    name as it was typed."""
    if not name:
        return ""
    entry = _beneficiaries().get(" ".join(name.split()).casefold())
    return localized(entry, lang) if entry else name


@cache
def _beneficiaries() -> dict[str, dict[str, str]]:
    """The catalogue's organisations by each of their names, folded."""
    return {" ".join(entry[lang].split()).casefold(): entry
            for entry in load_beneficiaries() for lang in ("en", "zh") if entry.get(lang)}


def site_name(site, lang: str) -> str:
    """A site's name in `lang` ("" for no site)."""
    if site is None:
        return ""
    return site.name_zh if lang == "zh" and site.name_zh else site.name_en


def localized(entry: dict, lang: str, en: str = "en", zh: str = "zh") -> str:
    """A catalogue entry's (a cause's) Chinese label in Chinese when it has one, else its English one."""
    return (entry.get(zh) if lang == "zh" else None) or entry.get(en) or ""


def site_codes(session: Session) -> dict[int, str]:
    """Every site's code by its id (exports and documents name sites by code)."""
    return {s.id: s.code for s in session.exec(select(Site)).all()}
