"""Flask extensions, created once here and bound to the app in create_app."""

from __future__ import annotations

from flask_limiter import Limiter
from flask_limiter.util import get_remote_address
from flask_login import LoginManager
from flask_wtf.csrf import CSRFProtect

login_manager = LoginManager()
login_manager.login_view = "auth.login"
login_manager.login_message = "Please sign in to see that page."
login_manager.login_message_category = "info"

csrf = CSRFProtect()

# Per-IP limits (sign-in). Storage from RATELIMIT_STORAGE_URI: memory by default,
# which is per process; use Redis in production so all workers share the counts.
# The per-account lock in the database is the second line, and holds everywhere.
limiter = Limiter(key_func=get_remote_address)
