"""Helpers for URLs that come from users, and the check that BASE_URL names the app's own address."""

from __future__ import annotations

import threading
from urllib.parse import urlsplit

from flask import Flask, request

DEFAULT_PORTS = {"http": 80, "https": 443}


def safe_next(target: str | None) -> str | None:
    """Return target if it is a path on this site, else None (no open redirects)."""
    if not target or not target.startswith("/") or target.startswith("//"):
        return None
    if "\\" in target or any(ord(c) < 32 for c in target):
        return None
    parts = urlsplit(target)
    if parts.scheme or parts.netloc:
        return None
    return target


def base_url_differences(base_url: str, reached: str) -> list[str]:
    """Which of "scheme", "host" and "port" differ between BASE_URL and the address a request reached
    (`request.host_url`, after the trusted-proxy setting); [] when they agree. Ports left out are the
    scheme's default (80, 443); host names compare without case."""
    want, got = urlsplit(base_url), urlsplit(reached)
    differ = []
    if want.scheme.lower() != got.scheme.lower():
        differ.append("scheme")
    if (want.hostname or "") != (got.hostname or ""):
        differ.append("host")
    if (want.port or DEFAULT_PORTS.get(want.scheme.lower())) != (got.port or DEFAULT_PORTS.get(got.scheme.lower())):
        differ.append("port")
    return differ


def init_app(app: Flask) -> None:
    """On the first request a process answers, compare its address with BASE_URL, the start of every link
    in e-mails and of the API's documented server, and log a warning when they differ (a server started
    on another port, a proxy's public name): the links would lead elsewhere."""
    checked = threading.Event()

    @app.before_request
    def _compare_with_base_url() -> None:
        if checked.is_set():
            return
        checked.set()
        base_url = str(app.config.get("BASE_URL") or "")
        differ = base_url_differences(base_url, request.host_url)
        if differ:
            app.logger.warning(
                "BASE_URL is %s, but this app answers on %s (%s differ): links in e-mails will lead there, "
                "not here. Set EMPATHY_BASE_URL (or BASE_URL in instance/config.py) to the address people "
                "open.", base_url, request.host_url.rstrip("/"), ", ".join(differ))
