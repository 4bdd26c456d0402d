"""The read-only site lookups the API and the pages share."""

from empathy.admin.services.sites import site_by_code
from empathy.core.labels import site_codes
from tests.factories import make_site


def test_site_by_code_finds_the_exact_code_with_spaces_trimmed(session):
    site = make_site(session, code="shanghai-hq")
    assert site_by_code(session, "shanghai-hq").id == site.id
    assert site_by_code(session, "  shanghai-hq ").id == site.id
    assert site_by_code(session, "SHANGHAI-HQ") is None  # codes are stored in lower case; the API compares as given
    assert site_by_code(session, "nowhere") is None
    assert site_by_code(session, "") is None and site_by_code(session, None) is None


def test_site_codes_cover_inactive_sites(session):
    active = make_site(session, code="a")
    closed = make_site(session, code="b", is_active=False)
    assert site_codes(session) == {active.id: "a", closed.id: "b"}
