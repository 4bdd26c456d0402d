"""Suggestions are listed in the order of the fit they show: a suggestion whose fit is capped for a missing
must-have ("Good 49 %") does not sit above one shown at "Strong 50 %" (issue #19's review)."""

from __future__ import annotations

from pathlib import Path
from zoneinfo import ZoneInfo

from empathy.matching.documents import Suggestion
from empathy.suggestions import ranked as ranked_module
from empathy.suggestions.index import MatchIndex, fit_and_save
from empathy.suggestions.ranked import by_fit, need_ranking
from empathy.suggestions.services import suggest_employees, suggest_needs
from tests.factories import make_need, make_skill, make_user, make_volunteer

TZ = ZoneInfo("Asia/Shanghai")


def test_by_fit_keeps_the_matchers_order_among_equal_fits():
    ranked = [Suggestion("a", 0.80, fit=0.49, band="good"), Suggestion("b", 0.78, fit=0.50, band="strong"),
              Suggestion("c", 0.70, fit=0.49, band="good"), Suggestion("d", 0.60, fit=0.20, band="weak")]
    assert [s.id for s in by_fit(ranked)] == ["b", "a", "c", "d"]


def _world(app, session):
    nursing = make_skill(session, name="Nursing", label_zh="护理", synonyms=["nurse"])
    owner = make_user(session, role="coordinator", display_name="Coco")
    short = make_volunteer(session, "Sam Short", "Registered nurse: blood pressure checks at home visits.",
                           [(nursing, 1)])
    full = make_volunteer(session, "Fay Full", "Nurse on home visits.", [(nursing, 4)])
    need = make_need(session, owner=owner, title="Health checks for elderly residents", seats=3,
                     description="Nurses measure blood pressure during home visits.", cause="aged_care",
                     hours_per_volunteer=4, skills=[(nursing, "must", 3)])
    path = Path(app.config["MATCH_MODEL_PATH"])
    fit_and_save(session, path, TZ)
    return MatchIndex(path, TZ), need, short, full, (owner, nursing)


def test_a_needs_page_lists_the_capped_fit_below_a_higher_one(app, session, monkeypatch):
    index, need, short, full, _owner = _world(app, session)
    model = index.current(session)
    real = model.rank_employees

    def matcher_order(query, **kw):  # the matcher ranks the short one first, its fit capped below the other's
        found = {s.id: s for s in real(query, **kw)}
        return [Suggestion(str(short.id), 0.81, fit=0.49, band="good"),
                Suggestion(str(full.id), 0.80, fit=0.50, band="strong"),
                *[s for i, s in found.items() if i not in (str(short.id), str(full.id))]]
    monkeypatch.setattr(model, "rank_employees", matcher_order)
    ranked_module.clear()
    assert need_ranking(session, index, model, need).ids[:2] == (full.id, short.id)
    names = [s.user.display_name for s in suggest_employees(session=session, index=index, need_id=need.id)]
    assert names.index("Fay Full") < names.index("Sam Short")


def test_an_employees_needs_are_listed_by_the_fit_they_show(app, session, monkeypatch):
    index, need, short, _full, (owner, nursing) = _world(app, session)
    other = make_need(session, owner=owner, title="Blood pressure day", seats=2,
                      description="Nurses check blood pressure.", cause="aged_care", hours_per_volunteer=2,
                      skills=[(nursing, "nice", None)])
    fit_and_save(session, Path(app.config["MATCH_MODEL_PATH"]), TZ)
    index = MatchIndex(Path(app.config["MATCH_MODEL_PATH"]), TZ)
    model = index.current(session)
    real = model.explain_needs

    def explained(user_id, ids):
        found = {s.id: s for s in real(user_id, ids)}
        first, second = found[str(need.id)], found[str(other.id)]
        return [Suggestion(first.id, 0.9, first.explanation, fit=0.49, band="good"),
                Suggestion(second.id, 0.8, second.explanation, fit=0.50, band="strong")]
    monkeypatch.setattr(model, "explain_needs", explained)
    ranked_module.clear()
    got = suggest_needs(session=session, index=index, user=short)
    assert [s.need.id for s in got][:2] == [other.id, need.id]
