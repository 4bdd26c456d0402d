"""One-time create forms: the form page's address carries a token, `?once=...`, and a form sent twice
with it creates once.

A hidden field is not enough: Back makes the browser fetch the (uncached) form page again, which would
bring a fresh token. The address survives Back, so the form posts to the address it was shown at and
the second POST finds the token already recorded (empathy.core.submissions): "Already recorded", and
a redirect to what the first one created.

A POST without a valid token (a page saved before tokens, a damaged address, a script) creates nothing:
two of them could not be told apart from one. The view checks the form with `validate(form)`, which
shows it again with what was typed, posting to an address with a fresh token (`g.once_action`, used by
the form's template), and says to send it again. The JSON API has its own Idempotency-Key and is not
concerned.
"""

from __future__ import annotations

import re
import secrets
from collections.abc import Callable
from functools import wraps
from urllib.parse import urlencode

from flask import flash, g, make_response, redirect, request
from flask import session as cookie
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user

from empathy.core.db import get_session
from empathy.core.submissions import WEB, AlreadySubmitted, Submission, find, submission_key
from empathy.models import FormSubmission

PARAM = "once"
TOKEN = re.compile(r"[A-Za-z0-9_-]{16,64}")


def new_token() -> str:
    """A fresh random form token (22 URL-safe characters)."""
    return secrets.token_urlsafe(16)


def _token() -> str | None:
    value = request.args.get(PARAM, "")
    return value if TOKEN.fullmatch(value) else None


def _url_with(token: str) -> str:
    args = [(k, v) for k, v in request.args.items(multi=True) if k != PARAM] + [(PARAM, token)]
    return f"{request.path}?{urlencode(args)}"


def submission() -> Submission | None:
    """This POST's one-time token for the use case to record, or None (not a one-time form's POST)."""
    return g.get("once_submission")


def held() -> bool:
    """Whether this POST came without a valid one-time token: its view must create nothing."""
    return bool(g.get("once_action"))


NO_TOKEN = _l("To be sure nothing is created twice, check what you entered and send the form again. "
              "Nothing was saved yet.")


def validate(form) -> bool:
    """`form.validate_on_submit()` for a one-time form: False also for a valid POST without its token,
    which is shown again (with what was typed and a fresh token) and told to be sent again."""
    if not form.validate_on_submit():
        return False
    if held():
        flash(str(NO_TOKEN), "warning")
        return False
    return True


def _answer_repeat(row: FormSubmission, target: Callable[[FormSubmission], str]):
    flash(_("Already recorded: this was sent before, so nothing was added again."), "info")
    return redirect(target(row))


def one_time_form(target: Callable[[FormSubmission], str]):
    """Make a create form's view one-time: `target(row)` is the URL of what a recorded submission made.

    GET without a token redirects to the same address with a fresh one, once the view has shown that
    the page is there for this user (its 403 or 404 is answered as it is). A POST whose token is
    recorded already, or is recorded by a simultaneous POST while this one runs, flashes "Already
    recorded" and redirects to `target`. The view passes `submission()` to its use case.
    """

    def decorate(view):
        @wraps(view)
        def run(*args, **kwargs):
            token = _token()
            if request.method in ("GET", "HEAD"):
                waiting = list(cookie.get("_flashes", []))
                page = make_response(view(*args, **kwargs))  # its own refusals (403, 404) come first
                if token is None and page.status_code == 200:
                    if waiting:  # the discarded page took them: the page at the new address shows them
                        cookie["_flashes"] = waiting
                    return redirect(_url_with(new_token()))
                return page
            if token is None:  # the view shows its form again, posting to a fresh token (see validate)
                g.once_action = _url_with(new_token())
                return view(*args, **kwargs)
            user_id = current_user.id if current_user.is_authenticated else None
            key = submission_key(WEB, user_id, token)
            session = get_session()
            row = find(session, key)
            if row is not None:
                return _answer_repeat(row, target)
            g.once_submission = Submission(key=key, user_id=user_id)
            try:
                return view(*args, **kwargs)
            except AlreadySubmitted:
                session.rollback()
                row = find(session, key)
                if row is None:  # cannot happen: the row that refused this one is committed
                    raise
                return _answer_repeat(row, target)

        run.one_time_form = True  # for the tests' client, which sends the form as a browser would
        return run

    return decorate
