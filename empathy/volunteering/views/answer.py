"""The page a one-click link of the invitation e-mail lands on: see the need, confirm the answer with one button.

The signed token in the address is the credential (services/answer_links.py), so the page works without
signing in. Opening it (GET) changes nothing, since mail scanners prefetch links; only the button's POST,
with the CSRF token of the form, answers.
"""

from __future__ import annotations

from flask import current_app, render_template

from empathy.core.db import get_session
from empathy.core.errors import ServiceError
from empathy.core.i18n import ui_language
from empathy.core.labels import site_name
from empathy.extensions import limiter
from empathy.volunteering.forms import ActionForm
from empathy.volunteering.services import answer_links
from empathy.volunteering.views import base_url, bp


@bp.get("/invitations/answer/<token>")
@limiter.limit("60 per minute")
def answer_invitation(token: str):
    try:
        link = answer_links.read_answer_link(session=get_session(), token=token,
                                             secret_key=current_app.config["SECRET_KEY"])
    except ServiceError as exc:
        return render_template("workflow/answer_invitation.html", problem=exc.message, link=None), 400
    return _page(link, form=ActionForm(), done=False)


@bp.post("/invitations/answer/<token>")
@limiter.limit("20 per minute")
def confirm_answer(token: str):
    form = ActionForm()
    if not form.validate_on_submit():
        return render_template("workflow/answer_invitation.html", link=None,
                               problem=form.csrf_token.errors[0] if form.csrf_token.errors else ""), 400
    try:
        link = answer_links.answer_by_link(session=get_session(), token=token,
                                           secret_key=current_app.config["SECRET_KEY"], base_url=base_url())
    except ServiceError as exc:
        return render_template("workflow/answer_invitation.html", problem=exc.message, link=None), exc.status
    return _page(link, done=True)


def _page(link: answer_links.AnswerLink, **context):
    """The need as its page states it: when (the zone named), where, the hours and the coordinator."""
    return render_template("workflow/answer_invitation.html", link=link, place=site_name(link.site, ui_language()),
                           **context)
