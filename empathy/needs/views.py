"""Needs: everyone signed in browses open ones; coordinators write, publish and close theirs."""

from __future__ import annotations

from flask import Blueprint, current_app, flash, get_template_attribute, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import login_required
from markupsafe import Markup

from empathy.accounts.login import me, role_required
from empathy.core import once, web
from empathy.core.db import get_session, recent_read
from empathy.core.errors import Conflict, ServiceError
from empathy.core.i18n import format_list, ui_language
from empathy.core.labels import localized, site_name, skill_label
from empathy.core.memo import BoundedCache
from empathy.core.runtime import org_timezone
from empathy.core.web import form_error
from empathy.data import load_causes
from empathy.models import Need, NeedStatus
from empathy.models.profile_schemas import LEVEL_NAMES
from empathy.needs import query as needs_query
from empathy.needs import services as need_service
from empathy.needs.forms import STATUS_NAMES, DeleteForm, NeedFilterForm, need_form
from empathy.profiles.services import active_sites, skill_suggestions
from empathy.volunteering.services.notices import sent_notices, told_sentence

bp = Blueprint("needs", __name__, url_prefix="/needs")
web.init_blueprint(bp)


@bp.context_processor
def _labels():
    lang = ui_language()
    return {
        "cause_names": {c["code"]: localized(c, lang) for c in load_causes()},
        "status_names": STATUS_NAMES,
        "level_names": LEVEL_NAMES,
        "site_name": lambda s: site_name(s, lang),
        "skill_label": lambda s: skill_label(s, lang),
        "once_token": once.new_token,
    }


def _list(template_args: dict, **fixed):
    session = get_session()
    filters = NeedFilterForm(request.args)
    # The filter's choices and the cards' names, read once every few seconds (core.db.recent_read).
    sites = recent_read("needs.all_sites", lambda: needs_query.all_sites(session))
    filters.set_choices(sites=[s for s in sites.values() if s.is_active], lang=ui_language())
    page = needs_query.search_needs(
        session=session, viewer=me(), tz=org_timezone(), page=request.args.get("page", 1, type=int),
        **{**filters.criteria(), **fixed},
    )
    names = ("q", "status", "cause", "where", "date_from", "date_to") if template_args["show_status"] else (
        "q", "cause", "where", "date_from", "date_to")
    fields = web.filter_fields_html(filters, names, tuple((c.value, str(c.label)) for c in filters.where.choices),
                                    macro=("needs/_filters.html", "filter_field"))
    # Only the lists with a status column name the owner: the open needs' list spares the query.
    owners = needs_query.owners_of(session, page.items) if template_args["show_status"] else {}
    return render_template(
        "needs/list.html", page=page, filter_fields=fields,
        cards=_cards(page.items, sites, owners, template_args["show_status"]), **template_args,
    )


# Rendered need cards, by everything a card shows (and the language, time zone and URL root): twenty cards
# were two thirds of a need list's rendering, the same from one visit to the next.
_CARDS = BoundedCache(4000)


def _cards(needs: list[Need], sites: dict, owners: dict, show_status: bool) -> list[Markup]:
    labels = _labels()
    card = None
    out = []
    lang, where = ui_language(), (current_app.config["BABEL_DEFAULT_TIMEZONE"], request.script_root)
    for need in needs:
        owner = owners.get(need.owner_id)
        args = (need, show_status, str(labels["status_names"][need.status]) if show_status else "",
                labels["cause_names"].get(need.cause, need.cause),
                labels["site_name"](sites.get(need.site_id)) if need.site_id else "",
                owner.display_name if show_status and owner else "")
        key = (need.id, need.title, str(need.status), need.cause, need.starts_at, need.ends_at, need.site_id,
               need.is_remote, need.seats, need.seats_taken, need.beneficiary, *args[1:], lang, *where)
        html = _CARDS.get(key)
        if html is None:
            card = card or get_template_attribute("needs/_card.html", "need_card")
            html = _CARDS.put(key, card(*args))
        out.append(html)
    return out


@bp.get("")
@login_required
def browse():
    return _list({"heading": _("Open needs"), "endpoint": "needs.browse", "show_status": False}, status=NeedStatus.OPEN)


@bp.get("/mine")
@role_required("coordinator")
def mine():
    return _list({"heading": _("My needs"), "endpoint": "needs.mine", "show_status": True}, owner_id=me().id)


@bp.get("/all")
@role_required("coordinator")
def all_needs():
    return _list({"heading": _("All needs"), "endpoint": "needs.all_needs", "show_status": True})


def _base_url() -> str:
    return current_app.config["BASE_URL"].rstrip("/")


