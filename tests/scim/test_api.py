"""/scim/v2 through the test client: what a provisioning system's calls do to accounts, roles and sessions."""

from __future__ import annotations

import pytest
from sqlmodel import select

from empathy.models import ApiToken, AuditEntry, EmployeeProfile, ScimUser, User, UserSession
from empathy.scim.services import tokens
from tests.api.fixtures import SECRET, token_for
from tests.factories import DEFAULT_PASSWORD, make_user

CORE = "urn:ietf:params:scim:schemas:core:2.0:User"
ENTERPRISE = "urn:ietf:params:scim:schemas:extension:enterprise:2.0:User"
GROUP = "urn:ietf:params:scim:schemas:core:2.0:Group"
PATCH = "urn:ietf:params:scim:api:messages:2.0:PatchOp"
MEDIA = "application/scim+json"


@pytest.fixture
def admin(session):
    return make_user(session, role="admin", email="admin@corp.example")


@pytest.fixture
def scim(client, session, admin, app):
    """Call /scim/v2 with a provisioning token: scim("POST", "/Users", json=...)."""
    with app.app_context():
        _row, secret = tokens.create_token(session=session, actor=admin, name="HR", secret_key=SECRET)

    def call(method: str, path: str, **kwargs):
        headers = {"Authorization": f"Bearer {secret}", **kwargs.pop("headers", {})}
        return client.open("/scim/v2" + path, method=method, headers=headers, **kwargs)

    call.secret = secret
    return call


def new_user(scim, user_name="ada@corp.example", **extra):
    body = {"schemas": [CORE, ENTERPRISE], "userName": user_name, "active": True,
            "name": {"givenName": "Ada", "familyName": "Lovelace"},
            "emails": [{"value": user_name, "type": "work", "primary": True}],
            ENTERPRISE: {"department": "Finance"}, **extra}
    response = scim("POST", "/Users", json=body)
    assert response.status_code == 201, response.json
    return response.json


def patch(scim, path, *operations):
    return scim("PATCH", path, json={"schemas": [PATCH], "Operations": list(operations)})


def role_of(session, user_id: int) -> str:
    session.rollback()  # a new read transaction: the test's session sees what the requests committed
    return session.get(User, user_id, populate_existing=True).role


def scim_error(response, status, scim_type=None):
    assert response.status_code == status, response.get_data(as_text=True)
    assert response.mimetype == MEDIA
    body = response.json
    assert body["schemas"] == ["urn:ietf:params:scim:api:messages:2.0:Error"] and body["status"] == str(status)
    assert body.get("scimType") == scim_type
    return body


def test_without_a_provisioning_token_every_call_is_401(client, session, scim, admin):
    assert scim_error(client.get("/scim/v2/Users"), 401)
    # A personal access token (even an administrator's) or a signed-in browser is not a provisioning token.
    pat = token_for(session, admin)
    scim_error(client.get("/scim/v2/Users", headers={"Authorization": f"Bearer {pat}"}), 401)
    client.post("/login", data={"email": admin.email, "password": DEFAULT_PASSWORD})
    scim_error(client.get("/scim/v2/ServiceProviderConfig"), 401)
    scim_error(client.get("/scim/v2/Users", headers={"Authorization": "Bearer scim_not-a-real-token"}), 401)


def test_a_revoked_token_stops_working(scim, session, admin, app):
    assert scim("GET", "/Users").status_code == 200
    row = session.exec(select(tokens.ProvisioningToken)).one()
    assert row.token_hash != scim.secret and scim.secret not in row.token_hash  # only an HMAC is kept
    with app.app_context():
        tokens.revoke_token(session=session, actor=admin, token_id=row.id)
    scim_error(scim("GET", "/Users"), 401)
    actions = session.exec(select(AuditEntry.action)).all()
    assert "provisioning_token_created" in actions and "provisioning_token_revoked" in actions


def test_create_makes_an_employee_without_password_with_department(scim, session):
    body = new_user(scim)
    user = session.get(User, int(body["id"]))
    assert (user.email, user.display_name, user.role, user.password_hash) == (
        "ada@corp.example", "Ada Lovelace", "employee", None)
    profile = session.exec(select(EmployeeProfile).where(EmployeeProfile.user_id == user.id)).one()
    assert profile.department == "Finance"
    assert body[ENTERPRISE]["department"] == "Finance" and body["name"]["familyName"] == "Lovelace"
    assert {"value": "employee", "display": "employee"}.items() <= body["groups"][0].items()
    entry = session.exec(select(AuditEntry).where(AuditEntry.action == "user_created")).one()
    assert entry.target_id == user.id and entry.details["via"] == "scim"
    again = scim("GET", f"/Users/{user.id}")
    assert again.status_code == 200 and again.json["userName"] == "ada@corp.example"


