"""The score's table adds up: its rows' points sum to the total shown beside them, in English and Chinese, on a
need's suggestions page and on the employee's home; the fit is said to be that total read against the others."""

from __future__ import annotations

import re
from html import unescape
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest

from empathy.suggestions.display import PENALTY, TOTAL, score_points
from empathy.suggestions.index import fit_and_save
from tests.factories import (
    DEFAULT_PASSWORD,
    make_need,
    make_skill,
    make_user,
    make_volunteer,
)

TZ = ZoneInfo("Asia/Shanghai")
TABLE = re.compile(r'<table class="parts">(.*?)</table>', re.S)
POINTS = re.compile(r'<td class="points">(-?\d+\.\d)</td>')
TOTAL_CELL = re.compile(r'<td class="points-total">(-?\d+\.\d)</td>')
HEADS = {"en": "Part", "zh": "组成部分"}
NOTE = {"en": ("it reads the total against the need's other candidates",
               "it reads the total against the other open needs you could join"),
        "zh": ("它把总分与该需求的其他候选人相比", "它把总分与您可以参加的其他开放需求相比")}


def _person(session, name, bio, skills=(), **profile):
    return make_volunteer(session, name, bio, skills, **{"causes": ["aged_care"], "languages": ["zh"], **profile})


@pytest.fixture
def world(app, session):
    """Nurses at every level (one keeps her skills private), first-aiders, and needs asking for nursing."""
    nursing = make_skill(session, name="Nursing", label_zh="护理", synonyms=["nurse"])
    first_aid = make_skill(session, name="First aid", label_zh="急救")
    owner = make_user(session, role="coordinator", display_name="Coco")
    people = [_person(session, f"Nurse {i}", "Registered nurse: blood pressure checks at home visits.",
                      [(nursing, 1 + i % 4)]) for i in range(8)]
    people.append(_person(session, "Private Pat", "Registered nurse on home visits.", [(nursing, 4)],
                          share_skills=False))
    people += [_person(session, f"Aider {i}", "First aid at the sports club.", [(first_aid, 3)]) for i in range(4)]
    need = make_need(session, owner=owner, title="Health checks for elderly residents", seats=3, cause="aged_care",
                     languages=["zh"], description="Nurses measure blood pressure during home visits.",
                     skills=[(nursing, "must", 3), (first_aid, "nice", 2)])
    for title in ("Blood pressure day", "Home visits for the lonely", "First aid stand", "Health fair"):
        make_need(session, owner=owner, title=title, description=title + ": nurses and first aid at home visits.",
                  skills=[(nursing, "must", 2)])
    fit_and_save(session, Path(app.config["MATCH_MODEL_PATH"]), TZ)
    return {"owner": owner, "need": need, "nurse": people[3]}


def _tables(html: str) -> list[tuple[list[float], float]]:
    out = []
    for body in TABLE.findall(html):
        total = TOTAL_CELL.findall(body)
        assert len(total) == 1, body
        out.append(([float(p) for p in POINTS.findall(body)], float(total[0])))
    return out


def _check(html: str, lang: str, note: str) -> int:
    html = unescape(html)
    tables = _tables(html)
    assert tables
    for rows, total in tables:
        assert rows and round(sum(rows), 1) == total, (rows, total)
    assert html.count(note) == len(tables)
    return len(tables)


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_the_rows_of_each_table_add_up_to_its_total(client, auth, world, lang):
    assert auth.login(world["owner"].email, DEFAULT_PASSWORD).status_code == 302
    client.post("/language", data={"language": lang})
    page = client.get(f"/needs/{world['need'].id}/suggestions").text
    assert _check(page, lang, NOTE[lang][0]) >= 9  # the private nurse's table too
    # The first column names the part of the score beside its weight (not "share", 占比, next to 权重).
    assert re.search(r"<th[^>]*>\s*" + HEADS[lang] + r"\s*</th>", page)
    auth.logout()
    assert auth.login(world["nurse"].email, DEFAULT_PASSWORD).status_code == 302
    client.post("/language", data={"language": lang})
    home = client.get("/home").text
    assert _check(home, lang, NOTE[lang][1]) >= 1


def test_the_points_are_each_parts_share_times_its_score_and_the_penalty_takes_the_rest():
    expl = {"score": 0.3689, "must_have_factor": 0.95, "tie_break_bonus": 0.0075,
            "parts": {"text": {"score": 0.4, "share": 0.7059, "used": True, "role": "fit"},
                      "skills": {"score": 0.3333, "share": 0.2941, "used": True, "role": "fit"},
                      "cause": {"score": 1.0, "share": 0.6667, "used": True, "role": "tie_break"},
                      "language": {"score": 0.5, "share": 0.3333, "used": True, "role": "tie_break"}}}
    points = score_points(expl)
    assert points[TOTAL] == 369 and sum(v for k, v in points.items() if k != TOTAL) == 369
    assert points["text"] == 282 and points["skills"] == 98  # 70.59 % x 40 %, 29.41 % x 33.33 %
    assert points[PENALTY] == -19  # 5 % of 38.04 points
    assert (points["cause"], points["language"]) == (6, 2)  # the tie-break bonus (.75 of a point), 4 to 1


def test_without_the_must_have_factor_the_specialty_parts_make_the_score_without_a_penalty_row():
    expl = {"score": 0.3, "tie_break_bonus": 0.0,
            "parts": {"text": {"score": 0.3, "share": 0.5, "used": True, "role": "fit"},
                      "skills": {"score": 0.35, "share": 0.5, "used": True, "role": "fit"},
                      "cause": {"score": 0.0, "share": 0.0, "used": False, "role": "tie_break"}}}
    points = score_points(expl)
    assert PENALTY not in points and points[TOTAL] == 300
    assert points["text"] + points["skills"] == 300 and points["cause"] == 0
