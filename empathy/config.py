"""Configuration defaults and the layering that create_app applies on top of them."""

from __future__ import annotations

import os
import secrets
import tempfile
from datetime import timedelta
from pathlib import Path

from flask import Flask

ENV_PREFIX = "EMPATHY"
SECRET_KEY_FILE = "secret_key"
LANGUAGES = ("en", "zh")


class Defaults:
    """Settings every deployment starts from; each can be overridden in layers."""

    # The database URL; None means the SQLite file in the instance folder.
    DATABASE_URL: str | None = None
    SQLITE_BUSY_TIMEOUT_MS = 5000
    SECRET_KEY: str | None = None

    BABEL_DEFAULT_LOCALE = "en"
    BABEL_DEFAULT_TIMEZONE = "Asia/Shanghai"
    LANGUAGES = LANGUAGES

    SESSION_COOKIE_HTTPONLY = True
    SESSION_COOKIE_SAMESITE = "Lax"
    REMEMBER_COOKIE_HTTPONLY = True
    REMEMBER_COOKIE_SAMESITE = "Lax"
    REMEMBER_COOKIE_DURATION = timedelta(days=14)
    PERMANENT_SESSION_LIFETIME = timedelta(hours=12)
    # A server-side session ends after this long without a request.
    SESSION_IDLE_TIMEOUT = timedelta(hours=2)
    # ... and after this long in any case (remember-me included).
    SESSION_ABSOLUTE_TIMEOUT = timedelta(days=14)
    MAX_CONTENT_LENGTH = 5 * 1024 * 1024

    WTF_CSRF_TIME_LIMIT = None  # the token lives as long as the session

    # Where rate-limit counters live. "database://": a table of DATABASE_URL itself, so every gunicorn
    # worker and every host on the same database counts together (empathy/core/ratelimit.py).
    # "redis://host:6379" (pip install -e '.[redis]') takes that load off the database; "memory://"
    # counts per process and is for a single-process development server only.
    RATELIMIT_STORAGE_URL = "database://"
    RATELIMIT_HEADERS_ENABLED = True
    # Flask-Limiter's limits on or off. Always set: Flask-Limiter otherwise takes the value the last app of the
    # process had. Off, the password throttles still count, in the process's memory (accounts/throttling.py).
    RATELIMIT_ENABLED = True
    # When the counters cannot be written, Flask-Limiter's own limits (registration) let the request
    # through and log it; sign-in, code and token attempts are refused with 503 instead (docs/security.md).
    RATELIMIT_SWALLOW_ERRORS = True
    # How many proxies in front of the app set X-Forwarded-For / X-Forwarded-Proto: 0 (the default)
    # trusts neither header and counts by the connecting address; behind one reverse proxy set 1, or
    # everyone shares the proxy's address. More than the real number lets clients pick their address.
    TRUSTED_PROXIES = 0

    # Failed sign-ins (web form and POST /api/v1/auth/token count together), OWASP's "device cookie"
    # scheme: an attacker's failures never lock the owner out (docs/security.md, "Throttling").
    # Per network address, whatever the account:
    LOGIN_FAILURE_LIMITS = "10 per 15 minutes"
    # Per account and address: one address cannot keep guessing one account's password.
    LOGIN_ACCOUNT_ADDRESS_FAILURE_LIMITS = "5 per 15 minutes"
    # Per account, from browsers that have never signed in to it (no device cookie), whatever the
    # address: stops guessing spread over many addresses; the owner's own browsers are not stopped.
    LOGIN_ACCOUNT_FAILURE_LIMITS = "20 per hour"
    # Per browser holding a device cookie for the account (given at each full sign-in): counted on
    # its own, instead of the three limits above.
    LOGIN_DEVICE_FAILURE_LIMITS = "5 per 15 minutes"
    # How long a device cookie makes a browser known to an account.
    DEVICE_COOKIE_LIFETIME = timedelta(days=180)
    REGISTER_LIMITS = "10 per hour"  # per address
    # Calendar feed fetches per address: calendar apps poll each subscription every few minutes to hours,
    # and one provider's servers fetch for many people.
    CALENDAR_FEED_LIMITS = "600 per hour"
    # "Forgot your password?": requests per address (refused with 429 past it) ...
    RESET_REQUEST_LIMITS = "10 per hour"
    # ... and mails per account, known or not: past it the page still says "sent", and nothing is
    # sent. A refused owner always has a link from the last hour in their mailbox, because the window
    # is no longer than a link lives (an hour); a browser with the account's device cookie counts alone.
    RESET_ACCOUNT_LIMITS = "3 per hour"
    # Wrong two-factor codes, per account and address and per device cookie (as for passwords) ...
    TWO_FACTOR_FAILURE_LIMITS = "5 per 15 minutes"
    # ... and per account from browsers without its device cookie: a 6-digit code must not be
    # guessable by trying from many addresses.
    TWO_FACTOR_ACCOUNT_FAILURE_LIMITS = "20 per hour"
    # Roles that must use two-factor sign-in, e.g. ["admin", "coordinator"]: the web pages send
    # them to set it up first. Empty: it is each user's choice.
    TWO_FACTOR_REQUIRED_ROLES: list[str] = []

    # Keys that seal two-factor secrets in the database, newest first (each at least 32 characters).
    # Empty: the instance file TOTP_KEY_FILE holds them, made on first use. Back them up apart from
    # the database: without them no two-factor secret can be read.
    TOTP_KEYS: list[str] = []
    TOTP_KEY_FILE = "totp-key"

    # OpenID Connect providers people sign in through (README, "Single sign-on"): a list of mappings with
    # name, label, issuer, client_id, client_secret, and optionally scopes, claims and create_accounts
    # (empathy/sso/providers.py). As an environment variable: EMPATHY_OIDC_PROVIDERS='[{"name": ...}]'.
    OIDC_PROVIDERS: list[dict] = []
    # "Single sign-on only": no password sign-in, registration, reset, activation or password token for
    # anyone but the break-glass administrators below (active admins with one of these addresses).
    SSO_ONLY = False
    SSO_BREAK_GLASS_EMAILS: list[str] = []

    PASSWORD_MIN_LENGTH = 10
    PASSWORD_MAX_LENGTH = 128

    # Where the fitted matching model's versions are kept (empathy/suggestions/store.py): "directory" keeps
    # each version's file in MATCH_MODEL_DIR (empty: the instance folder; on several hosts, a folder they
    # all mount), "database" keeps them in the database (no shared folder needed). A row per version in
    # match_models either way; the worker refits, every web process loads the newest version.
    MATCH_MODEL_STORE = "directory"
    MATCH_MODEL_DIR = ""
    # With the "database" store, the folder of this host where each web process writes a version's bytes
    # once and maps the model's arrays from (shared by all workers of the host); empty: "match-cache" in
    # the instance folder. Copies of versions no longer stored are deleted.
    MATCH_MODEL_CACHE_DIR = ""
    # The single model file of releases before versions, followed until the first version is stored and
    # deleted then; relative paths are in the instance folder.
    MATCH_MODEL_PATH = "match-model.joblib"
    ITEMS_PER_PAGE = 20

    # Outgoing mail: {"host", "port", "username", "password", "starttls", "sender"};
    # None keeps every message in the outbox table and the log.
    SMTP: dict | None = None
    # Absolute links in e-mails (activation, invitations) start with this.
    BASE_URL = "http://127.0.0.1:5000"

    # The task queue (empathy/core/queue.py): empty keeps it in the SQLite file instance/queue.sqlite3,
    # shared by the web and worker processes of one machine; "redis://host:6379/0" for several hosts;
    # "immediate" runs each task in the caller at once (tests). An app made from a test mapping that names
    # no queue gets "immediate".
    QUEUE_URL = ""
    QUEUE_NAME = "empathy"


