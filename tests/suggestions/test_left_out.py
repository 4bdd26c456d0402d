"""Suggestions resting on a word or two at a weak fit are not offered: the employee's home and a need's page
leave them out and say how many; the API's lists leave them out too, and count them in `left_out`."""

from __future__ import annotations

from pathlib import Path
from zoneinfo import ZoneInfo

import pytest

from empathy.suggestions.index import MatchIndex, fit_and_save
from empathy.suggestions.services import MIN_WORDS_ONLY_FIT, MIN_WORDS_ONLY_TERMS, is_offered, suggest_needs_page
from empathy.volunteering.services.invitations import candidate_page
from tests.api.fixtures import token_for
from tests.factories import (
    DEFAULT_PASSWORD,
    make_need,
    make_skill,
    make_user,
    make_volunteer,
)

TZ = ZoneInfo("Asia/Shanghai")
GARDEN = "Spring clean-up of the community garden"


_person = make_volunteer


@pytest.fixture
def world(app, session):
    """Gardeners, nurses and a photographer, needs for each, and the photographer shares one word ("garden") with
    the gardening need."""
    gardening = make_skill(session, name="Horticulture", label_zh="园艺")
    nursing = make_skill(session, name="Nursing", label_zh="护理")
    photography = make_skill(session, name="Photography", label_zh="摄影")
    owner = make_user(session, role="coordinator", display_name="Coco")
    gardeners = [_person(session, f"Gardener {i}", "Green fingers: planting, pruning and compost.", [(gardening, 3)])
                 for i in range(6)]
    for i in range(6):
        _person(session, f"Nurse {i}", "Registered nurse: blood pressure checks at home visits.", [(nursing, 3)])
    photographer = _person(session, "Phil Lens", "Wedding photographer; I shoot portraits in the botanical garden.",
                           [(photography, 4)])
    garden = make_need(session, owner=owner, title=GARDEN, seats=4,
                       description="Weed the garden beds, prune the hedges and plant spring bulbs.",
                       skills=[(gardening, "must", 2)])
    for title in ("Blood pressure checks", "Home visits for elderly residents", "Health fair first aid"):
        make_need(session, owner=owner, title=title, description=title + " by registered nurses.",
                  skills=[(nursing, "must", 2)])
    for title in ("Photos of the charity run", "Portraits for the volunteers' wall", "Pictures of the food bank"):
        make_need(session, owner=owner, title=title, skills=[(photography, "must", 2)],
                  description=title + ": a photographer for an afternoon, pictures for the newsletter.")
    path = Path(app.config["MATCH_MODEL_PATH"])
    fit_and_save(session, path, TZ)
    return {"owner": owner, "garden": garden, "photographer": photographer, "gardeners": gardeners,
            "index": MatchIndex(path, TZ)}


def test_words_alone_are_offered_only_when_several_count_at_a_fit_above_weak():
    one = {"top_terms": [{"term": "garden", "contribution": 0.1}], "fit": MIN_WORDS_ONLY_FIT}
    two = {"top_terms": [{"term": "garden", "contribution": 0.1}, {"term": "hedge", "contribution": 0.05}],
           "fit": 0.02}
    assert MIN_WORDS_ONLY_TERMS == 2
    assert not is_offered(one, False) and not is_offered(two, False)
    assert is_offered({**two, "fit": MIN_WORDS_ONLY_FIT}, False)
    assert is_offered(one, True) and is_offered(two, True)  # holds a skill of the need, maybe below its level
    assert is_offered({**one, "related_skills": [{"need_skill": "Horticulture"}]}, False)
    assert is_offered({"matched_skills": [{"need_skill": "Horticulture"}]}, False)
    assert not is_offered({}, False)


def test_the_home_leaves_out_a_need_sharing_one_word_and_says_so(client, auth, session, world):
    found = suggest_needs_page(session=session, index=world["index"], user=world["photographer"], k=5)
    assert GARDEN not in [s.need.title for s in found.items] and found.left_out == 1
    assert "Photos of the charity run" in [s.need.title for s in found.items]
    assert auth.login(world["photographer"].email, DEFAULT_PASSWORD).status_code == 302
    home = client.get("/home").text
    assert GARDEN not in home
    assert ('<p class="muted left-out">1 need that shares no skill with your profile and little of its wording was '
            'left out.</p>') in home
    client.post("/language", data={"language": "zh"})
    assert "1 个需求未列出：与您的资料没有共同技能，措辞也少有重合。" in client.get("/home").text
    auth.logout()
    token = token_for(session, world["photographer"])
    body = client.get("/api/v1/me/suggestions", headers={"Authorization": f"Bearer {token}"}).json
    assert GARDEN not in [i["need"]["title"] for i in body["items"]] and body["left_out"] == 1


def test_the_needs_page_leaves_out_a_person_sharing_one_word_and_says_so(client, auth, session, world):
    page = candidate_page(session=session, index=world["index"], actor=world["owner"], need_id=world["garden"].id,
                          per_page=50, tz=TZ)
    names = [c.user.display_name for c in page.items]
    assert "Phil Lens" not in names and len(names) == 6 and page.total == 6 and page.left_out == 1
    assert auth.login(world["owner"].email, DEFAULT_PASSWORD).status_code == 302
    html = client.get(f"/needs/{world['garden'].id}/suggestions").text
    assert "Phil Lens" not in html
    assert ('<p class="muted left-out">1 person who shares no skill with this need and little of its wording is not '
            'listed.</p>') in html
    client.post("/language", data={"language": "zh"})
    zh_html = client.get(f"/needs/{world['garden'].id}/suggestions").text
    assert "1 人未列出：与该需求没有共同技能，措辞也少有重合。" in zh_html
    token = token_for(session, world["owner"])
    body = client.get(f"/api/v1/needs/{world['garden'].id}/suggestions",
                      headers={"Authorization": f"Bearer {token}"}).json
    assert "Phil Lens" not in [i["display_name"] for i in body["items"]] and body["total"] == 6
    assert body["left_out"] == 1
