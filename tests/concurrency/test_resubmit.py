"""The same form token or Idempotency-Key sent in parallel to real gunicorn workers creates one row."""

from __future__ import annotations

from datetime import timedelta

import pytest

from empathy.core.db import utcnow
from tests.concurrency.harness import assert_no_server_errors, burst, describe, statuses

pytestmark = pytest.mark.slow  # real gunicorn workers


@pytest.mark.parametrize("parallel", [2, 10])
def test_parallel_posts_of_one_hours_form_log_once(seed, server, database, parallel):
    person = seed.users(1)[0]
    need = seed.need(seed.users(1, role="coordinator")[0], starts_in=timedelta(days=-1), lasts=timedelta(days=2))
    match = seed.matches(need, [person], status="confirmed")[0]
    browser = seed.web_user(server, person)
    opened = browser.get(f"/commitments/{match.id}/hours")
    assert opened.status == 302
    address = opened.headers["Location"]
    token = browser.csrf(address)
    data = {"hours": "2", "worked_on": utcnow().date().isoformat(), "note": "Parallel"}
    offset = len(server.log())

    answers = burst([lambda: browser.post(address, data, token=token) for _ in range(parallel)])

    assert_no_server_errors(answers, server, offset)
    assert statuses(answers) == {302: parallel}, describe(answers)
    assert database.count("SELECT count(*) FROM hours_records WHERE match_id = :m", m=match.id) == 1
    assert database.count("SELECT count(*) FROM form_submissions WHERE user_id = :u", u=person.id) == 1


@pytest.mark.parametrize("parallel", [2, 10])
def test_parallel_api_creates_with_one_idempotency_key_make_one_need(seed, server, database, parallel):
    coordinator = seed.users(1, role="coordinator")[0]
    caller = seed.api_users(server, [coordinator])[0]
    start = utcnow() + timedelta(days=20)
    key = seed.tag()
    title = f"Parallel need {key}"
    body = {"title": title, "cause": "education", "remote": True, "starts_at": start.isoformat(),
            "ends_at": (start + timedelta(hours=3)).isoformat(), "seats": 2, "skills": []}
    offset = len(server.log())

    answers = burst([lambda: caller.call("POST", "/needs", json=body, headers={"Idempotency-Key": key})
                     for _ in range(parallel)])

    assert_no_server_errors(answers, server, offset)
    assert statuses(answers) == {201: parallel}, describe(answers)
    assert len({a.json["id"] for a in answers}) == 1
    assert sum(a.headers.get("Idempotent-Replayed") == "true" for a in answers) == parallel - 1
    assert database.count("SELECT count(*) FROM needs WHERE title = :t", t=title) == 1
