"""The outbox: every e-mail with its state, filtered by state, and "retry now" for a failed one."""

from __future__ import annotations

from flask import flash, redirect, render_template, request, url_for
from flask_babel import gettext as _

from empathy.accounts.login import me
from empathy.admin.forms import ConfirmForm
from empathy.admin.services import outbox as service
from empathy.admin.views import bp, page_arg
from empathy.core import web
from empathy.core.db import get_session
from empathy.core.errors import NotFound
from empathy.models import OUTBOX_STATUSES, OutboxMessage


@bp.get("/outbox")
def outbox():
    status = request.args.get("status", "")
    status = status if status in OUTBOX_STATUSES else ""
    page = service.list_outbox(session=get_session(), status=status, page=page_arg())
    return render_template("admin/outbox.html", page=page, status=status, statuses=OUTBOX_STATUSES,
                           labels=service.STATUS_LABELS)


@bp.route("/outbox/<int:message_id>/retry", methods=["GET", "POST"])
def retry_mail(message_id: int):
    message = get_session().get(OutboxMessage, message_id)
    if message is None:
        raise NotFound(_("This e-mail does not exist."))
    form = ConfirmForm()
    if form.validate_on_submit():
        web.return_to(url_for("admin.outbox", status="failed"))
        service.retry_message(session=get_session(), actor=me(), message_id=message_id)
        flash(_("The e-mail to %(email)s is queued again.", email=message.to_address), "success")
        return redirect(url_for("admin.outbox"))
    return render_template("admin/outbox_retry.html", message=message, form=form, labels=service.STATUS_LABELS)
