"""Every Flask extension object, created unbound; create_app binds them."""

from flask_babel import Babel
from flask_limiter import Limiter
from flask_limiter.util import get_remote_address
from flask_login import LoginManager
from flask_wtf import CSRFProtect

import empathy.core.ratelimit  # noqa: F401  (registers the database:// storage scheme)

babel = Babel()
csrf = CSRFProtect()
login_manager = LoginManager()
login_manager.login_view = "auth.login"
login_manager.session_protection = "basic"
# Counters in the app's own database by default (RATELIMIT_STORAGE_URL = "database://", which
# importing empathy.core.ratelimit registers with `limits`): every worker and host counts together.
limiter = Limiter(key_func=get_remote_address, default_limits=[])
