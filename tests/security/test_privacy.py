"""Consent: what coordinators see follows the employee's choices, everywhere, and every change is kept."""

from __future__ import annotations

from zoneinfo import ZoneInfo

import pytest
from sqlmodel import select

from empathy.models import Consent, EmployeeProfile
from empathy.privacy import services as privacy
from empathy.suggestions.index import MatchIndex, fit_and_save
from empathy.suggestions.services import suggest_employees
from empathy.volunteering.services.invitations import SuggestionFilters, find_candidates
from tests.factories import DEFAULT_PASSWORD, add_employee_skill, make_need, make_skill, make_user, profile_of

TZ = ZoneInfo("Asia/Shanghai")


@pytest.fixture
def world(session):
    nursing = make_skill(session, name="Nursing", synonyms=["nurse"])
    coordinator = make_user(session, role="coordinator", email="coord@example.com")
    nurse = make_user(session, display_name="Nurse", email="nurse@example.com")
    profile = profile_of(session, nurse)
    profile.bio, profile.hours_per_month = "Registered nurse, ten years in elderly care", 12
    session.add(profile)
    session.commit()
    add_employee_skill(session, nurse, nursing, level=4)
    need = make_need(session, owner=coordinator, title="Health checks", description="Nurses measure blood pressure.",
                     cause="aged_care", skills=[(nursing, "must", 2)])
    return {"nurse": nurse, "coordinator": coordinator, "need": need}


@pytest.fixture
def index(session, tmp_path):
    path = tmp_path / "model.joblib"
    fit_and_save(session, path, TZ)
    return MatchIndex(path, TZ)


def test_choices_are_saved_with_wording_version_and_time(session, world):
    nurse = world["nurse"]
    changed = privacy.set_consents(session=session, user=nurse, choices={"skills": False, "contact": True,
                                                                         "availability": True})
    assert sorted(changed) == ["contact", "skills"]  # availability was already on: nothing recorded
    rows = session.exec(select(Consent).where(Consent.user_id == nurse.id).order_by(Consent.kind)).all()
    assert [(r.kind, r.granted, r.wording_version) for r in rows] == [
        ("contact", True, privacy.WORDING_VERSION), ("skills", False, privacy.WORDING_VERSION)]
    assert all(r.created_at is not None for r in rows)
    assert privacy.current_consents(session=session, user=nurse) == {
        "suggestible": True, "skills": False, "availability": True, "contact": True}


def test_unknown_consent_kind_is_refused(session, world):
    from empathy.core.errors import ServiceError

    with pytest.raises(ServiceError):
        privacy.set_consents(session=session, user=world["nurse"], choices={"role": True})


def test_skills_off_hides_skills_from_suggestions_and_level_filters(session, world, index):
    privacy.set_consents(session=session, user=world["nurse"], choices={"skills": False})
    found = suggest_employees(session=session, index=index, need_id=world["need"].id, k=5)
    nurse = next(s for s in found if s.user.id == world["nurse"].id)  # still suggested...
    assert nurse.explanation["matched_skills"] == [] and nurse.explanation["skills_hidden"]  # ...without skills
    assert nurse.explanation["top_terms"] == []
    assert nurse.explanation["band"] in ("strong", "good", "partial", "weak") and 0 <= nurse.explanation["fit"] <= 1
    # A level filter must not reveal a level the nurse keeps private.
    kept, _ = find_candidates(session=session, index=index, actor=world["coordinator"], need_id=world["need"].id,
                              filters=SuggestionFilters(min_level=3))
    assert world["nurse"].id not in [c.user.id for c in kept]


def test_availability_off_blanks_availability_without_touching_the_profile(session, world, index):
    privacy.set_consents(session=session, user=world["nurse"], choices={"availability": False})
    found = suggest_employees(session=session, index=index, need_id=world["need"].id, k=5)
    shown = next(s for s in found if s.user.id == world["nurse"].id).profile
    assert (shown.hours_per_month, shown.available_weekdays, shown.available_weekends) == (0, False, False)
    session.expire_all()
    stored = session.exec(select(EmployeeProfile).where(EmployeeProfile.user_id == world["nurse"].id)).one()
    assert stored.hours_per_month == 12 and stored.available_weekdays  # the employee's own data is intact


