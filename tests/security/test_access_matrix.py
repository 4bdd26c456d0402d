"""Every route, every method, every kind of actor: who gets in, who is refused, who must sign in.

The table EXPECTED gives, for each endpoint and method, the answer each actor gets (in the
order of world.ROLES). A route missing from the table fails the test, so every new route gets
an access decision. Answers:

  ok     allowed: a page, a redirect elsewhere than sign-in, or a refusal of the *input*
         (400, 409, 422), never 401/403/404/405/5xx
  login  not signed in: the UI redirects to /login, the API answers 401
  ok=    a write that was accepted but changed nothing (e.g. someone else's token: "no such token")
  403    refused for this actor            404   hidden from this actor
A refusal (login, 403, 404) that changed any row in the database shows as e.g. "403!" and fails.
Each case runs on a fresh database; actors act from the least to the most privileged, so an
allowed write by one cannot make a refusal of an earlier one pass.
"""

from __future__ import annotations

from datetime import date, timedelta

import pytest
import sqlalchemy as sa
from sqlmodel import Session, SQLModel

from empathy.core.db import get_engine
from tests.factories import DEFAULT_PASSWORD
from tests.security.world import ROLES, World, build_world

# Placeholders in rules, filled from the world's ids.
PARAMS = {"need_id": "need_id", "match_id": "match_id", "record_id": "record_id", "user_id": "user_id",
          "notification_id": "notification_id", "credential_id": "credential_id", "token_id": "token_id",
          "site_id": "site_id", "skill_id": "skill_id", "token": None, "fmt": None, "filename": None, "provider": None,
          "step": None, "resource_id": "user_id", "message_id": "message_id"}
# No identity provider is configured here: tests/sso covers the sign-in itself against a real one.
FIXED = {"token": "not-a-real-activation-token", "fmt": "csv", "filename": "css/empathy.css",
         "provider": "no-such-provider", "step": 1, "job_id": 999999,
         "schema_id": "urn:ietf:params:scim:schemas:core:2.0:User", "type_id": "User", "rest": "Nothing"}

FORM = {"reason": "Reason given", "role": "coordinator", "active": "0", "message": "Hello", "hours": "2",
        "worked_on": date.today().isoformat(), "note": "", "name": "A token", "language": "zh",
        "current_password": "wrong password here", "new_password": "another long password 42",
        "confirm": "another long password 42", "password": "wrong password here", "email": "x@example.com",
        "display_name": "X", "kind": "first_aid", "expires_on": (date.today() + timedelta(days=90)).isoformat(),
        "title": "T", "cause": "education", "seats": "1", "target": "", "label_en": "L", "code": "c1",
        "name_en": "N", "name_zh": "N", "kinds": "first_aid", "id": "1"}


def api_body(endpoint: str, w: World) -> dict | None:
    later = (date.today() + timedelta(days=30)).isoformat()
    bodies = {
        "api.create_token": {"email": "emp@example.com", "password": DEFAULT_PASSWORD},
        "api.put_profile": {"department": "D"},
        "api.create_need": {"title": "T", "cause": "education", "starts_at": f"{later}T09:00:00+08:00",
                            "ends_at": f"{later}T12:00:00+08:00"},
        "api.patch_need": {"title": "Renamed"},
        "api.invite": {"user_ids": [w.ids["user_id"]]},
        "api.signup": {}, "api.reject_volunteer": {"message": "no"}, "api.reject_hours": {"reason": "no"},
        "api.log_hours": {"hours": 1.0, "worked_on": date.today().isoformat()},
        "api.create_site": {"code": "new-site", "name_en": "New site"}, "api.patch_site": {"name_en": "Renamed"},
        "api.create_skill": {"name": "New skill"}, "api.patch_skill": {"label_en": "Renamed"},
        "api.merge_skill": {"into": w.ids["target_skill_id"]}, "api.patch_user": {"role": "coordinator"},
        "api.record_credential": {"kind": "driving_licence", "expires_on": later},
        "api.mark_attendance": {"attended": True}, "api.set_need_credentials": {"kinds": ["first_aid"]},
        "api.remove_volunteer": {"reason": "Reason given"},
        "api.approve_many_hours": {"record_ids": [w.ids["record_id"]]},
    }
    return bodies.get(endpoint)


