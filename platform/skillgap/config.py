"""Settings, read from the environment with safe defaults.

Every variable is documented in README.md ("Configuration"). Tests pass a
dict to ``create_app`` that overrides these.
"""

from __future__ import annotations

import os
import secrets
from datetime import timedelta
from pathlib import Path

PROJECT_ROOT = Path(__file__).resolve().parents[2]
DEFAULT_INSTANCE = PROJECT_ROOT / "instance"
DEFAULT_SESSION_HOURS = 8
DEFAULT_REMEMBER_DAYS = 14
DEFAULT_RETAKE_DAYS = 7
DEFAULT_CHECK_RETAKE_MINUTES = 60


class ConfigError(RuntimeError):
    """A setting has a value Skillgap cannot use; the message names the setting."""


def env_flag(name: str, default: bool = False) -> bool:
    value = os.environ.get(name)
    if value is None or value.strip() == "":
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def env_int(name: str, default: int, minimum: int | None = None) -> int:
    value = os.environ.get(name, "").strip()
    if not value:
        return default
    try:
        number = int(value)
    except ValueError as exc:
        raise ConfigError(f"{name} must be a whole number, got {value!r}") from exc
    if minimum is not None and number < minimum:
        raise ConfigError(f"{name} must be {minimum} or more, got {number}")
    return number


def env_log_level(name: str, default: str) -> str:
    value = os.environ.get(name, "").strip().upper() or default
    if value not in {"DEBUG", "INFO", "WARNING", "ERROR", "CRITICAL"}:
        raise ConfigError(f"{name} must be DEBUG, INFO, WARNING, ERROR or CRITICAL, got {value!r}")
    return value


def default_database_url(instance_path: Path) -> str:
    return f"sqlite:///{instance_path / 'skillgap.db'}"


def load_secret_key(instance_path: Path) -> str:
    """SECRET_KEY from the environment, else one generated once and kept in the
    instance folder, so restarts keep sessions valid and no secret is in the repo.
    Several instances behind a load balancer must share SECRET_KEY explicitly."""
    from_env = os.environ.get("SECRET_KEY", "").strip()
    if from_env:
        return from_env
    key_file = instance_path / "secret_key"
    if key_file.exists():
        return key_file.read_text().strip()
    instance_path.mkdir(parents=True, exist_ok=True)
    key = secrets.token_hex(32)
    key_file.write_text(key)
    key_file.chmod(0o600)
    return key


def from_environment(instance_path: Path) -> dict[str, object]:
    """Settings from environment variables (SECRET_KEY is resolved separately,
    after overrides, so tests never write a key file)."""
    https = env_flag("SKILLGAP_HTTPS")
    return {
        "DATABASE_URL": os.environ.get("DATABASE_URL") or default_database_url(instance_path),
        "SKILLGAP_HTTPS": https,
        "SESSION_COOKIE_SECURE": https,
        "REMEMBER_COOKIE_SECURE": https,
        "PERMANENT_SESSION_LIFETIME": timedelta(
            hours=env_int("SKILLGAP_SESSION_HOURS", DEFAULT_SESSION_HOURS)
        ),
        "REMEMBER_COOKIE_DURATION": timedelta(
            days=env_int("SKILLGAP_REMEMBER_DAYS", DEFAULT_REMEMBER_DAYS)
        ),
        "CONTENT_ROOT": PROJECT_ROOT,
        "SKILLGAP_DEMO": env_flag("SKILLGAP_DEMO", default=True),
        "RATELIMIT_STORAGE_URI": os.environ.get("RATELIMIT_STORAGE_URI") or "memory://",
        "LOGIN_RATE_LIMIT": os.environ.get("SKILLGAP_LOGIN_RATE_LIMIT") or "30 per minute",
        "SKILLGAP_DEMO_PASSWORD": os.environ.get("SKILLGAP_DEMO_PASSWORD") or None,
        "LOG_LEVEL": env_log_level("SKILLGAP_LOG_LEVEL", "INFO"),
        # Reverse proxies in front of the app (each adds one X-Forwarded-For entry):
        # with 0 the client address is the socket's, so that a client cannot
        # choose its own address for the per-address sign-in limit.
        "TRUSTED_PROXIES": env_int("SKILLGAP_TRUSTED_PROXIES", 0, minimum=0),
        # Days before a skill measured by the diagnostic can be measured again.
        "RETAKE_INTERVAL": timedelta(
            days=env_int("SKILLGAP_RETAKE_DAYS", DEFAULT_RETAKE_DAYS, minimum=0)
        ),
        # Minutes after failing a module check before it can be taken again
        # (the check has no other questions to draw; see README "Module checks").
        "CHECK_RETAKE_INTERVAL": timedelta(
            minutes=env_int(
                "SKILLGAP_CHECK_RETAKE_MINUTES", DEFAULT_CHECK_RETAKE_MINUTES, minimum=0
            )
        ),
    }


# Defaults that do not depend on the environment.
BASE = {
    "SESSION_COOKIE_HTTPONLY": True,
    "SESSION_COOKIE_SAMESITE": "Lax",
    "REMEMBER_COOKIE_HTTPONLY": True,
    "REMEMBER_COOKIE_SAMESITE": "Lax",
    # Flask's 31 days and Flask-Login's 365 days are far too long for a work tool.
    "PERMANENT_SESSION_LIFETIME": timedelta(hours=DEFAULT_SESSION_HOURS),
    "REMEMBER_COOKIE_DURATION": timedelta(days=DEFAULT_REMEMBER_DAYS),
    # Tokens are tied to the session; a time limit would only make long
    # quizzes fail on submit.
    "WTF_CSRF_TIME_LIMIT": None,
    "MAX_CONTENT_LENGTH": 2 * 1024 * 1024,
    # argon2id; argon2-cffi's defaults meet OWASP ASVS. Tests lower them.
    "ARGON2_TIME_COST": 3,
    "ARGON2_MEMORY_COST": 65536,
    "ARGON2_PARALLELISM": 4,
    # Per-account sign-in throttle.
    "LOGIN_MAX_FAILURES": 10,
    "LOGIN_LOCK_MINUTES": 15,
    "SCHEMA_CHECK": True,
    "RATELIMIT_STORAGE_URI": "memory://",
    "LOGIN_RATE_LIMIT": "30 per minute",
}
