"""Service errors in the web UI: one handler for every web blueprint, one helper for forms."""

from __future__ import annotations

import pytest
from flask import Blueprint, get_flashed_messages
from flask_wtf import FlaskForm
from wtforms import StringField

from empathy.core import web
from empathy.core.errors import Conflict, Forbidden, NotFound, ServiceError


@pytest.fixture
def trial(app):
    """A web blueprint whose views refuse: GET and POST /trial/<status>, and a page at /trial/page."""
    bp = Blueprint("trial", __name__, url_prefix="/trial")
    web.init_blueprint(bp)
    kinds = {"400": ServiceError, "403": Forbidden, "404": NotFound, "409": Conflict}

    @bp.get("/page")
    def page():
        return "the page"

    @bp.route("/<status>", methods=["GET", "POST"])
    def refuse(status):
        raise kinds[status]("Not with these seats.")

    @bp.post("/<status>/only-post")
    def refuse_post(status):
        web.return_to("/trial/page")
        raise kinds[status]("Not with these seats.")

    @bp.post("/post/no-page")
    def refuse_without_page():
        raise Conflict("Not with these seats.")

    app.register_blueprint(bp)
    return app.test_client()


def test_every_web_blueprint_answers_service_errors_and_the_api_keeps_its_own(app):
    for name, bp in app.blueprints.items():
        handlers = bp.error_handler_spec[None][None]
        assert ServiceError in handlers, name
        if name == "api":
            assert handlers[ServiceError] is not web.refusal_response


@pytest.mark.parametrize("status", [403, 404])
def test_hidden_things_get_the_error_page_with_the_message(trial, status):
    response = trial.post(f"/trial/{status}", headers={"Referer": "http://localhost/trial/page"})
    assert response.status_code == status
    assert "Not with these seats." in response.text and f"Error {status}" in response.text


def test_a_refused_post_goes_back_to_the_page_it_came_from(trial):
    response = trial.post("/trial/409/only-post", headers={"Referer": "http://localhost/trial/page?q=1"})
    assert response.status_code == 302 and response.location == "/trial/page?q=1"
    with trial.session_transaction() as browser:
        assert browser["_flashes"] == [("error", "Not with these seats.")]


@pytest.mark.parametrize("referer", [None, "https://evil.example/trial/page", "http://localhost//evil.example",
                                     "http://localhost/trial/409/only-post"])
def test_without_a_usable_referer_a_post_goes_to_the_page_the_view_named(trial, referer):
    response = trial.post("/trial/400/only-post", headers={"Referer": referer} if referer else {})
    assert response.status_code == 302 and response.location == "/trial/page"


def test_a_post_to_an_address_that_is_also_a_page_comes_back_to_it(trial):
    response = trial.post("/trial/409")
    assert response.status_code == 302 and response.location == "/trial/409"


def test_a_refused_get_never_redirects_to_itself(trial):
    # With nowhere else to go, the error page carries the status and the message.
    response = trial.get("/trial/409", headers={"Referer": "http://localhost/trial/409"})
    assert response.status_code == 409 and "Not with these seats." in response.text
    assert trial.post("/trial/post/no-page").status_code == 409
    # From another page of the site, the message is flashed there.
    response = trial.get("/trial/400", headers={"Referer": "http://localhost/trial/page"})
    assert response.status_code == 302 and response.location == "/trial/page"


def test_a_message_already_waiting_is_not_flashed_twice(trial):
    trial.post("/trial/409/only-post")
    trial.post("/trial/409/only-post")
    with trial.session_transaction() as browser:
        assert browser["_flashes"] == [("error", "Not with these seats.")]


def test_api_urls_still_get_problem_documents(client, session):
    from tests.api.fixtures import token_for
    from tests.factories import make_user

    headers = {"Authorization": f"Bearer {token_for(session, make_user(session))}"}
    response = client.get("/api/v1/needs/999999", headers=headers)  # the service's NotFound
    assert response.status_code == 404 and response.mimetype == "application/problem+json"
    assert response.json["status"] == 404


class _Form(FlaskForm):
    name = StringField()
    code = StringField()


@pytest.mark.parametrize(("field", "default", "where"), [
    ("code", "name", "code"), (None, "name", "name"), ("unknown", "name", "name"), (None, None, "form")])
def test_form_error_puts_the_message_under_its_field(app, field, default, where):
    with app.test_request_context():
        form = _Form(meta={"csrf": False})
        web.form_error(form, ServiceError("Taken.", field=field), default)
        placed = {"code": form.code.errors, "name": form.name.errors, "form": form.form_errors}
        assert {k: list(v) for k, v in placed.items() if v} == {where: ["Taken."]}
        assert get_flashed_messages() == []


@pytest.mark.parametrize("kind", [NotFound, Forbidden])
def test_form_error_leaves_hidden_things_to_the_handler(app, kind):
    with app.test_request_context():
        with pytest.raises(kind):
            web.form_error(_Form(meta={"csrf": False}), kind("Gone.", field="name"), "name")
