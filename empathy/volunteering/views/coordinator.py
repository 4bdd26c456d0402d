"""The coordinator's side: suggestions and invitations, the people board, hours review, the team."""

from __future__ import annotations

from flask import abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from wtforms.fields.choices import SelectChoice

from empathy.accounts.login import me, role_required
from empathy.admin.services.sites import active_sites
from empathy.core import web
from empathy.core.db import get_session
from empathy.core.i18n import ui_language
from empathy.core.inputs import id_in_text
from empathy.core.labels import site_name
from empathy.models import CREDENTIAL_KINDS
from empathy.profiles import credentials
from empathy.profiles.taxonomy import explanation_skill_names, skill_labels
from empathy.suggestions.runtime import match_index
from empathy.volunteering.forms import ActionForm, InviteForm, NeedCredentialsForm, ReasonForm, SuggestionFilterForm
from empathy.volunteering.services import hours, invitations, roster, teams
from empathy.volunteering.views import base_url, bp, send_mail

PAGE = 20


def _ids(name: str) -> list[int]:
    # All of them: the service refuses more than one invitation takes, rather than inviting the first ones only.
    return [n for n in map(id_in_text, request.form.getlist(name)) if n is not None]


def _filter_form() -> SuggestionFilterForm:
    form = SuggestionFilterForm(request.args)
    lang = ui_language()
    sites = active_sites(session=get_session())
    form.site.choices = [SelectChoice("", _("Any site"))] + [SelectChoice(s.id, site_name(s, lang)) for s in sites]
    form.min_level.choices = [SelectChoice("", _("Any level"))] + [
        SelectChoice(n, label)
        for n, label in ((1, _("beginner")), (2, _("intermediate")), (3, _("advanced")), (4, _("expert")))]
    return form


@bp.get("/needs/<int:need_id>/suggestions")
@role_required("coordinator")
def suggestions(need_id: int):
    session, form = get_session(), _filter_form()
    form.validate()
    shown = min(max(request.args.get("shown", PAGE, type=int) or PAGE, PAGE), invitations.POOL)
    filters = invitations.SuggestionFilters(
        department=(form.department.data or "").strip()[:120], site_id=form.site.data,
        weekdays=bool(form.weekdays.data), weekends=bool(form.weekends.data), min_level=form.min_level.data)
    found, more = invitations.find_candidates(session=session, index=match_index(), actor=me(),
                                              need_id=need_id, filters=filters, limit=shown)
    need = roster.load_need(session, need_id)
    labels = skill_labels(session, explanation_skill_names([c.explanation for c in found or []]), ui_language())
    return render_template("workflow/suggestions.html", need=need, found=found, more=more, shown=shown,
                           filters=form, form=InviteForm(), labels=labels, cred_label=credentials.label)


@bp.post("/needs/<int:need_id>/invite")
@role_required("coordinator")
def invite(need_id: int):
    form, back = InviteForm(), url_for("workflow.suggestions", need_id=need_id)
    if not form.validate_on_submit():
        flash(" ".join(form.message.errors), "error")
        return redirect(web.referer_path() or back)
    web.return_to(back)
    n = invitations.invite_employees(session=get_session(), index=match_index(), actor=me(), need_id=need_id,
                                     user_ids=_ids("user_ids"), message=form.message.data or "", base_url=base_url())
    send_mail()
    flash(_("%(n)s people invited.", n=n), "success")
    return redirect(url_for("workflow.people", need_id=need_id))


@bp.get("/needs/<int:need_id>/people")
@role_required("coordinator")
def people(need_id: int):
    session = get_session()
    board = roster.people_board(session=session, actor=me(), need_id=need_id)
    records = hours.records_for_need(session=session, actor=me(), need_id=need_id)
    required = credentials.required_kinds(session, need_id)
    creds = NeedCredentialsForm(kinds=required)
    creds.kinds.choices = [SelectChoice(k, credentials.label(k)) for k in CREDENTIAL_KINDS]
    return render_template("workflow/people.html", board=board, records=records, form=ActionForm(),
                           reason_form=ReasonForm(), creds=creds, required=required, cred_label=credentials.label)