def test_a_taken_user_name_or_address_is_a_409_uniqueness_error(scim):
    new_user(scim)
    scim_error(scim("POST", "/Users", json={"schemas": [CORE], "userName": "ADA@corp.example",
                                            "emails": [{"value": "other@corp.example"}]}), 409, "uniqueness")
    scim_error(scim("POST", "/Users", json={"schemas": [CORE], "userName": "other",
                                            "emails": [{"value": "ada@corp.example"}]}), 409, "uniqueness")


def test_read_only_attributes_in_a_creation_are_ignored(scim, session):
    response = scim("POST", "/Users", json={"schemas": [CORE], "userName": "x@corp.example", "id": "7",
                                            "groups": [{"value": "admin"}]})
    assert response.status_code == 201 and response.json["id"] != "7"  # RFC 7644 §3.3: read-only values ignored
    assert session.get(User, int(response.json["id"])).role == "employee"


def test_bad_bodies_are_scim_400s(scim):
    scim_error(scim("POST", "/Users", data="{not json", content_type=MEDIA), 400, "invalidSyntax")
    scim_error(scim("POST", "/Users", json={"schemas": [CORE], "userName": "no-address"}), 400, "invalidValue")
    scim_error(scim("POST", "/Users", json={"schemas": [CORE], "userName": "n@corp.example",
                                            "displayName": "nul\x00"}), 400, "invalidValue")


def test_user_name_filter_finds_provisioned_and_self_registered_accounts(scim, session):
    body = new_user(scim, user_name="Grace.Hopper@corp.example")
    registered = make_user(session, email="linus@corp.example")
    found = scim("GET", '/Users?filter=userName eq "grace.hopper@CORP.example"').json
    assert found["totalResults"] == 1 and found["Resources"][0]["id"] == body["id"]
    found = scim("GET", '/Users?filter=userName eq "linus@corp.example"').json
    assert [r["id"] for r in found["Resources"]] == [str(registered.id)]
    assert scim("GET", '/Users?filter=userName eq "nobody@corp.example"').json["totalResults"] == 0


def test_unsupported_or_broken_filters_are_400_invalid_filter(scim):
    scim_error(scim("GET", '/Users?filter=title co "boss"'), 400, "invalidFilter")
    scim_error(scim("GET", '/Users?filter=userName eq'), 400, "invalidFilter")
    scim_error(scim("GET", '/Groups?filter=members pr'), 400, "invalidFilter")


def test_paging_with_start_index_and_count(scim, session):
    for n in range(5):
        new_user(scim, user_name=f"p{n}@corp.example")
    page = scim("GET", "/Users?startIndex=2&count=2").json  # the admin and five users: six in all
    assert (page["totalResults"], page["startIndex"], page["itemsPerPage"]) == (6, 2, 2)
    first = scim("GET", "/Users?startIndex=1&count=6").json["Resources"]
    assert [r["id"] for r in page["Resources"]] == [r["id"] for r in first[1:3]]
    scim_error(scim("GET", "/Users?count=many"), 400, "invalidValue")


def test_attributes_and_excluded_attributes_select_what_is_returned(scim):
    body = new_user(scim)
    only = scim("GET", f"/Users/{body['id']}?attributes=userName").json
    assert set(only) == {"schemas", "id", "userName"}
    without = scim("GET", f"/Users/{body['id']}?excludedAttributes=emails").json
    assert "emails" not in without and "userName" in without


def _sign_in_everywhere(client, session, user_id: int) -> str:
    user = session.get(User, user_id)
    from empathy.accounts.services import passwords

    user.password_hash = passwords.hash_password(DEFAULT_PASSWORD)
    session.add(user)
    session.commit()
    client.post("/login", data={"email": user.email, "password": DEFAULT_PASSWORD})
    return token_for(session, user)


