"""Parallel sign-ups for the last seats: exactly as many confirmed as there are seats, the rest refused."""

from __future__ import annotations

import pytest

from tests.concurrency.harness import assert_no_server_errors, burst, describe, statuses

pytestmark = pytest.mark.slow  # real gunicorn workers


def _signup_burst(seed, server, database, *, people: int, seats: int):
    owner = seed.users(1, role="coordinator")[0]
    need = seed.need(owner, seats=seats)
    people = seed.users(people)
    callers = seed.api_users(server, people)  # fresh tokens: each first call is a bookkeeping write
    offset = len(server.log())
    answers = burst([lambda c=c: c.call("POST", f"/needs/{need.id}/signup", json={}) for c in callers])
    return owner, need, people, answers, offset


@pytest.mark.parametrize("which", ["server", "threaded_server"])
def test_forty_api_signups_for_five_seats_confirm_exactly_five_and_refuse_the_rest_with_409(
        which, request, seed, database):
    server = request.getfixturevalue(which)
    owner, need, people, answers, offset = _signup_burst(seed, server, database, people=40, seats=5)

    assert_no_server_errors(answers, server, offset)
    assert statuses(answers) == {201: 5, 409: 35}, describe(answers)
    assert all(a.json["status"] == "confirmed" for a in answers if a.status == 201)
    assert all(a.json["detail"] for a in answers if a.status == 409)  # a clear refusal, not an empty one
    assert database.count("SELECT count(*) FROM matches WHERE need_id = :n AND status = 'confirmed'", n=need.id) == 5
    assert database.count("SELECT count(*) FROM matches WHERE need_id = :n", n=need.id) == 5  # no leftovers
    assert database.count("SELECT seats_taken FROM needs WHERE id = :n", n=need.id) == 5
    assert database.count("SELECT count(*) FROM needs WHERE id = :n AND status = 'filled'", n=need.id) == 1
    # Every confirmed sign-up told the volunteer and the coordinator once; the refused ones told nobody.
    ids = ",".join(str(p.id) for p in people)
    assert database.count(f"SELECT count(*) FROM notifications WHERE kind = 'confirmed' AND user_id IN ({ids})") == 5
    assert database.count("SELECT count(*) FROM notifications WHERE user_id = :o AND kind = 'signed_up'",
                          o=owner.id) == 5


@pytest.mark.parametrize("which", ["server", "threaded_server"])
def test_one_person_signing_up_for_ten_clashing_needs_at_once_gets_exactly_one(which, request, seed, database):
    # Issue #16: the clash check reads the person's other commitments; at the same moment in other workers the
    # sign-ups must take turns (the person's row is locked), or several overlapping needs are all confirmed.
    server = request.getfixturevalue(which)
    owner = seed.users(1, role="coordinator")[0]
    needs = [seed.need(owner, seats=5) for _ in range(10)]  # all 10 days from now, 6 hours: they overlap
    person = seed.users(1)[0]
    caller = seed.api_users(server, [person])[0]
    offset = len(server.log())
    answers = burst([lambda n=n: caller.call("POST", f"/needs/{n.id}/signup", json={}) for n in needs])

    assert_no_server_errors(answers, server, offset)
    assert statuses(answers) == {201: 1, 409: 9}, describe(answers)
    refused = [a for a in answers if a.status == 409]
    assert all(a.json.get("clashes_with") or "signed up" in a.json["detail"] for a in refused)
    assert database.count("SELECT count(*) FROM matches WHERE user_id = :u", u=person.id) == 1
