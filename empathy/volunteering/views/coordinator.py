"""The coordinator's side: suggestions and invitations, the people board, hours review, the team."""

from __future__ import annotations

from flask import abort, current_app, flash, get_template_attribute, redirect, render_template, request, url_for
from flask_babel import format_decimal, ngettext
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from markupsafe import Markup
from wtforms.fields.choices import SelectChoice

from empathy.accounts.login import me, role_required
from empathy.admin.services.sites import active_sites
from empathy.core import web
from empathy.core.db import get_session, recent_read
from empathy.core.errors import ServiceError
from empathy.core.i18n import ui_language
from empathy.core.inputs import id_in_text
from empathy.core.labels import site_name
from empathy.core.memo import BoundedCache
from empathy.core.runtime import org_timezone
from empathy.core.urls import safe_next
from empathy.models import CREDENTIAL_KINDS, HoursStatus, Need
from empathy.needs.joinable import is_joinable
from empathy.profiles import credentials
from empathy.profiles.taxonomy import explanation_skill_names, skill_labels
from empathy.suggestions.display import band_label
from empathy.suggestions.runtime import match_index
from empathy.volunteering.forms import (
    ActionForm,
    BulkHoursForm,
    InviteForm,
    NeedCredentialsForm,
    ReasonForm,
    SuggestionFilterForm,
)
from empathy.volunteering.services import home, hours, invitations, roster, team_reasons, teams
from empathy.volunteering.services.notices import told_sentence
from empathy.volunteering.views import base_url, bp

PAGE = 20
MIN_BANDS = ("partial", "good", "strong")  # the choices of the "Minimum fit" filter
FILTER_FIELDS = ("department", "site", "min_level", "min_band", "weekdays", "weekends", "available", "has_credentials")


def _ids(name: str) -> list[int]:
    # All of them: the service refuses more than one invitation takes, rather than inviting the first ones only.
    return [n for n in map(id_in_text, request.form.getlist(name)) if n is not None]


def _filter_form() -> SuggestionFilterForm:
    form = SuggestionFilterForm(request.args)
    lang = ui_language()
    sites = recent_read("admin.active_sites", lambda: active_sites(session=get_session()))  # read every few seconds
    site, level, band = _filter_choices(lang, tuple((s.id, site_name(s, lang)) for s in sites))
    form.site.choices, form.min_level.choices, form.min_band.choices = list(site), list(level), list(band)
    return form


# The filters' choices by language and sites (ids and names): a dozen translations on every visit otherwise.
_CHOICES = BoundedCache(64)


def _filter_choices(lang: str, sites: tuple[tuple[int, str], ...]) -> tuple[tuple[SelectChoice, ...], ...]:
    key = (lang, sites)
    held = _CHOICES.get(key)
    if held is None:
        held = _CHOICES.put(key, (
            (SelectChoice("", _("Any site")), *(SelectChoice(i, name) for i, name in sites)),
            (SelectChoice("", _("Any level")), *(
                SelectChoice(n, label)
                for n, label in ((1, _("beginner")), (2, _("intermediate")), (3, _("advanced")), (4, _("expert"))))),
            (SelectChoice("", _("Any")), *(SelectChoice(b, _("%(band)s or better", band=band_label(b)))
                                           for b in MIN_BANDS[:-1]),
             SelectChoice("strong", _("%(band)s only", band=band_label("strong")))),
        ))
    return held


def _filters(form: SuggestionFilterForm) -> invitations.SuggestionFilters:
    band = form.min_band.data
    return invitations.SuggestionFilters(
        department=(form.department.data or "").strip()[:120], site_id=form.site.data,
        weekdays=bool(form.weekdays.data), weekends=bool(form.weekends.data), min_level=form.min_level.data,
        min_band=band if band in MIN_BANDS else None, available=bool(form.available.data),
        has_credentials=bool(form.has_credentials.data))


@bp.get("/needs/<int:need_id>/suggestions")
@role_required("coordinator")
def suggestions(need_id: int):
    session, form = get_session(), _filter_form()
    form.validate()
    found = invitations.candidate_page(session=session, index=match_index(), actor=me(), need_id=need_id,
                                       filters=_filters(form), page=request.args.get("page", 1, type=int) or 1,
                                       per_page=PAGE, tz=org_timezone())
    # candidate_page has just loaded the need as stored now (or refused): this session holds it.
    need = session.get(Need, need_id) or roster.load_need(session, need_id)
    joinable = is_joinable(need)
    fields = web.filter_fields_html(form, FILTER_FIELDS, tuple((c.value, str(c.label)) for c in form.site.choices))
    invite = _invite_form(need_id)
    return render_template("workflow/suggestions.html", need=need, found=found, filter_fields=fields, form=invite,
                           message_field=_message_field(invite),
                           rows=_rows_html(session, found.items if found else [], joinable), joinable=joinable)