@bp.get("/<int:need_id>")
@login_required
def detail(need_id: int):
    session, user = get_session(), me()
    detail = needs_query.get_need(session=session, viewer=user, need_id=need_id)
    manages = user.is_admin or (user.is_coordinator and detail.need.owner_id == user.id)
    sent = sent_notices(session, need_id) if manages else []
    return render_template("needs/detail.html", d=detail, sent_notices=sent)


def _edit_page(need_id: int | None):
    session, user, lang = get_session(), me(), ui_language()
    current = need_service.editable_need(session=session, actor=user, need_id=need_id) if need_id else None
    keep = current.need.site_id if current else None
    form = need_form(detail=current, sites=active_sites(session, keep_id=keep), lang=lang,
                     formdata=request.form if request.method == "POST" else None)
    if form.add_rows.data:
        form.add_blank_rows()
    elif form.validate_on_submit() if need_id else once.validate(form):
        told = None
        try:
            if need_id:
                change = need_service.change_need(session=session, actor=user, need_id=need_id,
                                                  data=form.to_update(), base_url=_base_url())
                need, told = change.need, change.told
            else:
                need = need_service.create_need(session=session, owner=user, data=form.to_create(),
                                                submission=once.submission())
        except ServiceError as exc:
            form_error(form, exc)
        else:
            if told:  # the time or place changed and people were told: say who
                flash(_("The need is saved with its new time or place.") + " " + told_sentence(told), "success")
                if change.clashing:
                    flash(_("At the new time these people are also committed to another need: %(names)s. They "
                            "and that need's coordinator are told; ask them whether they can still come.",
                            names=format_list(change.clashing)), "warning")
            else:
                flash(_("The need is saved.") if need_id
                      else _("The need is saved as a draft. Publish it when it is ready."), "success")
            return redirect(url_for("needs.detail", need_id=need.id))
    if request.method == "POST" and not form.add_rows.data and form.errors:
        flash(_("Some fields need your attention; nothing was saved yet."), "error")
    return render_template("needs/form.html", form=form, current=current,
                           skill_suggestions=skill_suggestions(session, lang))


def _to_need(row) -> str:
    """The need a recorded submission created, or the coordinator's list if it was deleted since."""
    if row.target_id is not None and get_session().get(Need, row.target_id) is not None:
        return url_for("needs.detail", need_id=row.target_id)
    return url_for("needs.mine")


@bp.route("/new", methods=["GET", "POST"])
@role_required("coordinator")
@once.one_time_form(_to_need)
def new():
    return _edit_page(None)


@bp.route("/<int:need_id>/edit", methods=["GET", "POST"])
@role_required("coordinator")
def edit(need_id: int):
    return _edit_page(need_id)


def _done_messages() -> dict:
    return {
        "publish": _("The need is published: volunteers can now see it."),
        "close": _("The need is closed."),
        "reopen": _("The need is open again."),
        "duplicate": _("This is a copy, saved as a draft. Check its dates before you publish it."),
    }


@bp.post("/<int:need_id>/<any(publish, close, reopen, duplicate):action>")
@role_required("coordinator")
@once.one_time_form(_to_need)  # the Duplicate button's address has a token: a double click makes one copy
def change_status(need_id: int, action: str):
    use_case = getattr(need_service, f"{action}_need")
    web.return_to(url_for("needs.detail", need_id=need_id))
    if action == "duplicate" and once.held():  # the need's page has a Duplicate button with a fresh token
        flash(_("To be sure only one copy is made, press “Duplicate as a draft” again."), "warning")
        return redirect(url_for("needs.detail", need_id=need_id))
    extra = {"submission": once.submission()} if action == "duplicate" else {}
    need = use_case(session=get_session(), actor=me(), need_id=need_id, **extra)
    flash(_done_messages()[action], "success")
    return redirect(url_for("needs.detail", need_id=need.id))


@bp.route("/<int:need_id>/delete", methods=["GET", "POST"])
@role_required("coordinator")
def delete(need_id: int):
    """Ask, then delete a draft (its owner or an administrator); a published need is refused."""
    session = get_session()
    current = need_service.editable_need(session=session, actor=me(), need_id=need_id)
    web.return_to(url_for("needs.detail", need_id=need_id))
    form = DeleteForm()
    if current.need.status != NeedStatus.DRAFT:
        raise Conflict(str(need_service.NOT_A_DRAFT))  # flashed on the need's page
    if form.validate_on_submit():
        need_service.delete_draft(session=session, actor=me(), need_id=need_id)
        flash(_("The draft is deleted."), "success")
        return redirect(url_for("needs.mine"))
    return render_template("needs/delete.html", need=current.need, form=form)
