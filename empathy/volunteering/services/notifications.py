"""In-app notifications and their e-mails, shown in the reader's language, and start reminders."""

from __future__ import annotations

from datetime import datetime, timedelta

import sqlalchemy as sa
from flask_babel import force_locale, format_decimal, get_locale, gettext, ngettext
from flask_babel import lazy_gettext as _l
from sqlalchemy.exc import IntegrityError
from sqlmodel import Session, func, select

from empathy.core.dates import format_moment, format_when
from empathy.core.db import begin_write, retrying, utcnow
from empathy.core.errors import Forbidden, NotFound
from empathy.core.mail import queue_mail, render_mail
from empathy.core.pagination import Page, paginate
from empathy.models import Match, MatchReminder, MatchStatus, Need, NeedStatus, Notification, Site, User

REMINDER_AHEAD = timedelta(days=2)
# Needs that take place with their confirmed volunteers: a closed need takes no one new, but still happens.
TAKING_PLACE = (NeedStatus.OPEN, NeedStatus.FILLED, NeedStatus.CLOSED)

# Stored as a kind plus parameters; the sentence is made in the language of whoever reads it.
MESSAGES = {
    "invited": _l("%(by)s invited you to help with “%(need)s”."),
    "confirmed": _l("You are confirmed for “%(need)s”."),
    "volunteered": _l("%(name)s volunteered for “%(need)s” and awaits your approval."),
    "signed_up": _l("%(name)s signed up for “%(need)s”."),
    "rejected": _l("Your offer to help with “%(need)s” was not taken up."),
    "removed": _l("You were taken off “%(need)s”: %(reason)s"),
    "withdrawn": _l("%(name)s withdrew from “%(need)s”."),
    "cancelled": _l("“%(need)s” is cancelled."),
    "need_changed": _l("“%(need)s” has changed: it was %(old_when)s at %(old_place)s; "
                       "it is now %(when)s at %(place)s."),
    "hours_rejected": _l("Your hours for “%(need)s” were not approved: %(reason)s"),
    "reminder": _l("Reminder: “%(need)s” starts %(starts_at)s."),
    "clash": _l("“%(need)s” has moved and now overlaps “%(other)s”, which you are also committed to. You cannot be "
                "at both: withdraw from one of them on your commitments page."),
    "clash_elsewhere": _l("“%(moved)s” has moved and now overlaps your need “%(need)s”: %(name)s is committed to "
                          "both. Ask them which one they will come to."),
}
# Kinds whose sentence counts something: the count's key, then the sentence for that count (ngettext).
COUNTED = {
    "hours_approved": ("hours", lambda n, v: ngettext("Your %(hours)s hour for “%(need)s” is approved.",
                                                      "Your %(hours)s hours for “%(need)s” are approved.", n, **v)),
}
# Kinds whose sentence names someone, worded without the name once that person deleted their account.
WITHOUT_NAME = {
    "invited": _l("You were invited to help with “%(need)s”."),
}
# Kinds whose newer notices also say when and where (older ones, stored without, keep their sentence).
WITH_TIME = {
    "cancelled": _l("“%(need)s” (%(when)s at %(place)s) is cancelled."),
    "removed": _l("You were taken off “%(need)s” (%(when)s at %(place)s): %(reason)s"),
}
SUBJECTS = {
    "invited": _l("An invitation to volunteer"),
    "confirmed": _l("You are confirmed"),
    "cancelled": _l("A need you signed up for is cancelled"),
    "need_changed": _l("A need you signed up for has changed"),
    "removed": _l("You were taken off a need"),
    "hours_approved": _l("Your hours are approved"),
    "hours_rejected": _l("Your hours were not approved"),
    "reminder": _l("Your volunteering starts soon"),
    "clash": _l("Two of your commitments now overlap"),
}
# The subject for someone only invited (`mail_context={"invited": True}`): they signed up for nothing yet.
INVITED_SUBJECTS = {
    "need_changed": _l("A need you were invited to has changed"),
    "cancelled": _l("A need you were invited to is cancelled"),
}