# The invitation's empty message box (label, textarea, nothing typed, no error) in each language: WTForms took a
# twentieth of the page to render it, the same every time.
_MESSAGE = BoundedCache(16)


def _message_field(form: InviteForm) -> Markup:
    if form.message.data or form.message.errors:  # never on this GET page; rendered as it is, not kept
        return get_template_attribute("_forms.html", "field")(form.message)
    key = ui_language()
    html = _MESSAGE.get(key)
    if html is None:
        html = _MESSAGE.put(key, get_template_attribute("_forms.html", "field")(form.message))  # already Markup
    return html


# Rendered rows of the suggestions page, kept while what they show stays the same: the explanation (the same
# object while its ranking is cached, see suggestions.ranked), the person's shown fields, the credentials they
# lack, whether the need takes volunteers, and the language. Rendering twenty explanations costs more than
# the rest of the page; a coordinator opens the same page again and again while paging, filtering and inviting.
_ROWS = BoundedCache(4000)  # key -> (the explanation rendered, its row)


def _rows_html(session, items: list, joinable: bool) -> list[Markup]:
    lang = ui_language()
    keys = [(c.user.id, c.user.display_name, c.profile.department, c.profile.available_weekdays,
             c.profile.available_weekends, c.profile.hours_per_month, tuple(c.lacking), c.score, joinable, lang)
            for c in items]
    held = [_ROWS.get(k) for k in keys]
    missing = [c for c, h in zip(items, held) if h is None or h[0] is not c.explanation]
    labels = skill_labels(session, explanation_skill_names([c.explanation for c in missing]), lang) if missing else {}
    row = get_template_attribute("workflow/_suggestion_row.html", "row")
    out = []
    for c, key, h in zip(items, keys, held):
        if h is None or h[0] is not c.explanation:
            h = _ROWS.put(key, (c.explanation, row(c, labels, joinable, credentials.label)))
        out.append(h[1])
    return out


@bp.post("/needs/<int:need_id>/invite")
@role_required("coordinator")
def invite(need_id: int):
    form, back = InviteForm(), url_for("workflow.suggestions", need_id=need_id)
    # A refusal goes back to the page the form was on: the message typed there is shown again, not lost.
    typed = _typed_key(need_id)
    if not form.validate_on_submit():
        web.keep_typed(typed, form.message.data or "")
        flash(" ".join(form.message.errors) or _("The form has expired. Try again."), "error")
        return redirect(web.referer_path() or back)
    web.return_to(web.referer_path() or back)
    # A row's own Invite button names one person; "Invite selected" sends the ticked boxes.
    one = request.form.get("invite_one", "")
    one_id = id_in_text(one)
    user_ids = [one_id] if one_id is not None else _ids("user_ids")
    try:
        n = invitations.invite_employees(session=get_session(), index=match_index(), actor=me(), need_id=need_id,
                                         user_ids=user_ids, message=form.message.data or "", base_url=base_url(),
                                         secret_key=current_app.config["SECRET_KEY"])
    except ServiceError:
        web.keep_typed(typed, form.message.data or "")
        raise  # flashed on the page it came from (web.refusal_response)
    flash(ngettext("%(num)s person invited.", "%(num)s people invited.", n), "success")
    # The suggestions page comes back to itself (same page and filters); the team page names the people board.
    return redirect(safe_next(request.form.get("next")) or web.referer_path()
                    or url_for("workflow.people", need_id=need_id))


def _typed_key(need_id: int) -> str:
    return f"invite:{need_id}"


def _invite_form(need_id: int) -> InviteForm:
    """The invitation form, with the message of a refused invitation to this need when one was typed."""
    kept = web.take_typed(_typed_key(need_id))
    return InviteForm(message=kept) if kept else InviteForm()


@bp.get("/needs/<int:need_id>/people")
@role_required("coordinator")
def people(need_id: int):
    session = get_session()
    board = roster.people_board(session=session, actor=me(), need_id=need_id)
    records = hours.records_for_need(session=session, actor=me(), need_id=need_id)
    # One's own pending hours: reviewed by someone else, or by oneself when nobody else can.
    own_alone = any(r.user_id == me().id and r.status == HoursStatus.PENDING for r, _p in records) and not (
        hours.others_may_review(session, me().id, board.need))
    required = credentials.required_kinds(session, need_id)
    creds = NeedCredentialsForm(kinds=required)
    creds.kinds.choices = [SelectChoice(k, credentials.label(k)) for k in CREDENTIAL_KINDS]
    return render_template("workflow/people.html", board=board, records=records, form=ActionForm(), own_alone=own_alone,
                           reason_form=ReasonForm(), creds=creds, required=required, cred_label=credentials.label)