# endpoint                                 method anon other coord2 emp coord admin
EXPECTED_TEXT = """
static                                     GET    ok ok ok ok ok ok
main.index                                 GET    ok ok ok ok ok ok
main.home                                  GET    login ok ok ok ok ok
main.set_language                          POST   ok= ok ok ok ok ok
auth.login                                 GET    ok ok ok ok ok ok
auth.login                                 POST   ok= ok= ok= ok= ok= ok=
auth.register                              GET    ok ok ok ok ok ok
auth.register                              POST   ok= ok= ok= ok= ok= ok=
auth.logout                                POST   ok= ok ok ok ok ok
auth.change_password                       GET    login ok ok ok ok ok
auth.change_password                       POST   login ok= ok= ok= ok= ok=
auth.forgot_password                       GET    ok ok ok ok ok ok
auth.forgot_password                       POST   ok= ok= ok= ok= ok= ok=
auth.reset_link                            GET    ok ok ok ok ok ok
auth.reset_password                        GET    ok ok ok ok ok ok
auth.reset_password                        POST   ok= ok= ok= ok= ok= ok=
sso.start                                  GET    404 404 404 404 404 404
sso.callback                               GET    404 404 404 404 404 404
sso.confirm                                GET    login 404 404 404 404 404
sso.signed_out                             GET    login ok ok ok ok ok
two_factor.login_code                      GET    login login login login login login
two_factor.login_code                      POST   login login login login login login
two_factor.settings                        GET    login ok ok ok ok ok
two_factor.begin_setup                     POST   login ok= ok= ok= ok= ok=
two_factor.confirm_setup                   GET    login ok ok ok ok ok
two_factor.confirm_setup                   POST   login ok= ok= ok= ok= ok=
two_factor.new_recovery_codes              POST   login ok= ok= ok= ok= ok=
two_factor.disable                         POST   login ok= ok= ok= ok= ok=
admin.import_employees_page                GET    login 403 403 403 403 ok
admin.import_employees_page                POST   login 403 403 403 403 ok=
admin.export                               GET    login 403 403 403 403 ok
admin.export_employees                     GET    login 403 403 403 403 ok
admin.export_needs                         GET    login 403 403 403 403 ok
admin.sites                                GET    login 403 403 403 403 ok
admin.new_site                             GET    login 403 403 403 403 ok
admin.new_site                             POST   login 403 403 403 403 ok
admin.edit_site                            GET    login 403 403 403 403 ok
admin.edit_site                            POST   login 403 403 403 403 ok
admin.set_site_active                      POST   login 403 403 403 403 ok
admin.skills                               GET    login 403 403 403 403 ok
admin.new_skill                            GET    login 403 403 403 403 ok
admin.new_skill                            POST   login 403 403 403 403 ok=
admin.edit_skill                           GET    login 403 403 403 403 ok
admin.edit_skill                           POST   login 403 403 403 403 ok
admin.mark_reviewed                        POST   login 403 403 403 403 ok=
admin.merge_skill                          GET    login 403 403 403 403 ok
admin.merge_skill                          POST   login 403 403 403 403 ok=
admin.index                                GET    login 403 403 403 403 ok
admin.users                                GET    login 403 403 403 403 ok
admin.outbox                               GET    login 403 403 403 403 ok
# No import job exists in the world: an administrator is told so (404); tests/admin/test_import_jobs.py
# covers a job's pages and who may see its links.
admin.import_job                           GET    login 403 403 403 403 404
admin.import_job_status                    GET    login 403 403 403 403 404
admin.import_links_csv                     GET    login 403 403 403 403 404
admin.forget_import_links                  POST   login 403 403 403 403 404
api.get_import                             GET    login 403 403 403 403 404
admin.retry_mail                           GET    login 403 403 403 403 ok
admin.retry_mail                           POST   login 403 403 403 403 ok
workflow.answer_invitation                 GET    ok ok ok ok ok ok
workflow.confirm_answer                    POST   ok= ok= ok= ok= ok= ok=
admin.change_role                          POST   login 403 403 403 403 ok
admin.set_active                           POST   login 403 403 403 403 ok
admin.activation_link                      GET    login 403 403 403 403 ok
admin.resend_activation                    POST   login 403 403 403 403 ok=
admin.reset_two_factor                     POST   login 403 403 403 403 ok=
admin.new_user                             GET    login 403 403 403 403 ok
admin.new_user                             POST   login 403 403 403 403 ok
admin.registration_policy                  GET    login 403 403 403 403 ok
admin.registration_policy                  POST   login 403 403 403 403 ok=
activation.activate                        GET    ok ok ok ok ok ok
activation.activate                        POST   ok= ok= ok= ok= ok= ok=
employees.profile                          GET    login ok ok ok ok ok
employees.profile                          POST   login ok= ok= ok= ok= ok=
employees.welcome                          GET    login ok ok ok ok ok
employees.welcome                          POST   login ok ok ok ok ok
needs.browse                               GET    login ok ok ok ok ok
needs.mine                                 GET    login 403 ok 403 ok ok
needs.all_needs                            GET    login 403 ok 403 ok ok
needs.detail                               GET    login ok ok ok ok ok
needs.new                                  GET    login 403 ok 403 ok ok
needs.new                                  POST   login 403 ok= 403 ok= ok=
needs.edit                                 GET    login 403 403 403 ok ok
needs.edit                                 POST   login 403 403 403 ok= ok=
needs.change_status[close]                 POST   login 403 403 403 ok ok=
needs.delete                               GET    login 403 403 403 ok ok
needs.delete                               POST   login 403 403 403 ok= ok=
needs.change_status[duplicate]             POST   login 403 ok 403 ok ok
needs.change_status[publish]               POST   login 403 403 403 ok= ok=
needs.change_status[reopen]                POST   login 403 403 403 ok= ok=
reports.dashboard                          GET    login 403 ok 403 ok ok
reports.skills                             GET    login 403 ok 403 ok ok
reports.export                             GET    login 403 ok 403 ok ok
reports.record                             GET    login 403 403 ok ok ok
reports.my_record                          GET    login ok ok ok ok ok
workflow.suggestions                       GET    login 403 403 403 ok ok
workflow.invite                            POST   login 403 403 403 ok= ok=
workflow.people                            GET    login 403 403 403 ok ok
workflow.review                            GET    login 403 ok 403 ok ok
workflow.approve_many_hours                POST   login 403 ok= 403 ok= ok=
workflow.roster_action[approve]            POST   login 403 403 403 ok= ok=
workflow.roster_action[attended]           POST   login 403 403 403 ok ok
workflow.roster_action[no-show]            POST   login 403 403 403 ok ok
workflow.roster_action[reject]             POST   login 403 403 403 ok= ok=
workflow.roster_action[remove]             POST   login 403 403 403 ok ok=
workflow.cancel                            POST   login 403 403 403 ok ok=
workflow.review_hours[approve]             POST   login 403 403 403 ok ok=
workflow.review_hours[reject]              POST   login 403 403 403 ok ok=
workflow.need_credentials                  POST   login 403 403 403 ok ok
workflow.team                              GET    login 403 403 403 ok ok
workflow.commitments                       GET    login ok ok ok ok ok
workflow.accept                            POST   login 403 403 ok= 403 403
workflow.decline                           POST   login 403 403 ok= 403 403
workflow.withdraw                          POST   login 403 403 ok= 403 403
workflow.volunteer                         GET    login ok ok ok ok ok
workflow.volunteer                         POST   login ok= ok= ok= 403 ok=
workflow.commitments_ics                   GET    login ok ok ok ok ok
workflow.calendar_feed                     GET    404 404 404 404 404 404
workflow.calendar_link                     POST   login ok ok ok ok ok
workflow.revoke_calendar_link              POST   login ok= ok= ok= ok= ok=
workflow.log_hours                         GET    login 403 403 ok 403 403
workflow.log_hours                         POST   login 403 403 ok 403 403
workflow.notifications_page                GET    login ok ok ok ok ok
workflow.notifications_read                POST   login 403 403 ok 403 403
workflow.my_credentials                    GET    login ok ok ok ok ok
workflow.my_credentials                    POST   login ok ok ok ok ok
workflow.admin_credentials                 GET    login 403 403 403 403 ok
workflow.verify_credential                 POST   login 403 403 403 403 ok
api.openapi_json                           GET    ok ok ok ok ok ok
api.docs                                   GET    ok ok ok ok ok ok
api.import_employees                       POST   login 403 403 403 403 ok=
api.list_users                             GET    login 403 403 403 403 ok
api.list_outbox                            GET    login 403 403 403 403 ok
api.impact                                 GET    login 403 ok 403 ok ok
api.create_token                           POST   ok ok ok ok ok ok
api.get_me                                 GET    login ok ok ok ok ok
api.get_profile                            GET    login ok ok ok ok ok
api.put_profile                            PUT    login ok ok ok ok ok
api.my_suggestions                         GET    login ok ok ok ok ok
api.my_matches                             GET    login ok ok ok ok ok
api.my_notifications                       GET    login ok ok ok ok ok
api.read_all_notifications                 POST   login ok= ok= ok ok= ok=
api.read_notification                      POST   login 403 403 ok 403 403
api.list_skills                            GET    login ok ok ok ok ok
api.list_needs                             GET    login ok ok ok ok ok
api.create_need                            POST   login 403 ok= 403 ok= ok=
api.get_need                               GET    login ok ok ok ok ok
api.patch_need                             PATCH  login 403 403 403 ok ok
api.delete_need                            DELETE login 403 403 403 ok= ok=
api.publish_need                           POST   login 403 403 403 ok= ok=
api.close_need                             POST   login 403 403 403 ok ok=
api.reopen_need                            POST   login 403 403 403 ok= ok=
api.cancel_need                            POST   login 403 403 403 ok ok=
api.need_suggestions                       GET    login 403 403 403 ok ok
api.invite                                 POST   login 403 403 403 ok= ok=
api.signup                                 POST   login ok= ok= ok= 403 ok=
api.accept                                 POST   login 403 403 ok= 403 403
api.decline                                POST   login 403 403 ok= 403 403
api.withdraw                               POST   login 403 403 ok= 403 403
api.log_hours                              POST   login 403 403 ok 403 403
api.approve_volunteer                      POST   login 403 403 403 ok= ok=
api.reject_volunteer                       POST   login 403 403 403 ok= ok=
api.approve_hours                          POST   login 403 403 403 ok ok=
api.approve_many_hours                     POST   login 403 403 403 ok ok=
api.reject_hours                           POST   login 403 403 403 ok ok=
tokens.tokens                              GET    login ok ok ok ok ok
tokens.tokens                              POST   login ok ok ok ok ok
tokens.revoke                              POST   login ok= ok= ok ok= ok=
privacy.privacy_page                       GET    login ok ok ok ok ok
privacy.privacy_page                       POST   login ok ok ok ok ok
privacy.download                           GET    login ok ok ok ok ok
privacy.delete                             GET    login ok ok ok ok ok
privacy.delete                             POST   login ok= ok= ok= ok= ok=
privacy.audit_log                          GET    login 403 403 403 403 ok
api.my_credentials                         GET    login ok ok ok ok ok
api.record_credential                      POST   login ok ok ok ok ok
api.unverified_credentials                 GET    login 403 403 403 403 ok
api.verify_credential                      POST   login 403 403 403 403 ok
api.set_need_credentials                   PUT    login 403 403 403 ok ok
api.skill_gaps                             GET    login 403 ok 403 ok ok
api.commitments_ics                        GET    login ok ok ok ok ok
api.patch_user                             PATCH  login 403 403 403 403 ok
api.admin_skills                           GET    login 403 403 403 403 ok
api.create_skill                           POST   login 403 403 403 403 ok
api.patch_skill                            PATCH  login 403 403 403 403 ok
api.merge_skill                            POST   login 403 403 403 403 ok
api.list_sites                             GET    login 403 403 403 403 ok
api.create_site                            POST   login 403 403 403 403 ok=
api.patch_site                             PATCH  login 403 403 403 403 ok
api.export_employees                       GET    login 403 403 403 403 ok
api.export_needs                           GET    login 403 403 403 403 ok
api.duplicate_need                         POST   login 403 ok 403 ok ok
api.need_people                            GET    login 403 403 403 ok ok
api.need_team                              GET    login 403 403 403 ok ok
api.mark_attendance                        POST   login 403 403 403 ok ok
api.remove_volunteer                       POST   login 403 403 403 ok ok=
provisioning.tokens                        GET    login 403 403 403 403 ok
provisioning.tokens                        POST   login 403 403 403 403 ok
provisioning.revoke                        POST   login 403 403 403 403 ok=
# SCIM takes a provisioning token only: a signed-in browser or a personal access token (sent too) is refused.
scim.service_provider_config               GET    401 401 401 401 401 401
scim.service_provider_config               POST   401 401 401 401 401 401
scim.service_provider_config               PUT    401 401 401 401 401 401
scim.service_provider_config               PATCH  401 401 401 401 401 401
scim.service_provider_config               DELETE 401 401 401 401 401 401
scim.schemas                               GET    401 401 401 401 401 401
scim.schemas                               POST   401 401 401 401 401 401
scim.schemas                               PUT    401 401 401 401 401 401
scim.schemas                               PATCH  401 401 401 401 401 401
scim.schemas                               DELETE 401 401 401 401 401 401
scim.schema                                GET    401 401 401 401 401 401
scim.resource_types                        GET    401 401 401 401 401 401
scim.resource_types                        POST   401 401 401 401 401 401
scim.resource_types                        PUT    401 401 401 401 401 401
scim.resource_types                        PATCH  401 401 401 401 401 401
scim.resource_types                        DELETE 401 401 401 401 401 401
scim.resource_type                         GET    401 401 401 401 401 401
scim.user_collection                       GET    401 401 401 401 401 401
scim.user_collection                       POST   401 401 401 401 401 401
scim.user_search                           POST   401 401 401 401 401 401
scim.user                                  GET    401 401 401 401 401 401
scim.user                                  PUT    401 401 401 401 401 401
scim.user                                  PATCH  401 401 401 401 401 401
scim.user                                  DELETE 401 401 401 401 401 401
scim.group_collection                      GET    401 401 401 401 401 401
scim.group_collection                      POST   401 401 401 401 401 401
scim.group_search                          POST   401 401 401 401 401 401
scim.group                                 GET    401 401 401 401 401 401
scim.group                                 PUT    401 401 401 401 401 401
scim.group                                 PATCH  401 401 401 401 401 401
scim.group                                 DELETE 401 401 401 401 401 401
scim.root_search                           POST   401 401 401 401 401 401
scim.unknown                               GET    401 401 401 401 401 401
scim.unknown                               POST   401 401 401 401 401 401
scim.unknown                               PUT    401 401 401 401 401 401
scim.unknown                               PATCH  401 401 401 401 401 401
scim.unknown                               DELETE 401 401 401 401 401 401
"""
EXPECTED = {tuple(line.split()[:2]): tuple(line.split()[2:]) for line in EXPECTED_TEXT.strip().splitlines()
            if line.strip() and not line.startswith("#")}


