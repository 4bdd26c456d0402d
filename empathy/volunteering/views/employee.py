"""The employee's side: volunteer, answer invitations, withdraw, log hours, the calendar."""

from __future__ import annotations

from urllib.parse import urlsplit

from flask import Response, abort, current_app, flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_login import login_required

from empathy.accounts.login import me
from empathy.accounts.throttling import client_address
from empathy.core import once, web
from empathy.core.db import get_session
from empathy.core.errors import ServiceError
from empathy.core.i18n import ui_language
from empathy.core.labels import site_name
from empathy.core.runtime import org_timezone
from empathy.core.web import form_error
from empathy.extensions import limiter
from empathy.models import MatchStatus
from empathy.needs.joinable import has_started
from empathy.profiles.taxonomy import explanation_skill_names, skill_labels
from empathy.volunteering.forms import ActionForm, HoursForm, VolunteerForm
from empathy.volunteering.services import calendar, hours, signups
from empathy.volunteering.services.seats import load_match, load_need, require_own
from empathy.volunteering.views import base_url, bp


@bp.get("/commitments")
@login_required
def commitments():
    session = get_session()
    mine = signups.my_commitments(session=session, user=me())
    expls = [m.explanation for m, _n in mine.invitations if m.explanation]
    labels = skill_labels(session, explanation_skill_names(expls), ui_language())
    records = hours.records_for_user(session=session, user=me())
    places = {site_id: site_name(site, ui_language()) for site_id, site in mine.sites.items()}
    return render_template("workflow/commitments.html", c=mine, labels=labels, form=ActionForm(), places=places,
                           has_calendar_link=calendar.has_feed(session=session, user=me()),
                           has_started=has_started,
                           totals=hours.totals_for(session=session, user=me()), records=records,
                           review_alone=hours.needs_reviewed_by_oneself(session=session, user=me(), records=records))


def _act(action, match_id: int, done: str, **kwargs):
    back = url_for("workflow.commitments")
    if ActionForm().validate_on_submit():
        web.return_to(back)
        action(session=get_session(), user=me(), match_id=match_id, **kwargs)
        flash(done, "success")
    return redirect(back)


@bp.post("/commitments/<int:match_id>/accept")
@login_required
def accept(match_id: int):
    return _act(signups.accept_invitation, match_id, _("You are confirmed. Thank you!"), base_url=base_url())


@bp.post("/commitments/<int:match_id>/decline")
@login_required
def decline(match_id: int):
    return _act(signups.decline_invitation, match_id, _("You declined the invitation."))


@bp.post("/commitments/<int:match_id>/withdraw")
@login_required
def withdraw(match_id: int):
    return _act(signups.withdraw, match_id, _("You withdrew. The coordinator is told."))


def _to_commitments(_row) -> str:
    return url_for("workflow.commitments")


@bp.route("/needs/<int:need_id>/volunteer", methods=["GET", "POST"])
@login_required
@once.one_time_form(_to_commitments)
def volunteer(need_id: int):
    session = get_session()
    need = load_need(session, need_id)
    form = VolunteerForm()
    if once.validate(form):
        match = signups.volunteer(session=session, user=me(), need_id=need_id,
                                  message=form.message.data or "", base_url=base_url(),
                                  submission=once.submission())
        flash(_("You are confirmed. Thank you!") if match.status == MatchStatus.CONFIRMED
              else _("Thank you! The coordinator will confirm your place."), "success")
        return redirect(url_for("workflow.commitments"))
    clash, invited = signups.sign_up_clashes(session=session, user=me(), need=need)
    return render_template("workflow/volunteer.html", need=need, form=form, clash=clash, invited=invited)


def calendar_host() -> str:
    """The host in every calendar entry's UID: the app's own (BASE_URL), however the request reached it,
    so a download and a subscription name the same entries."""
    return urlsplit(base_url()).hostname or "empathy"


def _ics(user, *, download: bool) -> Response:
    body = calendar.commitments_calendar(session=get_session(), user=user, host=calendar_host())
    headers = {"Cache-Control": "private, no-cache"}
    if download:
        headers["Content-Disposition"] = 'attachment; filename="empathy-commitments.ics"'
    return Response(body, mimetype="text/calendar", headers=headers)


@bp.get("/commitments.ics")
@login_required
def commitments_ics():
    return _ics(me(), download=True)


def _feed_limit() -> str:
    return current_app.config["CALENDAR_FEED_LIMITS"]


@bp.get("/calendar/<token>.ics")
@limiter.limit(_feed_limit, key_func=client_address)
def calendar_feed(token: str):
    """The subscription feed: the token in the link is the only credential (no session); an unknown or
    reset token answers 404."""
    user = calendar.feed_owner(session=get_session(), token=token)
    if user is None:
        abort(404)
    return _ics(user, download=False)


@bp.post("/commitments/calendar-link")
@login_required
def calendar_link():
    """Make a new subscription link (the earlier one stops working) and show it, once."""
    if not ActionForm().validate_on_submit():
        flash(_("The form has expired. Try again."), "error")
        return redirect(url_for("workflow.commitments"))
    token = calendar.reset_feed_token(session=get_session(), user=me())
    # The address the user reached the app by (behind the trusted proxy setting): it is shown to them alone.
    url = url_for("workflow.calendar_feed", token=token, _external=True)
    return render_template("workflow/calendar_link.html", url=url, form=ActionForm())


@bp.post("/commitments/calendar-link/revoke")
@login_required
def revoke_calendar_link():
    if ActionForm().validate_on_submit() and calendar.revoke_feed_token(session=get_session(), user=me()):
        flash(_("Your calendar link is turned off: calendars subscribed to it no longer update."), "success")
    return redirect(url_for("workflow.commitments"))


@bp.route("/commitments/<int:match_id>/hours", methods=["GET", "POST"])
@login_required
@once.one_time_form(_to_commitments)
def log_hours(match_id: int):
    session = get_session()
    match = load_match(session, match_id)
    require_own(me(), match)
    need = load_need(session, match.need_id)
    form = HoursForm()
    if not form.is_submitted():  # hours are logged for the need's own days: offer its first
        form.worked_on.data = hours.need_days(need, org_timezone())[0]
    if once.validate(form):
        try:
            hours.log_hours(session=session, user=me(), match_id=match_id, hours=form.hours.data,
                            worked_on=form.worked_on.data, note=form.note.data or "", tz=org_timezone(),
                            submission=once.submission())
        except ServiceError as exc:
            if exc.field not in form:
                raise  # a refusal of the whole entry: flashed by the blueprint's handler
            form_error(form, exc)
        else:
            flash(_("Your hours are logged and wait for the coordinator's approval."), "success")
            return redirect(url_for("workflow.commitments"))
    records = hours.records_for_user(session=session, user=me()).get(match.id, [])
    return render_template("workflow/hours.html", need=need, match=match, form=form, records=records)