@pytest.mark.parametrize("how", ["patch", "entra-patch", "put"])
def test_deactivation_ends_sessions_and_tokens_like_an_admins(how, app, scim, session):
    body = new_user(scim)
    user_id = int(body["id"])
    other = app.test_client()
    pat = _sign_in_everywhere(other, session, user_id)
    assert other.get("/account/password").status_code == 200
    if how == "patch":
        response = patch(scim, f"/Users/{user_id}", {"op": "replace", "path": "active", "value": False})
    elif how == "entra-patch":  # Microsoft Entra ID: a capitalised op and "False" as a string
        response = patch(scim, f"/Users/{user_id}", {"op": "Replace", "value": {"active": "False"}})
    else:
        response = scim("PUT", f"/Users/{user_id}", json={**body, "active": False})
    assert response.status_code == 200, response.json
    assert response.json["active"] is False
    session.expire_all()
    assert session.get(User, user_id).active is False
    assert all(s.revoked_at for s in session.exec(select(UserSession).where(UserSession.user_id == user_id)))
    assert all(t.revoked_at for t in session.exec(select(ApiToken).where(ApiToken.user_id == user_id)))
    assert other.get("/account/password").status_code == 302  # signed out
    assert other.get("/api/v1/me", headers={"Authorization": f"Bearer {pat}"}).status_code == 401
    entry = session.exec(select(AuditEntry).where(AuditEntry.action == "user_deactivated")).one()
    assert entry.target_id == user_id and entry.actor_id is None and entry.details["via"] == "scim"
    again = patch(scim, f"/Users/{user_id}", {"op": "replace", "path": "active", "value": True})
    assert again.json["active"] is True


def test_patch_add_replace_remove_attributes(scim, session):
    body = new_user(scim)
    path = f"/Users/{body['id']}"
    changed = patch(scim, path, {"op": "replace", "path": f"{ENTERPRISE}:department", "value": "Legal"},
                    {"op": "add", "path": "displayName", "value": "Countess Ada"},
                    {"op": "add", "path": "externalId", "value": "E-1815"}).json
    assert (changed[ENTERPRISE]["department"], changed["displayName"], changed["externalId"]) == (
        "Legal", "Countess Ada", "E-1815")
    user = session.get(User, int(body["id"]))
    session.refresh(user)
    assert user.display_name == "Countess Ada"
    assert scim("GET", '/Users?filter=externalId eq "E-1815"').json["totalResults"] == 1
    removed = patch(scim, path, {"op": "remove", "path": ENTERPRISE}, {"op": "remove", "path": "displayName"}).json
    assert ENTERPRISE not in removed and "displayName" not in removed
    session.rollback()
    profile = session.exec(select(EmployeeProfile).where(EmployeeProfile.user_id == user.id)).one()
    assert profile.department == ""
    scim_error(patch(scim, path, {"op": "add", "path": "groups", "value": [{"value": "admin"}]}), 400, "mutability")


def test_put_links_a_self_registered_account(scim, session):
    registered = make_user(session, email="linus@corp.example", display_name="Linus")
    response = scim("PUT", f"/Users/{registered.id}", json={
        "schemas": [CORE], "userName": "LINUS@corp.example", "externalId": "E-7", "active": True,
        "emails": [{"value": "linus@corp.example", "primary": True}], "displayName": "Linus T."})
    assert response.status_code == 200, response.json
    row = session.get(ScimUser, registered.id)
    assert (row.user_name, row.external_id) == ("LINUS@corp.example", "E-7")
    assert session.exec(select(User).where(User.email == "linus@corp.example")).one().id == registered.id


def test_delete_erases_the_account(scim, session):
    body = new_user(scim)
    assert scim("DELETE", f"/Users/{body['id']}").status_code == 204
    session.expire_all()
    assert session.get(User, int(body["id"])) is None
    scim_error(scim("GET", f"/Users/{body['id']}"), 404)
    scim_error(scim("DELETE", f"/Users/{body['id']}"), 404)
    assert session.exec(select(AuditEntry).where(AuditEntry.action == "account_deleted")).one().details["via"] == "scim"


def test_the_only_active_admin_cannot_be_deactivated_deleted_or_demoted(scim, admin):
    scim_error(patch(scim, f"/Users/{admin.id}", {"op": "replace", "path": "active", "value": False}), 409)
    scim_error(scim("DELETE", f"/Users/{admin.id}"), 409)
    scim_error(patch(scim, "/Groups/admin", {"op": "remove", "path": f'members[value eq "{admin.id}"]'}), 409)