def cases(app_rules):
    out = []
    for rule in app_rules:
        for method in sorted(rule.methods - {"HEAD", "OPTIONS"}):
            variants = [{}]
            for name, conv in rule._converters.items():
                if hasattr(conv, "items"):
                    variants = [{**v, name: item} for v in variants for item in sorted(conv.items)]
            for v in variants:
                out.append((rule, method, v))
    return out


def url_for_case(rule, values: dict, w: World) -> str:
    args = dict(values)
    for name in rule.arguments:
        if name in args:
            continue
        args[name] = FIXED[name] if name in FIXED else w.ids[PARAMS[name]]
    path = rule.rule
    for name, value in args.items():
        import re

        path = re.sub(r"<(?:[^:<>]+:)?" + name + r"(?:\([^)]*\))?>", str(value), path)
    return path


def key_of(rule, method: str, values: dict) -> tuple[str, str]:
    suffix = "".join(f"[{v}]" for v in values.values())
    return (rule.endpoint + suffix, method)


NOISE = {"last_seen_at", "last_used_at"}  # bookkeeping a read may write
NOISE_TABLES = {"rate_limit_counters"}  # a failed sign-in is counted, whoever asks: not a change of data


def snapshot(app) -> dict:
    """Every row of every table (minus bookkeeping columns), to tell whether a request wrote."""
    out = {}
    with get_engine(app).connect() as conn:
        for table in SQLModel.metadata.sorted_tables:
            if table.name in NOISE_TABLES:
                continue
            cols = [c for c in table.columns if c.name not in NOISE]
            out[table.name] = sorted(tuple(map(repr, row)) for row in conn.execute(sa.select(*cols)))
    return out