_ROSTER = {
    "approve": (lambda s, a, i, f: roster.approve_volunteer(session=s, actor=a, match_id=i, base_url=base_url()),
                _l("Volunteer confirmed.")),
    "reject": (lambda s, a, i, f: roster.reject_volunteer(session=s, actor=a, match_id=i, reason=f.get("reason", "")),
               _l("Volunteer turned down.")),
    "remove": (lambda s, a, i, f: roster.remove_volunteer(session=s, actor=a, match_id=i, reason=f.get("reason", "")),
               _l("Volunteer removed; the seat is free again.")),
    "attended": (lambda s, a, i, f: roster.mark_attendance(session=s, actor=a, match_id=i, attended=True),
                 _l("Attendance recorded.")),
    "no-show": (lambda s, a, i, f: roster.mark_attendance(session=s, actor=a, match_id=i, attended=False),
                _l("Attendance recorded.")),
}


@bp.post("/matches/<int:match_id>/<any(approve, reject, remove, attended, 'no-show'):action>")
@role_required("coordinator")
def roster_action(match_id: int, action: str):
    session = get_session()
    form = ReasonForm()
    if not form.validate_on_submit():
        flash(" ".join(form.reason.errors) or _("The form has expired. Try again."), "error")
        return redirect(web.referer_path() or url_for("workflow.commitments"))
    run, done = _ROSTER[action]
    back = url_for("workflow.people", need_id=roster.load_match(session, match_id).need_id)
    web.return_to(back)
    run(session, me(), match_id, request.form)
    send_mail()
    flash(str(done), "success")
    return redirect(back)


@bp.post("/needs/<int:need_id>/cancel")
@role_required("coordinator")
def cancel(need_id: int):
    back = url_for("workflow.people", need_id=need_id)
    if ActionForm().validate_on_submit():
        web.return_to(back)
        roster.cancel_need(session=get_session(), actor=me(), need_id=need_id, base_url=base_url())
        send_mail()
        flash(_("The need is cancelled; everyone invited or signed up is told."), "success")
    return redirect(back)


@bp.post("/hours/<int:record_id>/<any(approve, reject):action>")
@role_required("coordinator")
def review_hours(record_id: int, action: str):
    session, form = get_session(), ReasonForm()
    record = hours.find_record(session, record_id)
    if record is None:
        abort(404)
    back = url_for("workflow.people", need_id=record.need_id) + "#hours"
    if form.validate_on_submit():
        web.return_to(back)
        if action == "approve":
            hours.approve_hours(session=session, actor=me(), record_id=record_id, base_url=base_url())
        else:
            hours.reject_hours(session=session, actor=me(), record_id=record_id,
                               reason=form.reason.data or "", base_url=base_url())
        send_mail()
        flash(_("Hours approved.") if action == "approve" else _("Hours rejected."), "success")
    return redirect(back)


@bp.post("/needs/<int:need_id>/credentials")
@role_required("coordinator")
def need_credentials(need_id: int):
    form, back = NeedCredentialsForm(), url_for("workflow.people", need_id=need_id)
    if form.validate_on_submit():
        web.return_to(back)
        credentials.set_required_kinds(session=get_session(), actor=me(), need_id=need_id, kinds=form.kinds.data)
        flash(_("Required credentials saved."), "success")
    return redirect(back)


@bp.get("/needs/<int:need_id>/team")
@role_required("coordinator")
def team(need_id: int):
    chosen = [n for n in map(id_in_text, request.args.getlist("member")) if n is not None]
    page = teams.build_team(session=get_session(), index=match_index(), actor=me(), need_id=need_id,
                            chosen=chosen or None, language=ui_language())
    need = roster.load_need(get_session(), need_id)
    return render_template("workflow/team.html", need=need, page=page, form=InviteForm())
