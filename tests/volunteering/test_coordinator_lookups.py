"""The coordinator pages look records up through services: unknown ids are 404, the site filter offers active sites."""

from empathy.volunteering.services import hours
from tests.factories import DEFAULT_PASSWORD, make_need, make_site, make_user


def test_hours_record_lookup(session):
    assert hours.find_record(session, 999999) is None


def test_reviewing_unknown_hours_is_404(client, auth, session):
    make_user(session, role="coordinator", email="coord@example.com")
    auth.login("coord@example.com", DEFAULT_PASSWORD)
    assert client.post("/hours/999999/approve").status_code == 404


def test_suggestion_filter_offers_active_sites_by_name(client, auth, session):
    coord = make_user(session, role="coordinator", email="coord@example.com")
    need = make_need(session, owner=coord, status="open", is_remote=True)
    make_site(session, name_en="Zhuhai")
    make_site(session, name_en="Beijing")
    make_site(session, name_en="Closed", is_active=False)
    auth.login("coord@example.com", DEFAULT_PASSWORD)
    page = client.get(f"/needs/{need.id}/suggestions").text
    assert page.index("Beijing") < page.index("Zhuhai") and "Closed" not in page