def classify(resp, is_api: bool, method: str, changed: bool, endpoint: str) -> str:
    code = resp.status_code
    to_login = "/login" in resp.headers.get("Location", "").split("?")[0]
    if code in (301, 302, 303, 307, 308) and to_login and endpoint != "auth.logout":
        answer = "login"
    elif code == 401 and is_api:
        answer = "login"
    elif code in (401, 403, 404, 405) or code >= 500:
        answer = str(code)
    else:
        return "ok" if method == "GET" or changed else "ok="
    return answer + ("!" if changed and method != "GET" else "")


def client_for(app, role: str, w: World, is_api: bool):
    client = app.test_client()
    if role != "anon" and not is_api:
        with client.session_transaction() as sess:
            sess["_user_id"] = w.sessions[role]
            sess["_fresh"] = True
    return client


def request_as(app, role: str, w: World, rule, method: str, values: dict):
    is_api = rule.rule.startswith("/api/")
    client = client_for(app, role, w, is_api)
    url = url_for_case(rule, values, w)
    form = {**FORM, "user_ids": str(w.ids["user_id"]), "target": str(w.ids["target_skill_id"])}
    headers = {}
    if is_api and role != "anon":
        headers["Authorization"] = f"Bearer {w.tokens[role]}"
    if is_api:
        body = api_body(rule.endpoint, w)
        if method == "GET":
            return client.open(url, method=method, headers=headers), is_api
        if rule.endpoint == "api.import_employees":
            return client.open(url + "?dry_run=true", method=method, headers={**headers, "Content-Type": "text/csv"},
                               data=b"email,name\n"), is_api
        return client.open(url, method=method, headers=headers, json=body if body is not None else {}), is_api
    query = {"table": "by_cause"} if rule.endpoint == "reports.export" else None
    if rule.rule.startswith("/scim/") and role != "anon":
        headers["Authorization"] = f"Bearer {w.tokens[role]}"  # the actor's personal access token, with its cookie
    if method == "GET":
        return client.open(url, method=method, query_string=query, headers=headers), is_api
    return client.open(url, method=method, data=form, headers=headers), is_api


