"""Parallel decisions: accepting invitations in the browser, and an owner and an admin deciding the same rows.

Each decision happens once: one winner per row, the loser refused with 409 (API) or told on the page (web),
one audit entry and one notification per decision, none for a refusal.
"""

from __future__ import annotations

import os
from datetime import timedelta

import pytest

from tests.concurrency.harness import assert_no_server_errors, burst, describe, statuses

pytestmark = pytest.mark.slow  # real gunicorn workers

ON_POSTGRES = bool(os.environ.get("EMPATHY_TEST_DATABASE_URL"))
CONFIRMED = "You are confirmed. Thank you!"
SEATS_GONE = "Every seat of this need is taken."
RECORDS = 20  # hours records decided twice at once


def test_parallel_web_accepts_of_invitations_confirm_as_many_as_there_are_seats(seed, server, database):
    owner = seed.users(1, role="coordinator")[0]
    need = seed.need(owner, seats=6)
    people = seed.users(10)
    matches = seed.matches(need, people, status="invited")
    browsers = [seed.web_user(server, p) for p in people]
    tokens = [b.csrf("/commitments") for b in browsers]
    offset = len(server.log())

    answers = burst([lambda b=b, m=m, t=t: b.post(f"/commitments/{m.id}/accept", token=t)
                     for b, m, t in zip(browsers, matches, tokens)])

    assert_no_server_errors(answers, server, offset)
    assert statuses(answers) == {302: 10}, describe(answers)
    assert database.count("SELECT count(*) FROM matches WHERE need_id = :n AND status = 'confirmed'", n=need.id) == 6
    assert database.count("SELECT count(*) FROM matches WHERE need_id = :n AND status = 'invited'", n=need.id) == 4
    assert database.count("SELECT seats_taken FROM needs WHERE id = :n", n=need.id) == 6
    # Each browser is told what happened to it: confirmed, or that the seats are gone.
    pages = [b.get("/commitments").text for b in browsers]
    assert sum(CONFIRMED in p for p in pages) == 6
    assert sum(SEATS_GONE in p for p in pages) == 4
    ids = ",".join(str(p.id) for p in people)
    assert database.count(f"SELECT count(*) FROM notifications WHERE kind = 'confirmed' AND user_id IN ({ids})") == 6


def _owner_and_admin(seed, server):
    owner, admin = seed.users(1, role="coordinator")[0], seed.users(1, role="admin")[0]
    return owner, admin, *seed.api_users(server, [owner, admin])


def test_owner_and_admin_deciding_the_same_hours_at_once_decide_each_record_once(seed, threaded_server, database):
    server = threaded_server  # 12 requests at once: most pairs meet inside the database
    owner, admin, owner_api, admin_api = _owner_and_admin(seed, server)
    need = seed.need(owner, seats=RECORDS, starts_in=timedelta(days=-2))
    matches = seed.matches(need, seed.users(RECORDS), status="confirmed")
    records = seed.hours(need, matches)
    offset = len(server.log())

    calls = []
    for r in records:
        calls.append(lambda r=r: owner_api.call("POST", f"/hours/{r.id}/approve", label=f"approve {r.id}"))
        calls.append(lambda r=r: admin_api.call("POST", f"/hours/{r.id}/reject", json={"reason": "Not that day."},
                                                label=f"reject {r.id}"))
    answers = burst(calls)

    assert_no_server_errors(answers, server, offset)
    assert statuses(answers) == {200: RECORDS, 409: RECORDS}, describe(answers)
    for r, (approve, reject) in zip(records, zip(answers[::2], answers[1::2])):
        winner = "approved" if approve.status == 200 else "rejected"
        assert sorted((approve.status, reject.status)) == [200, 409], (approve, reject)
        stored = database.count("SELECT count(*) FROM hours_records WHERE id = :r AND status = :s", r=r.id, s=winner)
        assert stored == 1, f"record {r.id}: the answer said {winner}, the database does not"
        assert database.count("SELECT count(*) FROM audit_entries WHERE target_type = 'hours' AND target_id = :r "
                              "AND action = :a", r=r.id, a=f"hours_{winner}") == 1
        assert database.count("SELECT count(*) FROM audit_entries WHERE target_type = 'hours' AND target_id = :r",
                              r=r.id) == 1
    assert database.count("SELECT count(*) FROM notifications WHERE kind IN ('hours_approved', 'hours_rejected') "
                          "AND user_id IN (SELECT user_id FROM matches WHERE need_id = :n)", n=need.id) == RECORDS


def test_owner_approving_and_admin_rejecting_the_same_volunteers_at_once_decide_each_once(seed, server, database):
    owner, admin, owner_api, admin_api = _owner_and_admin(seed, server)
    need = seed.need(owner, seats=12, requires_approval=True)
    matches = seed.matches(need, seed.users(12), status="volunteered")
    offset = len(server.log())

    calls = []
    for m in matches:
        calls.append(lambda m=m: owner_api.call("POST", f"/matches/{m.id}/approve", label=f"approve {m.id}"))
        calls.append(lambda m=m: admin_api.call("POST", f"/matches/{m.id}/reject", json={"message": "Full team."},
                                                label=f"reject {m.id}"))
    answers = burst(calls)

    assert_no_server_errors(answers, server, offset)
    assert statuses(answers) == {200: 12, 409: 12}, describe(answers)
    approved = 0
    for m, (approve, reject) in zip(matches, zip(answers[::2], answers[1::2])):
        assert sorted((approve.status, reject.status)) == [200, 409], (approve, reject)
        won = "confirmed" if approve.status == 200 else "rejected"
        approved += won == "confirmed"
        assert database.count("SELECT count(*) FROM matches WHERE id = :m AND status = :s", m=m.id, s=won) == 1
        assert database.count("SELECT count(*) FROM audit_entries WHERE target_type = 'match' AND target_id = :m",
                              m=m.id) == 1
    assert database.count("SELECT seats_taken FROM needs WHERE id = :n", n=need.id) == approved
