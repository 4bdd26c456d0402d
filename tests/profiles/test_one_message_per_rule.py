"""A profile's rules live in one schema family: the service, the profile page and the API refuse alike, in the
same words and on the same field."""

import re

import pytest

from empathy.core.errors import ServiceError
from empathy.models.profile_schemas import ProfileSkillCreate, ProfileUpdate
from empathy.profiles import services as svc
from tests.api.fixtures import token_for
from tests.factories import DEFAULT_PASSWORD, make_user, profile_of

LEVEL_FIVE = [ProfileSkillCreate.model_construct(name="Law", level=5, years=None)]
# One row more than a profile may list, and one new skill more than a save may add to the taxonomy.
ROWS = [f"Skill row {i}" for i in range(51)]
NEW = [f"Brand new skill {i}" for i in range(6)]


def _rows(names: list[str]) -> tuple[dict, dict, dict]:
    """The same skill rows as an API body, form fields and ProfileUpdate fields."""
    return ({"skills": [{"name": n} for n in names]},
            {k: v for i, n in enumerate(names) for k, v in ((f"skills-{i}-name", n), (f"skills-{i}-level", "2"))},
            {"skills": [ProfileSkillCreate.model_construct(name=n, level=2, years=None) for n in names]})


# (what is wrong, the service's field, the page's field (None: a group of boxes, whose error has no id),
#  its message, the bad API body part, the bad form fields, the bad ProfileUpdate fields)
CASES = [
    ("bio too long", "bio", "bio", "Use at most 5000 characters.",
     {"bio": "x" * 5001}, {"bio": "x" * 5001}, {"bio": "x" * 5001}),
    ("hours out of range", "hours_per_month", "hours_per_month", "Enter a whole number of hours from 0 to 744.",
     {"hours_per_month": 745}, {"hours_per_month": "745"}, {"hours_per_month": 745}),
    ("unknown language", "languages", None, "Unknown language: xx.",
     {"languages": ["en", "xx"]}, {"languages": ["en", "xx"]}, {"languages": ["en", "xx"]}),
    ("level 5", "skills-0-level", "skills-0-level", "Choose a level from 1 (beginner) to 4 (expert).",
     {"skills": [{"name": "Law", "level": 5}]}, {"skills-0-name": "Law", "skills-0-level": "5"},
     {"skills": LEVEL_FIVE}),
    ("unknown site", "site", "site_id", "Choose one of the listed sites.",
     {"site": "999"}, {"site_id": "999"}, {"site": "999"}),
    ("too many skill rows", "skills", "skills", "List at most 50 skills.", *_rows(ROWS)),
    ("too many new skills", "skills-5-name", "skills-5-name",
     "“Brand new skill 5” is not in the skill list, and one save can add at most 5 new skills. "
     "Choose a listed skill, or add this one in a later save.", *_rows(NEW)),
]


def _form(**overrides) -> dict:
    return {"skills-0-name": "", "skills-0-level": "2", "skills-0-years": "", "department": "", "site_id": "",
            "bio": "", "hours_per_month": "8", "available_weekdays": "y", "is_suggestible": "y", "submit": "1",
            **overrides}


def _error_under(page: str, field_id: str | None, message: str) -> bool:
    where = f' id="{re.escape(field_id)}-error"' if field_id else ""
    return re.search(f'class="error"{where}>[^<]*{re.escape(message)}', page) is not None


@pytest.mark.parametrize("case, field, form_field, message, body, form, data", CASES, ids=[c[0] for c in CASES])
def test_the_same_bad_input_is_refused_alike_by_service_page_and_api(
        app, client, auth, session, case, field, form_field, message, body, form, data):
    user = make_user(session)
    bio = profile_of(session, user).bio

    with app.test_request_context():
        with pytest.raises(ServiceError) as refused:
            svc.update_profile(session=session, user=user, data=ProfileUpdate.model_construct(**data))
    assert (refused.value.field, refused.value.message) == (field, message)

    headers = {"Authorization": f"Bearer {token_for(session, user)}"}
    answer = client.put("/api/v1/me/profile", json=body, headers=headers)
    assert answer.status_code == 422
    assert {"field": field.replace("-", "."), "message": message} in answer.json["errors"]

    auth.login(user.email, DEFAULT_PASSWORD)
    page = client.post("/profile", data=_form(**form))
    assert page.status_code == 200 and _error_under(page.text, form_field, message)
    session.expire_all()
    assert profile_of(session, user).bio == bio  # nothing was saved