def observe(app, rule, method, values) -> tuple[str, ...]:
    with Session(get_engine(app), expire_on_commit=False) as session:
        w = build_world(session)
    answers = []
    for role in ROLES:
        before = snapshot(app)
        resp, is_api = request_as(app, role, w, rule, method, values)
        answers.append(classify(resp, is_api, method, snapshot(app) != before, rule.endpoint))
    return tuple(answers)


def _rules():
    from empathy import create_app

    app = create_app({"TESTING": True, "DATABASE_URL": "sqlite://", "SECRET_KEY": "x"})
    return list(app.url_map.iter_rules())


ALL_CASES = cases(_rules())


def test_every_route_has_an_access_decision():
    """A route that is not in the table fails here: decide who may use it, then add a line."""
    seen = {key_of(rule, method, values) for rule, method, values in ALL_CASES}
    missing = sorted(seen - set(EXPECTED))
    assert not missing, "routes without an access decision:\n" + "\n".join(f"{e} {m}" for e, m in missing)
    stale = sorted(set(EXPECTED) - seen)
    assert not stale, f"decisions for routes that no longer exist: {stale}"


@pytest.mark.parametrize(
    "rule,method,values", ALL_CASES, ids=[" ".join(key_of(r, m, v)) for r, m, v in ALL_CASES])
def test_route_answers_each_actor_as_decided(app, rule, method, values):
    key = key_of(rule, method, values)
    if key not in EXPECTED:
        pytest.fail(f"{key} has no access decision in EXPECTED")
    got = observe(app, rule, method, values)
    assert dict(zip(ROLES, got)) == dict(zip(ROLES, EXPECTED[key]))