def place_params(site, is_remote: bool) -> dict:
    """A need's place as a notification stores it: the site's names in both languages and whether it is
    remote (shown by `render` in the reader's language)."""
    return {"en": site.name_en if site else "", "zh": (site.name_zh or site.name_en) if site else "",
            "remote": bool(is_remote)}


def need_details(session: Session, need: Need) -> dict:
    """A need's time, place and hours per volunteer as notification parameters (starts_at, ends_at,
    place, hours), shown by `shown_params` in the reader's language and the organisation's time zone."""
    site = session.get(Site, need.site_id) if need.site_id else None
    return {"starts_at": need.starts_at.isoformat(), "ends_at": need.ends_at.isoformat(),
            "place": place_params(site, need.is_remote), "hours": need.hours_per_volunteer}


def _place(value: dict) -> str:
    lang = str(get_locale() or "en")
    name = value.get("zh") if lang == "zh" else value.get("en")
    if not name:
        return gettext("Remote")
    return name + (" / " + gettext("Remote") if value.get("remote") else "")


def shown_params(params: dict) -> dict:
    """The parameters as a reader sees them, in the current language and the organisation's time zone:
    datetimes (keys ending _at, ISO text) formatted, places (keys ending place, see `place_params`) named,
    and `when` (`old_when`) for a stored start and end."""
    shown = dict(params)
    for key, value in params.items():
        if key.endswith("_at") and isinstance(value, str):
            shown[key] = format_moment(value)
        elif key.endswith("place") and isinstance(value, dict):
            shown[key] = _place(value)
    # A span reads as one date with two times when it starts and ends on one day (core.dates.format_when).
    for prefix in ("", "old_"):
        if isinstance(params.get(prefix + "starts_at"), str) and isinstance(params.get(prefix + "ends_at"), str):
            shown[prefix + "when"] = format_when(params[prefix + "starts_at"], params[prefix + "ends_at"])
    for key, _sentence in COUNTED.values():
        if key in params:  # stored as a number (older rows: its text); 8.0 reads "8", 1.5 "1.5" (reader's locale)
            shown[key] = format_decimal(float(params.get(key) or 0))
    return shown


def render(kind: str, params: dict) -> str:
    """The notification's sentence in the current language and the organisation's time zone (the
    parameters as `shown_params` gives them)."""
    shown = shown_params(params)
    if kind in COUNTED:
        key, sentence = COUNTED[kind]
        count = float(params.get(key) or 0)
        # gettext's plural rules take whole numbers; a fraction takes the "other" form (CLDR: "1.5 hours").
        return sentence(int(count) if count.is_integer() else 2, shown)
    if kind in WITHOUT_NAME and "by" not in params:
        template = WITHOUT_NAME[kind]
    elif kind in WITH_TIME and "starts_at" in params:
        template = WITH_TIME[kind]
    else:
        template = MESSAGES.get(kind)
    return str(template) % shown if template is not None else kind


def mail_facts(session: Session, need: Need | None, params: dict) -> dict | None:
    """What an e-mail about a need states (its title, when in the organisation's time zone, where), in the
    current language: the notice's own time and place when it has them (a change notice's new ones), else
    the need's. None for a notice about no need."""
    if need is None and "starts_at" not in params:
        return None
    shown = shown_params({**(need_details(session, need) if need is not None else {}), **params})
    return {"need": params.get("need") or (need.title if need is not None else ""),
            "when": shown.get("when") or shown.get("starts_at"), "place": shown.get("place")}


