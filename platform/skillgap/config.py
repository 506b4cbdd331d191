"""Settings, read from the environment with safe defaults.

Every variable is documented in README.md ("Configuration"). Tests pass a
dict to ``create_app`` that overrides these.
"""

from __future__ import annotations

import os
import re
import secrets
from dataclasses import dataclass
from datetime import timedelta
from pathlib import Path
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from skillgap.roles import Role

PROJECT_ROOT = Path(__file__).resolve().parents[2]
DEFAULT_INSTANCE = PROJECT_ROOT / "instance"
DEFAULT_SESSION_HOURS = 8
DEFAULT_REMEMBER_DAYS = 14
DEFAULT_RETAKE_DAYS = 7
DEFAULT_CHECK_RETAKE_MINUTES = 60
DEFAULT_API_RATE_LIMIT = "600 per minute"


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
        # Requests per API token (docs/api.md), counted in RATELIMIT_STORAGE_URI.
        "API_RATE_LIMIT": os.environ.get("SKILLGAP_API_RATE_LIMIT") or DEFAULT_API_RATE_LIMIT,
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
        "OIDC_PROVIDERS": oidc_providers_from_environment(),
        # Off: only SKILLGAP_BREAK_GLASS_ADMIN (an admin) may sign in with a password.
        "PASSWORD_SIGN_IN": env_flag("SKILLGAP_PASSWORD_SIGN_IN", default=True),
        "BREAK_GLASS_ADMIN": os.environ.get("SKILLGAP_BREAK_GLASS_ADMIN", "").strip().lower(),
        "CHECK_RETAKE_INTERVAL": timedelta(
            minutes=env_int(
                "SKILLGAP_CHECK_RETAKE_MINUTES", DEFAULT_CHECK_RETAKE_MINUTES, minimum=0
            )
        ),
        # Rendered fragments (fragments.py): megabytes per process (0: off), and a
        # Redis several instances share (empty: each process keeps its own).
        "FRAGMENT_CACHE_MB": env_int("SKILLGAP_FRAGMENT_CACHE_MB", 64, minimum=0),
        "CACHE_URL": os.environ.get("SKILLGAP_CACHE_URL", "").strip(),
        **email_from_environment(),
        **locale_from_environment(),
        **credentials_from_environment(instance_path),
    }


# --- Verifiable credentials: docs/credentials.md ----------------------------------

DEFAULT_CREDENTIAL_VALID_DAYS = 730


def credentials_from_environment(instance_path: Path) -> dict[str, object]:
    """Who issues the credentials, from which level, for how long, with which keys.
    The keys themselves are read (and checked) by services/credential_keys.py."""
    return {
        "ISSUER_NAME": os.environ.get("SKILLGAP_ISSUER_NAME", "").strip() or "Skillgap",
        "CREDENTIAL_MIN_LEVEL": os.environ.get("SKILLGAP_CREDENTIAL_MIN_LEVEL", "").strip()
        or "entry",
        "CREDENTIAL_VALID_DAYS": env_int(
            "SKILLGAP_CREDENTIAL_VALID_DAYS", DEFAULT_CREDENTIAL_VALID_DAYS, minimum=0
        ),
        "CREDENTIAL_KEYS": os.environ.get("SKILLGAP_CREDENTIAL_KEYS", "").strip(),
        "CREDENTIAL_KEYS_FILE": os.environ.get("SKILLGAP_CREDENTIAL_KEYS_FILE", "").strip()
        or str(instance_path / "credential-keys.json"),
    }


# --- Language and time zone: docs/i18n.md -----------------------------------------

# The languages the interface speaks, in the order the account form lists them.
# Each name is written in its own language, as language pickers do.
LOCALES = {"en": "English", "nl": "Nederlands"}


def valid_timezone(name: str) -> bool:
    try:
        ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError):
        return False
    return True


def locale_from_environment() -> dict[str, object]:
    """The site's language and time zone, for people who have not chosen their
    own and whose browser asks for no language Skillgap speaks."""
    locale = (os.environ.get("SKILLGAP_DEFAULT_LOCALE", "").strip() or "en").lower()
    if locale not in LOCALES:
        raise ConfigError(
            f"SKILLGAP_DEFAULT_LOCALE must be one of {', '.join(LOCALES)}, got {locale!r}"
        )
    zone = os.environ.get("SKILLGAP_DEFAULT_TIMEZONE", "").strip() or "UTC"
    if not valid_timezone(zone):
        raise ConfigError(
            f"SKILLGAP_DEFAULT_TIMEZONE must be an IANA time zone such as Europe/Amsterdam, "
            f"got {zone!r}"
        )
    return {"DEFAULT_LOCALE": locale, "DEFAULT_TIMEZONE": zone}


# --- Email: README "Email: weekly nudge and manager digest" -----------------------

SMTP_SECURITY = ("starttls", "tls", "none")


