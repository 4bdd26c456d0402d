"""Every Flask extension object, created unbound; create_app binds them."""

from flask_babel import Babel
from flask_limiter import Limiter
from flask_limiter.util import get_remote_address
from flask_login import LoginManager
from flask_wtf import CSRFProtect

babel = Babel()
csrf = CSRFProtect()
login_manager = LoginManager()
login_manager.login_view = "auth.login"
login_manager.session_protection = "basic"
# In-process counters by default; EMPATHY_RATELIMIT_STORAGE_URL (e.g. redis://127.0.0.1:6379)
# makes several workers count together.
limiter = Limiter(key_func=get_remote_address, default_limits=[])
