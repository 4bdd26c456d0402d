"""The web app's suggestions come from the matching engine, and edits show up without a refit."""

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from empathy.core.db import utcnow
from empathy.models import Match
from empathy.suggestions.documents import employee_documents, need_days
from empathy.suggestions.index import MatchIndex, fit_and_save
from empathy.suggestions.services import suggest_employees, suggest_needs
from tests.factories import add_employee_skill, make_need, make_site, make_skill, make_user, profile_of

TZ = ZoneInfo("Asia/Shanghai")


@pytest.fixture
def world(session):
    nursing = make_skill(session, name="Nursing", label_zh="护理", synonyms=["nurse"])
    accounting = make_skill(session, name="Accounting", label_zh="会计", synonyms=["bookkeeping"])
    coordinator = make_user(session, role="coordinator", display_name="Coordinator")
    nurse = make_user(session, display_name="Nurse")
    accountant = make_user(session, display_name="Accountant")
    for user, bio in ((nurse, "注册护士，十年养老院护理经验"),
                      (accountant, "Chartered accountant, audits charity funds")):
        profile = profile_of(session, user)
        profile.bio = bio
        session.add(profile)
    session.commit()
    add_employee_skill(session, nurse, nursing, level=4)
    add_employee_skill(session, accountant, accounting, level=4)
    need = make_need(session, owner=coordinator, title="Health checks for elderly residents",
                     description="Nurses measure blood pressure during home visits.",
                     cause="aged_care", skills=[(nursing, "must", 2)])
    return {"nurse": nurse, "accountant": accountant, "need": need, "coordinator": coordinator,
            "nursing": nursing, "accounting": accounting}


@pytest.fixture
def index(session, tmp_path):
    path = tmp_path / "model.joblib"
    fit_and_save(session, path, TZ)
    return MatchIndex(path, TZ)


def _names(results):
    return [r.user.display_name for r in results]


def test_the_nurse_is_suggested_first_with_reasons(session, world, index):
    results = suggest_employees(session=session, index=index, need_id=world["need"].id, k=5)
    assert _names(results)[0] == "Nurse"
    assert "Coordinator" not in _names(results)  # the need's owner is not suggested to themselves
    best = results[0].explanation
    assert best["matched_skills"][0]["canonical"] == "Nursing"
    assert best["matched_skills"][0]["employee_level"] == 4
    assert 0 <= results[0].score <= 1
    assert set(best["parts"]) == {"text", "skills", "cause", "language"}


def test_no_model_yet_means_none(session, world, tmp_path):
    index = MatchIndex(tmp_path / "missing.joblib", TZ)
    assert suggest_employees(session=session, index=index, need_id=world["need"].id) is None


def test_an_edit_shows_up_without_a_refit(session, world, index):
    suggest_employees(session=session, index=index, need_id=world["need"].id)  # load the model
    newcomer = make_user(session, display_name="Newcomer")
    add_employee_skill(session, newcomer, world["nursing"], level=4)
    profile = profile_of(session, newcomer)
    profile.bio = "Registered nurse; home visits and blood pressure checks for elderly people."
    profile.updated_at = utcnow()
    session.add(profile)
    session.commit()
    assert "Newcomer" in _names(suggest_employees(session=session, index=index, need_id=world["need"].id))


def test_switching_suggestions_off_takes_effect_at_once(session, world, index):
    profile = profile_of(session, world["nurse"])
    profile.is_suggestible = False
    session.add(profile)
    session.commit()
    assert "Nurse" not in _names(suggest_employees(session=session, index=index, need_id=world["need"].id))


def test_deactivated_and_already_matched_people_are_left_out(session, world, index):
    world["accountant"].active = False
    session.add(world["accountant"])
    session.add(Match(need_id=world["need"].id, user_id=world["nurse"].id, status="invited"))
    session.commit()
    names = _names(suggest_employees(session=session, index=index, need_id=world["need"].id))
    assert "Nurse" not in names and "Accountant" not in names


def test_a_site_bound_need_only_suggests_people_of_that_site_or_remote(session, world, index):
    here, there = make_site(session), make_site(session)
    for user, site, remote in ((world["nurse"], there, False), (world["accountant"], here, False)):
        profile = profile_of(session, user)
        profile.site_id, profile.remote_ok = site.id, remote
        session.add(profile)
    need = world["need"]
    need.site_id, need.is_remote = here.id, False
    session.add(need)
    session.commit()
    names = _names(suggest_employees(session=session, index=index, need_id=need.id))
    # The accountant works there, but shares nothing with the need: nobody is suggested.
    assert "Nurse" not in names and "Accountant" not in names
    profile = profile_of(session, world["nurse"])
    profile.remote_ok = True
    session.add(profile)
    session.commit()
    assert _names(suggest_employees(session=session, index=index, need_id=need.id)) == ["Nurse"]