_ROSTER = {
    "approve": (lambda s, a, i, f: roster.approve_volunteer(session=s, actor=a, match_id=i, base_url=base_url()),
                _l("Volunteer confirmed.")),
    "reject": (lambda s, a, i, f: roster.reject_volunteer(session=s, actor=a, match_id=i, reason=f.get("reason", "")),
               _l("Volunteer turned down.")),
    "remove": (lambda s, a, i, f: roster.remove_volunteer(session=s, actor=a, match_id=i, reason=f.get("reason", ""),
                                                          base_url=base_url()),
               _l("Volunteer removed and told by e-mail; the seat is free again.")),
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
    # The home page's to-do approves and declines too, and comes back to itself.
    back = (safe_next(request.form.get("next"))
            or url_for("workflow.people", need_id=roster.load_match(session, match_id).need_id))
    web.return_to(back)
    run(session, me(), match_id, request.form)
    flash(str(done), "success")
    return redirect(back)


@bp.post("/needs/<int:need_id>/cancel")
@role_required("coordinator")
def cancel(need_id: int):
    back = url_for("workflow.people", need_id=need_id)
    if ActionForm().validate_on_submit():
        web.return_to(back)
        change = roster.cancel_need(session=get_session(), actor=me(), need_id=need_id, base_url=base_url())
        flash(_("The need is cancelled.") + " " + told_sentence(change.told), "success")
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
        flash(_("Hours approved.") if action == "approve" else _("Hours rejected."), "success")
    return redirect(back)


@bp.get("/review")
@role_required("coordinator")
def review():
    """Everything that waits for the coordinator on the needs they lead: the home page's to-do in full."""
    todo = home.coordinator_todo(session=get_session(), actor=me(), limit=home.LISTED)
    return render_template("workflow/review.html", todo=todo, form=ActionForm(), bulk=BulkHoursForm(),
                           listed=home.LISTED)


@bp.post("/hours/approve")
@role_required("coordinator")
def approve_many_hours():
    """Approve the ticked hours records at once (all or none), then back to the page that listed them.

    A refusal (nothing ticked, a record reviewed meanwhile, an expired form) goes back to that page too, with
    the reason on top: this address has no page of its own to show."""
    form = BulkHoursForm()
    back = safe_next(request.form.get("next")) or web.referer_path() or url_for("workflow.review")
    if not form.validate_on_submit():
        expired = "csrf_token" in form.errors
        flash(_("The form has expired. Try again.") if expired else _("Tick the hours to approve."), "error")
        return redirect(back)
    try:
        done = hours.approve_many_hours(session=get_session(), actor=me(), record_ids=form.record_ids_sent(),
                                        base_url=base_url())
    except ServiceError as exc:
        if exc.status in (403, 404):
            raise  # the error page: there is nothing to go back to for these
        flash(exc.message, "error")
        return redirect(back)
    flash(_approved_sentence(done), "success")
    return redirect(back)


def _approved_sentence(done: list) -> str:
    """What a bulk approval did: how many records, and their hours in all in the reader's number format."""
    total = format_decimal(sum(r.hours for r in done))
    return ngettext("Approved %(num)d hours record (%(hours)s h).",
                    "Approved %(num)d hours records (%(hours)s h in all).", len(done), hours=total)


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
    chosen = [n for n in map(id_in_text, request.args.getlist("member")) if n is not None][:invitations.MAX_INVITES]
    query = request.args.get("q", "").strip()[:100]
    page = teams.build_team(session=get_session(), index=match_index(), actor=me(), need_id=need_id,
                            chosen=chosen or None, language=ui_language(), tz=org_timezone())
    need = roster.load_need(get_session(), need_id)
    search_text, visible = _picker(page, query)
    return render_template("workflow/team.html", need=need, page=page, form=_invite_form(need_id), query=query,
                           search_text=search_text, visible=visible, why_empty=team_reasons.why_empty,
                           weak_seats_note=team_reasons.weak_seats_note,
                           reason_text=team_reasons.reason_text, uncovered_text=team_reasons.uncovered_text)


def _picker(page, query: str) -> tuple[dict[int, str], set[int]]:
    """Each candidate's searchable text (name, department, covering skills), and who the query shows."""
    if page is None:
        return {}, set()
    text = {tc.id: " ".join(filter(None, [c.user.display_name, c.profile.department]
                                     + [page.labels.get(n, n) for cv in tc.covers for n in (cv.skill, cv.need_skill)]
                                     )).casefold()
            for tc, c in page.candidates}
    ticked = {m.id for m in page.team.members} | set(page.dropped)
    return text, {i for i, t in text.items() if i in ticked or query.casefold() in t}
