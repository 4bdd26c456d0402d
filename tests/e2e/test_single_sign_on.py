"""Journey: an employee signs in through the company's identity provider (a real OpenID Connect
provider process, oidc-provider-mock), lands on the home page, and signs out of both."""

from __future__ import annotations

import json
import re
import shutil
import subprocess
import sys
import time
import urllib.request

import pytest
from playwright.sync_api import expect

from tests.e2e.conftest import REPO, LiveServer, _env
from tests.e2e.helpers import screenshot, sign_out
from tests.sso.provider import free_port, running_provider


@pytest.fixture(scope="module")
def provider(tmp_path_factory):
    with running_provider(tmp_path_factory.mktemp("e2e-oidc") / "provider.log") as running:
        yield running


@pytest.fixture(scope="module")
def sso_server(seeded_database, tmp_path_factory, provider):
    """The app served by `flask run`, with the mock provider configured through EMPATHY_OIDC_PROVIDERS."""
    directory = tmp_path_factory.mktemp("e2e-sso-server")
    for name in ("e.sqlite", "model.joblib"):  # with the database store the model is inside e.sqlite
        if (seeded_database / name).exists():
            shutil.copy2(seeded_database / name, directory / name)
    port = free_port()
    env = {**_env(directory), "EMPATHY_OIDC_PROVIDERS": json.dumps([provider.config(label="Contoso ID")])}
    log = open(directory / "server.log", "w+")
    proc = subprocess.Popen(
        [sys.executable, "-m", "flask", "--app", "empathy", "run", "--host", "127.0.0.1", "--port", str(port),
         "--no-reload", "--no-debugger", "--with-threads"],
        cwd=REPO, env=env, stdout=log, stderr=subprocess.STDOUT)
    url = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 60  # two cores shared with the rest of the suite: starting may be slow
        while True:
            if proc.poll() is not None:
                log.seek(0)
                pytest.fail(f"the server exited with {proc.returncode}:\n{log.read()}")
            try:
                with urllib.request.urlopen(url + "/login", timeout=2) as response:  # noqa: S310 (loopback)
                    if response.status == 200:
                        break
            except OSError:
                pass
            if time.monotonic() > deadline:
                pytest.fail("the server did not answer within 60 s")
            time.sleep(0.2)
        yield LiveServer(url=url, directory=directory)
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()
        log.close()


def test_sign_in_with_the_identity_provider_and_out_again(new_context, sso_server, provider):
    provider.set_user("mei-sub", email="mei.chen@empathy.example", email_verified=True, name="Mei Chen",
                      department="Treasury")
    context = new_context(base_url=sso_server.url, locale="en-US")
    # The mock provider's pages link a stylesheet on a CDN; this machine has no network, and a request
    # that hangs holds up the navigation after it. Anything off this machine is refused at once.
    context.route(re.compile(r"^https?://(?!127\.0\.0\.1[:/])"), lambda route: route.abort())
    page = context.new_page()
    page.set_default_timeout(20_000)  # two servers and a browser on two shared cores
    page.goto("/login")
    screenshot(page, "sso-login")
    page.get_by_role("link", name="Sign in with Contoso ID").click()

    # The provider's own page: say who signs in, and authorise.
    expect(page).to_have_url(re.compile(re.escape(provider.issuer) + r"/oauth2/authorize\?"))
    page.get_by_placeholder("sub").fill("mei-sub")
    page.get_by_role("button", name="Authorize").click()

    page.wait_for_url("**/home")
    expect(page.get_by_role("heading", level=1)).to_have_text("Hello, Mei Chen")
    expect(page.get_by_text("Welcome to Empathy, Mei Chen.")).to_be_visible()
    page.goto("/profile")
    expect(page.get_by_label("Department")).to_have_value("Treasury")

    sign_out(page)
    expect(page.get_by_role("heading", level=1)).to_have_text("You are signed out of Empathy")
    page.get_by_role("link", name="Sign out of Contoso ID too").click()
    page.get_by_role("button", name="End session").click()
    page.wait_for_url("**/login?state=*")
    page.goto("/home")
    expect(page).to_have_url(re.compile(r"/login\?next="))