def test_not_suggestible_means_not_suggested(session, world, index):
    privacy.set_consents(session=session, user=world["nurse"], choices={"suggestible": False})
    found = suggest_employees(session=session, index=index, need_id=world["need"].id, k=5)
    assert world["nurse"].id not in [s.user.id for s in found]


def test_api_suggestions_follow_consent(session, world, client, app):
    from empathy.accounts.services import tokens

    with app.app_context():
        fit_and_save(session, app.config["MATCH_MODEL_PATH"], TZ)
    _row, secret = tokens.create_token(session=session, user=world["coordinator"], name="t",
                                       secret_key="test-secret-key")
    privacy.set_consents(session=session, user=world["nurse"], choices={"skills": False})
    resp = client.get(f"/api/v1/needs/{world['need'].id}/suggestions", headers={"Authorization": f"Bearer {secret}"})
    assert resp.status_code == 200, resp.get_data(as_text=True)
    items = resp.get_json()["items"]
    nurse = next(i for i in items if i["user_id"] == world["nurse"].id)
    assert nurse["explanation"]["matched_skills"] == [] and "Nursing" not in resp.get_data(as_text=True)
    privacy.set_consents(session=session, user=world["nurse"], choices={"suggestible": False})
    resp = client.get(f"/api/v1/needs/{world['need'].id}/suggestions", headers={"Authorization": f"Bearer {secret}"})
    assert world["nurse"].id not in [i["user_id"] for i in resp.get_json()["items"]]


def test_privacy_page_saves_choices_and_shows_history(client, auth, session, world):
    assert auth.login("nurse@example.com", DEFAULT_PASSWORD).status_code == 302
    page = client.get("/account/privacy")
    assert page.status_code == 200 and 'name="skills"' in page.get_data(as_text=True)
    resp = client.post("/account/privacy", data={"suggestible": "y", "availability": "y"})  # skills off
    assert resp.status_code == 302
    assert privacy.current_consents(session=session, user=world["nurse"])["skills"] is False
    html = client.get("/account/privacy").get_data(as_text=True)
    assert privacy.WORDING_VERSION in html


def test_turning_suggestions_off_on_the_profile_is_recorded_too(session, world):
    from empathy.models.profile_schemas import ProfileUpdate
    from empathy.profiles import services as profiles

    current = profiles.get_profile(session=session, user=world["nurse"])
    data = ProfileUpdate(department=current.department, bio=current.bio, is_suggestible=False,
                         hours_per_month=current.hours_per_month)
    profiles.update_profile(session=session, user=world["nurse"], data=data)
    kinds = session.exec(select(Consent.kind, Consent.granted).where(Consent.user_id == world["nurse"].id)).all()
    assert list(kinds) == [("suggestible", False)]


@pytest.mark.parametrize("status, consented, shown", [
    ("confirmed", True, True), ("volunteered", True, True), ("attended", True, True),
    ("confirmed", False, False), ("invited", True, False), ("declined", True, False), ("withdrawn", True, False),
])
def test_the_coordinator_sees_an_e_mail_address_only_of_people_who_joined_and_consented(
        session, world, client, auth, status, consented, shown):
    from empathy.accounts.services import tokens
    from tests.factories import make_match

    nurse, need = world["nurse"], world["need"]
    make_match(session, need, nurse, status=status)
    privacy.set_consents(session=session, user=nurse, choices={"contact": consented})
    _row, secret = tokens.create_token(session=session, user=world["coordinator"], name="t",
                                       secret_key="test-secret-key")
    api = client.get(f"/api/v1/needs/{need.id}/people", headers={"Authorization": f"Bearer {secret}"}).get_json()
    (person,) = [p for column in api["columns"].values() for p in column]
    assert person["email"] == ("nurse@example.com" if shown else None)
    assert auth.login("coord@example.com", DEFAULT_PASSWORD).status_code == 302
    page = client.get(f"/needs/{need.id}/people").get_data(as_text=True)
    assert ('href="mailto:nurse@example.com"' in page) is shown
    assert "Nurse" in page