def apply_config(app: Flask, test_config: dict | None) -> None:
    """Defaults, then instance/config.py, then EMPATHY_* variables, then the test mapping."""
    app.config.from_object(Defaults)
    if test_config is None:
        app.config.from_pyfile("config.py", silent=True)
        # EMPATHY_DATABASE_URL -> DATABASE_URL; values that parse as JSON are typed.
        app.config.from_prefixed_env(ENV_PREFIX)
    else:
        app.config.from_mapping(test_config)
        app.config.setdefault("QUEUE_URL", "")
        if "QUEUE_URL" not in test_config:
            app.config["QUEUE_URL"] = "immediate"
    if not app.config.get("DATABASE_URL"):
        app.config["DATABASE_URL"] = "sqlite:///" + os.path.join(app.instance_path, "empathy.sqlite")
    # Our documented name is ..._URL; Flask-Limiter reads ..._URI. Empty means the default: the database.
    app.config.setdefault("RATELIMIT_STORAGE_URI", app.config.get("RATELIMIT_STORAGE_URL") or "database://")
    if not app.config.get("SECRET_KEY"):
        app.config["SECRET_KEY"] = load_or_create_secret(Path(app.instance_path))
    # Served over HTTPS (BASE_URL says so): cookies never travel over plain HTTP. Explicit settings win.
    https = str(app.config.get("BASE_URL", "")).startswith("https://")
    for name in ("SESSION_COOKIE_SECURE", "REMEMBER_COOKIE_SECURE"):
        if name not in (test_config or {}) and not app.config.get(name):
            app.config[name] = https


def load_or_create_secret(instance: Path) -> str:
    """Read the generated secret key, or create it with owner-only permissions."""
    path = instance / SECRET_KEY_FILE
    if path.exists():
        return path.read_text(encoding="ascii").strip()
    instance.mkdir(parents=True, exist_ok=True)
    key = secrets.token_hex(32)
    # Written aside, then linked into place: link() fails if another worker won the race,
    # and nobody ever reads a half-written file.
    fd, tmp = tempfile.mkstemp(dir=instance, prefix=".secret-")
    try:
        os.fchmod(fd, 0o600)
        with os.fdopen(fd, "w", encoding="ascii") as fh:
            fh.write(key + "\n")
        try:
            os.link(tmp, path)
        except FileExistsError:
            return path.read_text(encoding="ascii").strip()
    finally:
        os.unlink(tmp)
    return key