def email_from_environment() -> dict[str, object]:
    """The weekly nudge and manager digest (``flask --app run send-digests``). The
    base URL is checked by the command, which needs it: the site runs without it."""
    base_url = os.environ.get("SKILLGAP_BASE_URL", "").strip().rstrip("/")
    if base_url and not re.fullmatch(r"https?://[^/\s]+(/\S*)?", base_url):
        raise ConfigError(f"SKILLGAP_BASE_URL must be an http(s):// URL, got {base_url!r}")
    security = (os.environ.get("SKILLGAP_SMTP_SECURITY", "").strip() or "starttls").lower()
    if security not in SMTP_SECURITY:
        raise ConfigError(f"SKILLGAP_SMTP_SECURITY must be starttls, tls or none, got {security!r}")
    port = env_int("SKILLGAP_SMTP_PORT", 587, minimum=1)
    if port > 65535:
        raise ConfigError(f"SKILLGAP_SMTP_PORT must be 65535 or less, got {port}")
    return {
        "SKILLGAP_BASE_URL": base_url,
        "SKILLGAP_SMTP_HOST": os.environ.get("SKILLGAP_SMTP_HOST", "").strip() or "localhost",
        "SKILLGAP_SMTP_PORT": port,
        "SKILLGAP_SMTP_SECURITY": security,
        "SKILLGAP_SMTP_USER": os.environ.get("SKILLGAP_SMTP_USER", "").strip(),
        "SKILLGAP_SMTP_PASSWORD": os.environ.get("SKILLGAP_SMTP_PASSWORD", ""),
        "SKILLGAP_MAIL_FROM": os.environ.get("SKILLGAP_MAIL_FROM", "").strip(),
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
    "OIDC_PROVIDERS": (),
    "PASSWORD_SIGN_IN": True,
    "BREAK_GLASS_ADMIN": "",
    # Seconds of clock difference allowed when checking an ID token's times.
    "OIDC_LEEWAY": 60,
    "DEFAULT_LOCALE": "en",
    "DEFAULT_TIMEZONE": "UTC",
    "ISSUER_NAME": "Skillgap",
    "CREDENTIAL_MIN_LEVEL": "entry",
    "CREDENTIAL_VALID_DAYS": DEFAULT_CREDENTIAL_VALID_DAYS,
    "CREDENTIAL_KEYS": "",
}


# --- Single sign-on (OpenID Connect): README "Single sign-on" ---------------------

OIDC_NAME = re.compile(r"[a-z][a-z0-9-]{0,39}")


@dataclass(frozen=True)
class GroupRule:
    """People in ``group`` (a value of the provider's groups claim) get ``role``,
    and ``team`` when one is named."""

    group: str
    role: Role
    team: str | None = None


@dataclass(frozen=True)
class OidcProvider:
    name: str  # in the URL: /login/sso/<name>
    issuer: str
    client_id: str
    client_secret: str
    label: str
    scopes: str = "openid email profile"
    # Email domains whose people get an account at their first sign-in; anyone
    # else must already have one (matched by verified email).
    allowed_domains: frozenset[str] = frozenset()
    default_role: Role = Role.LEARNER
    groups_claim: str = "groups"
    group_rules: tuple[GroupRule, ...] = ()
    # The claim that says the provider verified the email address: the standard
    # ``email_verified``; Microsoft Entra ID sends none, its ``xms_edov`` optional
    # claim says the email's domain is verified by the tenant (README "Single sign-on").
    email_verified_claim: str = "email_verified"

    @property
    def metadata_url(self) -> str:
        return self.issuer.rstrip("/") + "/.well-known/openid-configuration"


def parse_group_map(name: str, text: str) -> tuple[GroupRule, ...]:
    """``group=role`` or ``group=role:Team name`` entries separated by ``;``."""
    rules = []
    for entry in filter(None, (part.strip() for part in text.split(";"))):
        group, equals, target = entry.partition("=")
        role_name, _, team = target.partition(":")
        try:
            role = Role(role_name.strip().lower())
        except ValueError:
            role = None
        if not equals or not group.strip() or role is None:
            raise ConfigError(
                f"{name}: {entry!r} is not group=role or group=role:Team "
                "(role is learner, manager or admin)"
            )
        rules.append(GroupRule(group.strip(), role, team.strip() or None))
    return tuple(rules)


def oidc_providers_from_environment() -> tuple[OidcProvider, ...]:
    names = os.environ.get("SKILLGAP_OIDC_PROVIDERS", "").replace(",", " ").split()
    providers = []
    for name in names:
        if not OIDC_NAME.fullmatch(name):
            raise ConfigError(f"SKILLGAP_OIDC_PROVIDERS: {name!r} is not a lower-case name")
        prefix = f"SKILLGAP_OIDC_{name.upper().replace('-', '_')}_"

        def get(key: str, default: str | None = None, *, prefix: str = prefix) -> str:
            value = os.environ.get(prefix + key, "").strip() or default
            if value is None:
                raise ConfigError(f"{prefix}{key} must be set")
            return value

        issuer = get("ISSUER")
        if not issuer.startswith(("https://", "http://127.0.0.1", "http://localhost")):
            raise ConfigError(f"{prefix}ISSUER must be an https:// URL, got {issuer!r}")
        role = get("DEFAULT_ROLE", "learner").lower()
        if role not in {member.value for member in Role}:
            raise ConfigError(f"{prefix}DEFAULT_ROLE must be learner, manager or admin")
        providers.append(
            OidcProvider(
                name=name,
                issuer=issuer,
                client_id=get("CLIENT_ID"),
                client_secret=get("CLIENT_SECRET"),
                label=get("LABEL", f"Sign in with {name.capitalize()}"),
                scopes=get("SCOPES", "openid email profile"),
                allowed_domains=frozenset(
                    domain.lower().lstrip("@")
                    for domain in get("ALLOWED_DOMAINS", "").replace(",", " ").split()
                ),
                default_role=Role(role),
                groups_claim=get("GROUPS_CLAIM", "groups"),
                group_rules=parse_group_map(prefix + "GROUP_MAP", get("GROUP_MAP", "")),
                email_verified_claim=get("EMAIL_VERIFIED_CLAIM", "email_verified"),
            )
        )
    return tuple(providers)