def notify(session: Session, user: User, kind: str, params: dict, *, link: str = "",
           base_url: str = "", message: str = "", need_id: int | None = None, need: Need | None = None,
           mail_context: dict | None = None) -> Notification:
    """Add an in-app notification (about the need `need_id`, if given), and an e-mail for the kinds that
    send one, written in the recipient's language from the templates `mail/<kind>.txt` and `.html` (else
    `mail/notification.*`), with the facts of `need` (`mail_facts`) and the link `base_url + link`.
    `mail_context`: more for the e-mail's templates only (e.g. answer links; ``invited``: the person is only
    invited, which words the subject and the next step of a change or a cancellation for them). The caller
    commits."""
    note = Notification(user_id=user.id, kind=kind, params=params, link=link, need_id=need_id)
    session.add(note)
    if kind in SUBJECTS:
        language = user.preferred_language or "en"
        with force_locale(language):
            context = {"sentence": render(kind, params), "params": shown_params(params), "message": message,
                       "url": base_url + link if link else "", "name": user.display_name,
                       "facts": mail_facts(session, need, params), **(mail_context or {})}
            text, html = render_mail([kind, "notification"], language, **context)
            invited = (mail_context or {}).get("invited") and kind in INVITED_SUBJECTS
            subject = INVITED_SUBJECTS[kind] if invited else SUBJECTS[kind]
            queue_mail(session, to=user.email, subject=str(subject), body=text, html=html,
                       kind=f"{kind}:{user.id}", language=language)
    return note


def unread_count(*, session: Session, user: User) -> int:
    """How many notifications the user has not read."""
    return session.exec(
        select(func.count()).select_from(Notification)
        .where(Notification.user_id == user.id, Notification.read_at.is_(None))
    ).one()


def list_notifications(*, session: Session, user: User, page: int = 1, per_page: int = 20) -> Page:
    """The user's notifications, newest first."""
    statement = (select(Notification).where(Notification.user_id == user.id)
                 .order_by(Notification.created_at.desc(), Notification.id.desc()))
    return paginate(session, statement, page=page, per_page=per_page)


@retrying
def mark_read(*, session: Session, user: User, notification_id: int | None = None) -> int:
    """Mark one notification (or all of them) read; returns how many changed. Commits."""
    begin_write(session)
    statement = sa.update(Notification).where(Notification.user_id == user.id, Notification.read_at.is_(None))
    if notification_id is not None:
        note = session.get(Notification, notification_id)
        if note is None:
            raise NotFound(str(_l("This notification does not exist.")))
        if note.user_id != user.id:
            raise Forbidden(str(_l("This notification belongs to someone else.")))
        statement = statement.where(Notification.id == notification_id)
    changed = session.execute(statement.values(read_at=utcnow())).rowcount
    session.commit()
    return changed


@retrying
def send_reminders(*, session: Session, base_url: str = "", now: datetime | None = None) -> int:
    """Remind confirmed volunteers of needs starting within two days: once per match and scheduled start,
    so a need moved to a new start is reminded again, and a cancelled need never. Returns how many were
    sent. Commits."""
    now = now or utcnow()
    begin_write(session)  # it runs beside the web workers: a writer from the start, or SQLite refuses it
    due = session.exec(
        select(Match, Need, User)
        .join(Need, Need.id == Match.need_id)
        .join(User, User.id == Match.user_id)
        .outerjoin(MatchReminder, (MatchReminder.match_id == Match.id) & (MatchReminder.starts_at == Need.starts_at))
        .where(Match.status == MatchStatus.CONFIRMED, Need.status.in_(TAKING_PLACE),
               Need.starts_at > now, Need.starts_at <= now + REMINDER_AHEAD,
               MatchReminder.id.is_(None), User.active.is_(True))
        .order_by(Match.id)
    ).all()
    sent = 0
    for match, need, user in due:
        try:
            # Unique (match, start) in match_reminders keeps two overlapping runs from both sending.
            with session.begin_nested():
                session.add(MatchReminder(match_id=match.id, starts_at=need.starts_at))
                session.flush()
        except IntegrityError:
            continue
        notify(session, user, "reminder", {"need": need.title, "starts_at": need.starts_at.isoformat()},
               link="/commitments", base_url=base_url, need_id=need.id, need=need)
        sent += 1
    session.commit()
    return sent
