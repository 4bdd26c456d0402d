"""A need's rules live in one schema family: the service, the form page and the API refuse alike, in the same words."""

import re
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from empathy.core.errors import ServiceError
from empathy.models.need_schemas import NeedSkillCreate, NeedUpdate
from empathy.needs import services as svc
from tests.api.fixtures import token_for
from tests.factories import DEFAULT_PASSWORD, make_need, make_site, make_user

SHANGHAI = ZoneInfo("Asia/Shanghai")
START = datetime(2031, 3, 1, 9, tzinfo=SHANGHAI)



def _rows(names: list[str]) -> tuple[dict, dict, dict]:
    """The same skill rows as an API body, form fields and NeedUpdate fields."""
    return ({"skills": [{"name": n} for n in names]},
            {k: v for i, n in enumerate(names)
             for k, v in ((f"skills-{i}-name", n), (f"skills-{i}-importance", "must"), (f"skills-{i}-min_level", "1"))},
            {"skills": [NeedSkillCreate.model_construct(name=n, importance="must", min_level=1) for n in names]})


# (what is wrong, the field, its message, the bad API body part, the bad form fields, the bad NeedUpdate fields)
CASES = [
    ("title too long", "title", "Use at most 200 characters.",
     {"title": "x" * 201}, {"title": "x" * 201}, {"title": "x" * 201}),
    ("ends before starts", "ends_at", "The end must not be before the start.",
     {"ends_at": (START - timedelta(hours=1)).isoformat()}, {"ends_at": "2031-03-01T08:00"},
     {"ends_at": START - timedelta(hours=1)}),
    ("unknown importance", "skills-0-importance", "Choose must-have or nice-to-have.",
     {"skills": [{"name": "Law", "importance": "maybe"}]},
     {"skills-0-name": "Law", "skills-0-importance": "maybe"},
     {"skills": [NeedSkillCreate.model_construct(name="Law", importance="maybe", min_level=1)]}),
    ("no seats", "seats", "Enter a number of seats from 1 to 10000.", {"seats": 0}, {"seats": "0"}, {"seats": 0}),
    ("too many skill rows", "skills", "List at most 50 skills.", *_rows([f"Skill row {i}" for i in range(51)])),
    ("too many new skills", "skills-5-name",
     "“Brand new skill 5” is not in the skill list, and one save can add at most 5 new skills. "
     "Choose a listed skill, or add this one in a later save.", *_rows([f"Brand new skill {i}" for i in range(6)])),
]


def _api_body(**overrides) -> dict:
    return {"title": "Tutor maths", "cause": "education", "remote": True, "starts_at": START.isoformat(),
            "ends_at": (START + timedelta(hours=3)).isoformat(), "seats": 2, **overrides}


def _form(**overrides) -> dict:
    return {"title": "Tutor maths", "cause": "education", "site": "", "remote": "y", "starts_at": "2031-03-01T09:00",
            "ends_at": "2031-03-01T12:00", "seats": "2", "hours_per_volunteer": "3",
            "skills-0-name": "", "skills-0-importance": "must", "skills-0-min_level": "1", "submit": "1", **overrides}


def _error_near(page: str, message: str) -> bool:
    return re.search(r'class="error"[^>]*>[^<]*' + re.escape(message), page) is not None


@pytest.mark.parametrize("case, field, message, body, form, update", CASES, ids=[c[0] for c in CASES])
def test_the_same_bad_input_is_refused_alike_by_service_form_and_api(
        app, client, auth, session, case, field, message, body, form, update):
    owner = make_user(session, role="coordinator")
    need = make_need(session, owner=owner, is_remote=True, starts_at=START, ends_at=START + timedelta(hours=3))

    with app.test_request_context():
        with pytest.raises(ServiceError) as refused:
            svc.update_need(session=session, actor=owner, need_id=need.id, data=NeedUpdate.model_construct(**update))
    assert (refused.value.field, refused.value.message) == (field, message)

    headers = {"Authorization": f"Bearer {token_for(session, owner)}"}
    answer = client.post("/api/v1/needs", json=_api_body(**body), headers=headers)
    assert answer.status_code == 422
    assert {"field": field.replace("-", "."), "message": message} in answer.json["errors"]

    auth.login(owner.email, DEFAULT_PASSWORD)
    page = client.post("/needs/new", data=_form(**form))
    assert page.status_code == 200 and _error_near(page.text, message)


def test_patch_keeps_omitted_fields_ignores_null_on_required_ones_and_null_empties_the_site(client, session):
    owner = make_user(session, role="coordinator")
    site = make_site(session, code="yinchuan")
    need = make_need(session, owner=owner, site_id=site.id, beneficiary="Hope School", seats=4, languages=["zh"])
    headers = {"Authorization": f"Bearer {token_for(session, owner)}"}

    answer = client.patch(f"/api/v1/needs/{need.id}", json={"seats": 6, "title": None}, headers=headers)
    assert answer.status_code == 200
    assert {k: answer.json[k] for k in ("seats", "title", "beneficiary", "site", "languages")} == {
        "seats": 6, "title": need.title, "beneficiary": "Hope School", "site": "yinchuan", "languages": ["zh"]}

    answer = client.patch(f"/api/v1/needs/{need.id}", json={"site": None, "remote": True}, headers=headers)
    assert answer.status_code == 200 and answer.json["site"] is None and answer.json["remote"] is True

    answer = client.patch(f"/api/v1/needs/{need.id}", json={"remote": False}, headers=headers)
    assert answer.status_code == 422
    assert answer.json["errors"] == [{"field": "site", "message": "Choose a site, or mark the need as remote."}]
