"""Someone holding a must-have below the asked level is never shown as a strong fit: not on the need's page, not
on their home, not in the JSON API."""

from __future__ import annotations

import re
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest

from empathy.suggestions.index import fit_and_save
from tests.api.fixtures import token_for
from tests.factories import (
    DEFAULT_PASSWORD,
    make_need,
    make_skill,
    make_user,
    make_volunteer,
)

TZ = ZoneInfo("Asia/Shanghai")
TEXT = "Registered nurse: blood pressure checks and wound care during home visits to elderly residents."
BAND = re.compile(r'<span class="band band-(\w+)"')


_person = make_volunteer


@pytest.fixture
def world(app, session):
    """A need for an advanced nurse; an intermediate nurse whose words are the need's; office staff."""
    nursing = make_skill(session, name="Nursing", label_zh="护理")
    accounting = make_skill(session, name="Accounting", label_zh="会计")
    owner = make_user(session, role="coordinator", display_name="Coco")
    nurse = _person(session, "Nina Nurse", TEXT, [(nursing, 2)])
    for i in range(20):
        _person(session, f"Clerk {i}", "Accounts clerk: invoices, ledgers and month-end closing.", [(accounting, 3)])
    need = make_need(session, owner=owner, title="Home visits: blood pressure and wound care", description=TEXT,
                     skills=[(nursing, "must", 3)])
    fit_and_save(session, Path(app.config["MATCH_MODEL_PATH"]), TZ)
    return {"owner": owner, "need": need, "nurse": nurse}


def _row_band(html: str, name: str) -> str:
    row = next(r for r in html.split('<li class="card suggestion">')[1:] if name in r)
    return BAND.search(row).group(1)


def test_a_must_have_below_its_level_is_never_a_strong_fit_on_the_pages(client, auth, world):
    assert auth.login(world["owner"].email, DEFAULT_PASSWORD).status_code == 302
    page = client.get(f"/needs/{world['need'].id}/suggestions").text
    assert _row_band(page, "Nina Nurse") == "good"
    assert "Missing must-have skills" in page.split("Nina Nurse", 1)[1]
    auth.logout()
    assert auth.login(world["nurse"].email, DEFAULT_PASSWORD).status_code == 302
    home = client.get("/home").text
    assert _row_band(home, "Home visits: blood pressure and wound care") == "good"


def test_the_api_caps_the_band_too_and_says_why(client, session, world):
    token = token_for(session, world["owner"])
    body = client.get(f"/api/v1/needs/{world['need'].id}/suggestions",
                      headers={"Authorization": f"Bearer {token}"}).json
    nina = next(i for i in body["items"] if i["display_name"] == "Nina Nurse")["explanation"]
    assert nina["band"] == "good" and nina["fit"] < 0.5 and nina["short_must"] is True
    assert nina["missing_must_have"] == ["Nursing"]
    token = token_for(session, world["nurse"])
    mine = client.get("/api/v1/me/suggestions", headers={"Authorization": f"Bearer {token}"}).json
    assert [(i["explanation"]["band"], i["explanation"]["short_must"]) for i in mine["items"]] == [("good", True)]
