"""Parallel registrations, sign-ins and token requests: each takes effect once, none answers 5xx."""

from __future__ import annotations

import uuid

import pytest

from tests.concurrency.harness import (
    PASSWORD,
    ApiUser,
    WebUser,
    api_token_request,
    assert_no_server_errors,
    burst,
    describe,
    statuses,
)

pytestmark = pytest.mark.slow  # real gunicorn workers

TAKEN = "An account with this email already exists."


def test_twenty_registrations_of_one_email_at_once_make_one_account_and_refuse_the_rest(server, database):
    email = f"racer-{uuid.uuid4().hex[:8]}@example.com"
    others = [f"other-{uuid.uuid4().hex[:8]}@example.com" for _ in range(10)]
    browsers = [WebUser(server) for _ in range(30)]
    tokens = [b.csrf("/register") for b in browsers]
    offset = len(server.log())

    addresses = [email] * 20 + others
    answers = burst([lambda b=b, t=t, a=a: b.register(a, t) for b, t, a in zip(browsers, tokens, addresses)])

    assert_no_server_errors(answers, server, offset)
    same, distinct = answers[:20], answers[20:]
    assert statuses(same) == {200: 19, 302: 1}, describe(same)
    assert all(TAKEN in a.text for a in same if a.status == 200)  # told why, on the form
    assert statuses(distinct) == {302: 10}, describe(distinct)
    assert database.count("SELECT count(*) FROM users WHERE email = :e", e=email) == 1
    assert database.count("SELECT count(*) FROM employee_profiles WHERE user_id = "
                          "(SELECT id FROM users WHERE email = :e)", e=email) == 1
    # The winner is signed in: one server-side session for the one account.
    assert database.count("SELECT count(*) FROM user_sessions WHERE user_id = "
                          "(SELECT id FROM users WHERE email = :e)", e=email) == 1
    for address in others:
        assert database.count("SELECT count(*) FROM users WHERE email = :e", e=address) == 1


def test_parallel_correct_sign_ins_in_the_browser_and_the_api_all_succeed(seed, server, database):
    people = seed.users(16)
    browsers = [WebUser(server) for _ in people]
    tokens = [b.csrf("/login") for b in browsers]
    offset = len(server.log())

    calls = [lambda b=b, t=t, p=p: b.login_answer(p.email, PASSWORD, token=t)
             for b, t, p in zip(browsers, tokens, people)]
    calls += [lambda p=p: api_token_request(server, p.email, PASSWORD) for p in people]
    answers = burst(calls)

    assert_no_server_errors(answers, server, offset)
    web, api = answers[:16], answers[16:]
    assert statuses(web) == {302: 16}, describe(web)
    assert statuses(api) == {200: 16}, describe(api)
    ids = ",".join(str(p.id) for p in people)
    assert database.count(f"SELECT count(*) FROM user_sessions WHERE user_id IN ({ids})") == 16
    assert database.count(f"SELECT count(*) FROM api_tokens WHERE user_id IN ({ids})") == 16
    # Every browser is signed in, and every token works.
    assert all(b.get("/commitments").status == 200 for b in browsers)
    assert all(ApiUser(server, a.json["token"]).call("GET", "/me").status == 200 for a in api)
