"""The employee's home leads with the suggestions that stand out (band strong, good or partial) as cards; the weak
ones (read against the person's 3rd best open need, most of a list is weak by construction) are gathered below in
a collapsed section, one compact row each (title, band, date, the skill of theirs they ask for); when every
suggestion is weak, a plain sentence says that none stands out yet and the rows follow, under the same legend."""

from __future__ import annotations

import re
from html import unescape
from pathlib import Path
from zoneinfo import ZoneInfo

from empathy.suggestions.index import MatchIndex, fit_and_save
from empathy.suggestions.services import suggest_needs_page
from tests.factories import DEFAULT_PASSWORD, make_need, make_skill, make_user, make_volunteer

TZ = ZoneInfo("Asia/Shanghai")
TEXT = "Registered nurse: blood pressure checks and wound care during home visits to elderly residents."
HOME_VISITS = "Home visits: blood pressure and wound care"
CARPENTRY = ("Repair the shelter's roof", "Build benches for the park", "Fix the school's doors",
             "Mend the library shelves", "Put up a playground fence", "Rebuild the garden sheds")
EMPLOYEE_LEGEND = "How often such suggestions were the right need in our benchmark:"
CARD = '<li class="card suggestion">'


def _world(app, session, *, with_home_visits: bool, level: int = 4, asked: int = 1) -> dict:
    """A nurse (at `level`); carpentry needs that also ask for nursing (nice to have, at `asked`), and with
    `with_home_visits` one need in the nurse's own words."""
    nursing = make_skill(session, name="Nursing", label_zh="护理")
    carpentry = make_skill(session, name="Carpentry", label_zh="木工")
    owner = make_user(session, role="coordinator", display_name="Coco")
    nurse = make_volunteer(session, "Nina Nurse", TEXT, [(nursing, level)])
    for i in range(6):
        make_volunteer(session, f"Carpenter {i}", "Carpenter: roofs, doors, benches and sheds.", [(carpentry, 3)])
    for title in CARPENTRY:
        make_need(session, owner=owner, title=title, skills=[(carpentry, "must", 2), (nursing, "nice", asked)],
                  description=title + ": carpentry work for a weekend; a first-aider on the team is welcome.")
    if with_home_visits:
        make_need(session, owner=owner, title=HOME_VISITS, description=TEXT, skills=[(nursing, "must", 2)])
    path = Path(app.config["MATCH_MODEL_PATH"])
    fit_and_save(session, path, TZ)
    found = suggest_needs_page(session=session, index=MatchIndex(path, TZ), user=nurse, k=5)
    return {"nurse": nurse, "bands": {s.need.title: s.explanation["band"] for s in found.items},
            "items": found.items}


def _section(html: str, start: str, end: str) -> str:
    assert start in html, start
    return html.split(start, 1)[1].split(end, 1)[0]


def _rows(html: str) -> dict[str, str]:
    """The band of each compact row, by need title."""
    return {unescape(m.group(1)): m.group(2) for m in re.finditer(
        r'<li>\s*<div class="suggestion-head">\s*<a href="/needs/\d+">([^<]+)</a>\s*'
        r'<span class="band band-(\w+)"', html)}


def _home(client, language: str = "en") -> str:
    assert client.post("/language", data={"language": language}).status_code == 302
    return client.get("/home").text


def test_weak_suggestions_are_gathered_below_the_one_that_stands_out(client, auth, app, session):
    world = _world(app, session, with_home_visits=True)
    bands = world["bands"]
    weak = [t for t, b in bands.items() if b == "weak"]
    assert bands[HOME_VISITS] == "strong" and len(weak) == len(bands) - 1 >= 3, bands  # the world is as meant

    assert auth.login(world["nurse"].email, DEFAULT_PASSWORD).status_code == 302
    html = _home(client)
    assert html.count(CARD) == 1 and HOME_VISITS in _section(html, CARD, "</li>")
    assert EMPLOYEE_LEGEND in html
    more = _section(html, '<details class="more-suggestions">', "</details>")  # collapsed: no `open`
    assert f"<summary>{len(weak)} more needs that ask for one of your skills (weak fits)</summary>" in more
    assert _rows(more) == dict.fromkeys(weak, "weak")
    assert more.count("Nursing (expert)") == len(weak)  # the skill of theirs each asks for
    assert "None of the open needs stands out" not in html

    chinese = _home(client, "zh")
    assert f"<summary>另有 {len(weak)} 个需求需要您的某项技能（契合度低）</summary>" in chinese
    assert "护理（专家）" in _section(chinese, '<details class="more-suggestions">', "</details>")


def test_when_every_suggestion_is_weak_the_home_says_none_stands_out_and_lists_them(client, auth, app, session):
    world = _world(app, session, with_home_visits=False)
    bands = world["bands"]
    assert len(bands) >= 3 and set(bands.values()) == {"weak"}, bands

    assert auth.login(world["nurse"].email, DEFAULT_PASSWORD).status_code == 302
    html = _home(client)
    assert CARD not in html and "more-suggestions" not in html
    assert ("<strong>None of the open needs stands out for you yet.</strong>\n      These ask for one of your skills, "
            "but each is a weak fit.") in html
    assert EMPLOYEE_LEGEND in html  # the bands shown are still the employee's
    listed = _section(html, '<ul class="compact-suggestions" aria-labelledby="suggested">', "</ul>")
    assert _rows(listed) == bands

    chinese = _home(client, "zh")
    assert "目前还没有特别适合您的开放需求。" in chinese and "以下需求需要您的某项技能，但契合度低。" in chinese


def test_a_weak_row_names_the_skill_held_below_the_level_asked(client, auth, app, session):
    """A row whose explanation matched nothing, the person's skill being below the level asked, still says which
    skill it asks for (it showed only its date: review of #19)."""
    world = _world(app, session, with_home_visits=False, level=1, asked=3)
    nurse, items = world["nurse"], world["items"]
    assert items and all(not s.explanation["matched_skills"] for s in items)  # the world is as meant
    assert auth.login(nurse.email, DEFAULT_PASSWORD).status_code == 302
    html = _home(client)
    rows = _section(html, '<ul class="compact-suggestions"', "</ul>")
    assert rows.count("Nursing: yours beginner, advanced asked") == len(items)
    assert _home(client, "zh").count("护理：您为入门，需要熟练") == len(items)