def test_role_groups_membership_changes_roles(scim, session, admin):
    user_id = int(new_user(scim)["id"])
    groups = scim("GET", "/Groups?excludedAttributes=members").json
    assert [g["id"] for g in groups["Resources"][:3]] == ["employee", "coordinator", "admin"]
    response = patch(scim, "/Groups/coordinator", {"op": "add", "path": "members", "value": [{"value": str(user_id)}]})
    assert response.status_code == 200, response.json
    assert role_of(session, user_id) == "coordinator"
    members = scim("GET", "/Groups/coordinator").json["members"]
    assert [m["value"] for m in members] == [str(user_id)]
    assert scim("GET", f"/Users/{user_id}").json["groups"][0]["value"] == "coordinator"
    patch(scim, "/Groups/admin", {"op": "add", "path": "members", "value": [{"value": str(user_id)}]})
    assert role_of(session, user_id) == "admin"
    patch(scim, "/Groups/admin", {"op": "remove", "path": f'members[value eq "{user_id}"]'})
    assert role_of(session, user_id) == "employee"
    changes = session.exec(select(AuditEntry).where(AuditEntry.action == "role_changed")).all()
    assert [(e.details["old"], e.details["new"], e.details["via"]) for e in changes] == [
        ("employee", "coordinator", "scim"), ("coordinator", "admin", "scim"), ("admin", "employee", "scim")]
    assert role_of(session, admin.id) == "admin"


def test_role_groups_cannot_be_created_renamed_or_deleted(scim):
    scim_error(scim("POST", "/Groups", json={"schemas": [GROUP], "displayName": "Admin"}), 409, "uniqueness")
    scim_error(scim("PUT", "/Groups/admin", json={"schemas": [GROUP], "displayName": "bosses"}), 400, "mutability")
    scim_error(scim("DELETE", "/Groups/coordinator"), 403)


def test_pushed_groups_keep_their_members_and_grant_nothing(scim, session):
    user_id = new_user(scim)["id"]
    created = scim("POST", "/Groups", json={"schemas": [GROUP], "displayName": "Volunteers Shanghai",
                                            "members": [{"value": user_id}]})
    assert created.status_code == 201, created.json
    found = scim("GET", '/Groups?filter=displayName eq "volunteers shanghai"').json
    assert found["totalResults"] == 1 and found["Resources"][0]["members"][0]["value"] == user_id
    assert session.get(User, int(user_id)).role == "employee"
    groups = scim("GET", f"/Users/{user_id}").json["groups"]
    assert [g["display"] for g in groups] == ["employee", "Volunteers Shanghai"]
    scim_error(scim("POST", "/Groups", json={"schemas": [GROUP], "displayName": "x", "members": [{"value": "999"}]}),
               400, "invalidValue")
    assert scim("DELETE", f"/Groups/{created.json['id']}").status_code == 204
    session.rollback()  # end the test's read transaction: SQLite would keep showing its snapshot
    assert session.get(User, int(user_id)) is not None
    assert session.exec(select(AuditEntry.action).where(AuditEntry.action == "scim_group_deleted")).all() == [
        "scim_group_deleted"]


def test_discovery_documents(scim):
    config = scim("GET", "/ServiceProviderConfig")
    assert config.mimetype == MEDIA and config.json["patch"]["supported"] is True
    assert config.json["filter"]["supported"] is True and config.json["bulk"]["supported"] is False
    schemas = {s["id"]: s for s in scim("GET", "/Schemas").json["Resources"]}
    assert set(schemas) == {CORE, ENTERPRISE, GROUP}
    assert [a["name"] for a in schemas[ENTERPRISE]["attributes"]] == ["department"]
    types = scim("GET", "/ResourceTypes").json["Resources"]
    assert [(t["name"], t["endpoint"]) for t in types] == [("User", "/Users"), ("Group", "/Groups")]
    assert types[0]["schemaExtensions"][0]["schema"] == ENTERPRISE
    assert scim("GET", f"/Schemas/{GROUP}").json["id"] == GROUP
    scim_error(scim("POST", "/ServiceProviderConfig", json={}), 405)
    scim_error(scim("GET", "/Nothing/here"), 404)


def test_search_at_the_root_lists_users_then_groups_a_page_at_a_time(scim, admin):
    search = "urn:ietf:params:scim:api:messages:2.0:SearchRequest"
    user_id = new_user(scim)["id"]
    everything = scim("POST", "/.search", json={"schemas": [search]}).json
    assert everything["totalResults"] == 5  # two users, three role groups
    assert [r["id"] for r in everything["Resources"]] == [str(admin.id), user_id, "employee", "coordinator", "admin"]
    page = scim("POST", "/.search", json={"schemas": [search], "startIndex": 2, "count": 2,
                                          "excludedAttributes": ["members"]}).json
    assert [r["id"] for r in page["Resources"]] == [user_id, "employee"]
    assert "members" not in page["Resources"][1]
    scim_error(scim("POST", "/.search", json={"schemas": [search], "filter": 'userName eq "x"'}), 400, "invalidFilter")
