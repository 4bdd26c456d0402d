"""End-to-end fixtures: the real app on 127.0.0.1, driven by Debian's Chromium through Playwright.

Every test module gets its own server on a free port and its own SQLite database (a copy of one
database migrated, seeded with the demo and with a fitted matching model, built once per run).
The e2e tests never touch PostgreSQL, so the PostgreSQL pass of the suite skips them.
"""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import sys
import tarfile
import time
import urllib.request
from dataclasses import dataclass
from pathlib import Path

import pytest

from tests.e2e.helpers import DESKTOP

REPO = Path(__file__).resolve().parents[2]
CACHE = Path(os.environ.get("EMPATHY_E2E_CACHE", REPO / "build" / "e2e"))
CHROMIUM = os.environ.get("EMPATHY_CHROMIUM", "/usr/bin/chromium")


@pytest.fixture(scope="session", autouse=True)
def _not_on_postgres():
    if os.environ.get("EMPATHY_TEST_DATABASE_URL"):
        pytest.skip("e2e tests run on their own SQLite database; they already ran in the SQLite pass")


@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args):
    if not (os.path.isfile(CHROMIUM) and os.access(CHROMIUM, os.X_OK)):
        pytest.fail(
            f"The end-to-end tests need Chromium at {CHROMIUM}. Install it with "
            "`sudo apt-get install chromium` (Debian/Ubuntu), or point EMPATHY_CHROMIUM at a "
            "Chromium or Chrome binary. (`playwright install` is not used.)",
            pytrace=False,
        )
    return {
        **browser_type_launch_args,
        "executable_path": CHROMIUM,
        "args": ["--disable-background-networking", "--disable-component-update", "--no-first-run", "--disable-sync"],
    }


# ----------------------------------------------------------------------------- the server
def _env(directory: Path) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("EMPATHY_")}
    env.update(
        EMPATHY_DATABASE_URL=f"sqlite:///{directory / 'e.sqlite'}",
        EMPATHY_MATCH_MODEL_PATH=str(directory / "model.joblib"),
        # The fitted model travels with the database file each test copies from the template.
        EMPATHY_MATCH_MODEL_STORE="database",
        EMPATHY_TOTP_KEY_FILE=str(directory / "totp-key"),
        # A queue of this server's own (never the repository's instance/queue.sqlite3), run by its own worker.
        EMPATHY_QUEUE_URL=f"sqlite:///{directory / 'queue.sqlite3'}",
        EMPATHY_SECRET_KEY="e2e-secret-key-not-for-production",
        FLASK_APP="empathy",
        PYTHONUNBUFFERED="1",
    )
    return env


def _flask(directory: Path, *args: str) -> None:
    done = subprocess.run(
        [sys.executable, "-m", "flask", "--app", "empathy", *args],
        cwd=REPO, env=_env(directory), capture_output=True, text=True, timeout=180,
    )
    assert done.returncode == 0, f"flask {' '.join(args)} failed:\n{done.stdout}\n{done.stderr}"


@pytest.fixture(scope="session")
def seeded_database(tmp_path_factory) -> Path:
    """One database through the documented commands: migrate, load the demo, fit the model."""
    directory = tmp_path_factory.mktemp("e2e-template")
    _flask(directory, "db", "upgrade")
    _flask(directory, "seed-demo")
    _flask(directory, "match", "refit")
    return directory


def _free_port() -> int:
    """A free port: any, or the first free one of EMPATHY_E2E_PORTS ("5620-5629") on a shared machine."""
    span = os.environ.get("EMPATHY_E2E_PORTS", "")
    first, _, last = span.partition("-")
    candidates = range(int(first), int(last or first) + 1) if first.isdigit() else [0]
    for port in candidates:
        with socket.socket() as s:
            try:
                s.bind(("127.0.0.1", port))
            except OSError:
                continue
            return s.getsockname()[1]
    raise RuntimeError(f"no free port in EMPATHY_E2E_PORTS={span}")


@dataclass
class LiveServer:
    url: str
    directory: Path


@pytest.fixture(scope="module")
def live_server(seeded_database, tmp_path_factory):
    """The app served by `flask run` on a free port, over a fresh copy of the seeded database, with a queue
    worker of its own (imports run as queue tasks)."""
    directory = tmp_path_factory.mktemp("e2e-server")
    for name in ("e.sqlite", "model.joblib"):  # with the database store the model is inside e.sqlite
        if (seeded_database / name).exists():
            shutil.copy2(seeded_database / name, directory / name)
    port = _free_port()
    log = open(directory / "server.log", "w+")
    proc = subprocess.Popen(
        [sys.executable, "-m", "flask", "--app", "empathy", "run", "--host", "127.0.0.1",
         "--port", str(port), "--no-reload", "--no-debugger", "--with-threads"],
        cwd=REPO, env=_env(directory), stdout=log, stderr=subprocess.STDOUT,
    )
    worker = None
    url = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 90  # a loaded CI machine took over 30 s to import the app
        while True:
            if proc.poll() is not None:
                log.seek(0)
                pytest.fail(f"the server exited with {proc.returncode}:\n{log.read()}")
            try:
                with urllib.request.urlopen(url + "/login", timeout=2) as response:
                    if response.status == 200:
                        break
            except OSError:
                pass
            if time.monotonic() > deadline:
                pytest.fail("the server did not answer within 90 s")
            time.sleep(0.2)
        # Started once the server answers: two processes importing the app at once on a busy machine took
        # longer than the deadline.
        worker = subprocess.Popen(
            [sys.executable, "-m", "flask", "--app", "empathy", "queue", "worker", "--workers", "1", "--no-periodic"],
            cwd=REPO, env=_env(directory), stdout=log, stderr=subprocess.STDOUT,
        )
        yield LiveServer(url=url, directory=directory)
    finally:
        for process in (p for p in (proc, worker) if p is not None):
            process.terminate()
            try:
                process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()
        log.close()


@pytest.fixture
def open_page(new_context, live_server):
    """Open a page (a fresh browser profile: no cookies) on the live server, in English."""

    def _open(path: str = "/login", *, viewport=DESKTOP, **kwargs):
        context = new_context(base_url=live_server.url, viewport=viewport, locale="en-US", **kwargs)
        page = context.new_page()
        page.set_default_timeout(10_000)
        page.goto(path)
        return page

    return _open


@pytest.fixture(scope="session")
def axe_source() -> str:
    """axe-core's axe.min.js, from the npm registry (cached under build/e2e). Fails, never skips."""
    target = CACHE / "axe-core" / "axe.min.js"
    if not target.exists():
        npm = shutil.which("npm")
        if npm is None:
            pytest.fail("The accessibility test needs npm to fetch axe-core (apt-get install npm).", pytrace=False)
        CACHE.mkdir(parents=True, exist_ok=True)
        done = subprocess.run([npm, "pack", "axe-core@4", "--silent", "--pack-destination", str(CACHE)],
                              capture_output=True, text=True, timeout=120)
        tarball = CACHE / done.stdout.strip().splitlines()[-1] if done.returncode == 0 and done.stdout.strip() else None
        if tarball is None or not tarball.exists():
            pytest.fail(f"`npm pack axe-core@4` failed:\n{done.stdout}\n{done.stderr}", pytrace=False)
        with tarfile.open(tarball) as archive:
            member = archive.extractfile("package/axe.min.js")
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_bytes(member.read())
        tarball.unlink()
    return target.read_text(encoding="utf-8")