def test_someone_who_travels_is_suggested_for_an_in_person_need_at_another_site_and_sees_it(session, world, index):
    here, there = make_site(session), make_site(session)
    profile = profile_of(session, world["nurse"])
    profile.site_id, profile.remote_ok, profile.travel_ok = there.id, False, False
    session.add(profile)
    need = world["need"]
    need.site_id, need.is_remote = here.id, False
    session.add(need)
    session.commit()
    assert "Nurse" not in _names(suggest_employees(session=session, index=index, need_id=need.id))
    assert suggest_needs(session=session, index=index, user=world["nurse"]) == []
    profile = profile_of(session, world["nurse"])
    profile.travel_ok = True  # "I can travel to needs at other sites": not the same as helping remotely
    session.add(profile)
    session.commit()
    assert _names(suggest_employees(session=session, index=index, need_id=need.id)) == ["Nurse"]
    assert [r.need.id for r in suggest_needs(session=session, index=index, user=world["nurse"])] == [need.id]


def test_needs_are_suggested_to_the_employee_while_open(session, world, index):
    results = suggest_needs(session=session, index=index, user=world["nurse"])
    assert [r.need.id for r in results] == [world["need"].id]
    need = world["need"]
    need.status = "closed"
    session.add(need)
    session.commit()
    assert suggest_needs(session=session, index=index, user=world["nurse"]) == []


def test_documents_carry_skills_levels_and_availability(session, world):
    docs = {d.id: d for d in employee_documents(session)}
    nurse = docs[str(world["nurse"].id)]
    assert [(s.name, s.level) for s in nurse.skills] == [("Nursing", 4)]
    assert nurse.is_suggestible and nurse.is_active


def test_need_days_follow_the_local_calendar(world):
    need = world["need"]
    # Saturday 2026-11-28, 09:00 to 17:00 in Shanghai.
    need.starts_at = datetime(2026, 11, 28, 1, 0, tzinfo=ZoneInfo("UTC"))
    need.ends_at = need.starts_at + timedelta(hours=8)
    assert need_days(need, TZ) == (False, True)
    need.ends_at = need.starts_at + timedelta(days=2)
    assert need_days(need, TZ) == (True, True)


def test_a_stale_model_file_is_not_used_and_asks_for_a_refit(session, world, tmp_path):
    path = tmp_path / "model.joblib"
    path.write_bytes(b"not a model")
    index = MatchIndex(path, TZ)
    assert not index.has_model()
    assert index.wants_refit()
    assert suggest_employees(session=session, index=index, need_id=world["need"].id) is None
    fit_and_save(session, path, TZ)
    assert index.has_model() and not index.wants_refit()
    assert _names(suggest_employees(session=session, index=index, need_id=world["need"].id))[0] == "Nurse"


def test_many_folded_in_changes_ask_for_a_refit(session, world, index, monkeypatch):
    import empathy.suggestions.index as mi

    monkeypatch.setattr(mi, "REFIT_AFTER_CHANGES", 10)
    suggest_employees(session=session, index=index, need_id=world["need"].id)
    assert not index.wants_refit()
    for _ in range(12):
        make_user(session)
    suggest_employees(session=session, index=index, need_id=world["need"].id)
    assert index.wants_refit()


def test_a_running_index_forgets_a_deleted_account_at_its_next_sync(app, session, world, tmp_path):
    from empathy.privacy.account_data import delete_account
    from tests.factories import DEFAULT_PASSWORD

    path = tmp_path / "model.joblib"
    fit_and_save(session, path, TZ)
    index = MatchIndex(path, TZ)
    nurse_id = str(world["nurse"].id)
    assert nurse_id in index.current(session).employee_docs_
    delete_account(session=session, user=world["nurse"], password=DEFAULT_PASSWORD)
    model = index.current(session)
    assert nurse_id not in model.employee_docs_
    assert nurse_id not in [e.id for e in model.rank_employees(str(world["need"].id), k=10)]


def test_a_refit_saves_every_needs_reference_score(session, world, tmp_path):
    from empathy.matching import load_model

    path = tmp_path / "warm.joblib"
    fit_and_save(session, path, TZ)
    model = load_model(path, strict=False)
    assert model.need_docs_ and set(model.need_refs_) == set(model.needs_.positions.values())
    assert model.warm_need_references() == 0  # nothing left to compute on the first employee's ranking


def test_a_need_ending_at_midnight_is_not_a_weekend_need(world):
    need = world["need"]
    # Friday 11 Dec 2026, 19:00 to Saturday 00:00 in Shanghai: a weekday evening, not a weekend.
    need.starts_at = datetime(2026, 12, 11, 19, tzinfo=TZ)
    need.ends_at = datetime(2026, 12, 12, 0, tzinfo=TZ)
    assert need_days(need, TZ) == (True, False)
    need.ends_at = datetime(2026, 12, 12, 0, 30, tzinfo=TZ)
    assert need_days(need, TZ) == (True, True)
