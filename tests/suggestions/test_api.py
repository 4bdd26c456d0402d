"""Needs suggested to the caller through the API."""


def test_me_suggestions_is_empty_without_a_model(api):
    r = api("GET", "/me/suggestions?limit=3", "employee")
    assert r.status_code == 200 and r.json["items"] == []
