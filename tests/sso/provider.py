"""A real OpenID Connect provider for the tests: `oidc-provider-mock` run as its own process on 127.0.0.1.

It discovers, signs ID tokens (RS256, keys at /jwks), keeps codes single-use, and has an authorisation
page where a person (or a test's POST) says which subject signs in; PUT /users/<sub> sets that subject's
claims. Any client id and secret are accepted.
"""

from __future__ import annotations

import json
import os
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

# The ports this project's test servers use first (another free one when all are taken).
PORTS = range(5640, 5650)
CLIENT_ID = "empathy-tests"
CLIENT_SECRET = "not-a-real-secret"


def free_port() -> int:
    """A free port on 127.0.0.1, from PORTS when one is free."""
    for port in [*PORTS, 0]:
        with socket.socket() as s:
            try:
                s.bind(("127.0.0.1", port))
            except OSError:
                continue
            return s.getsockname()[1]
    raise RuntimeError("no free port")


@dataclass
class MockProvider:
    issuer: str

    def set_user(self, sub: str, **claims) -> None:
        """Give the subject these claims (email, email_verified, name, department, office, ...)."""
        request = urllib.request.Request(f"{self.issuer}/users/{sub}", data=json.dumps(claims).encode(),
                                         method="PUT", headers={"Content-Type": "application/json"})
        with urllib.request.urlopen(request, timeout=10) as response:  # noqa: S310 (loopback URL built here)
            assert response.status == 204

    def config(self, name: str = "mock", label: str = "Mock ID", **extra) -> dict:
        """An OIDC_PROVIDERS entry for this provider."""
        return {"name": name, "label": label, "issuer": self.issuer, "client_id": CLIENT_ID,
                "client_secret": CLIENT_SECRET, "scopes": "openid email profile",
                "claims": {"department": "department", "site": "office"}, **extra}


@contextmanager
def running_provider(log_path: Path) -> Iterator[MockProvider]:
    """Start the provider process, wait until it answers discovery, stop it at the end."""
    for _attempt in range(3):
        port = free_port()
        log = open(log_path, "w+")
        proc = subprocess.Popen([sys.executable, "-m", "oidc_provider_mock", "--host", "127.0.0.1",
                                 "--port", str(port)], stdout=log, stderr=subprocess.STDOUT,
                                env={**os.environ, "NO_COLOR": "1"})
        issuer = f"http://127.0.0.1:{port}"
        deadline = time.monotonic() + 30
        while proc.poll() is None and time.monotonic() < deadline:
            try:
                with urllib.request.urlopen(issuer + "/.well-known/openid-configuration", timeout=2):  # noqa: S310
                    break
            except OSError:
                time.sleep(0.1)
        if proc.poll() is None and time.monotonic() < deadline:
            break
        proc.kill()
        proc.wait()
        log.close()  # the port was taken meanwhile: try another
    else:
        log_text = log_path.read_text()
        raise RuntimeError(f"oidc-provider-mock did not start:\n{log_text}")
    try:
        yield MockProvider(issuer=issuer)
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()
        log.close()
