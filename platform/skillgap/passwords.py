"""Password hashing (argon2id) and the password rules, in one place."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from flask_babel import gettext as _

# The password hash of an account nobody can sign in to with a password yet (an
# invited person who has not chosen one). No argon2 hash starts with "!".
NO_PASSWORD = "!no password set"  # noqa: S105 (a marker, not a secret)
MIN_PASSWORD_LENGTH = 12
MAX_PASSWORD_LENGTH = 128


def make_hasher(config: Mapping[str, Any]) -> PasswordHasher:
    return PasswordHasher(
        time_cost=config["ARGON2_TIME_COST"],
        memory_cost=config["ARGON2_MEMORY_COST"],
        parallelism=config["ARGON2_PARALLELISM"],
    )


def password_problem(password: str) -> str | None:
    """Why a new password is not acceptable (in the reader's language), or None.
    Any characters are allowed."""
    if len(password) < MIN_PASSWORD_LENGTH:
        return _("Use at least %(number)s characters.", number=MIN_PASSWORD_LENGTH)
    if len(password) > MAX_PASSWORD_LENGTH:
        return _("Use at most %(number)s characters.", number=MAX_PASSWORD_LENGTH)
    return None


def verify(hasher: PasswordHasher, password_hash: str, password: str) -> bool:
    """Whether ``password`` matches. An account without a password never matches."""
    if password_hash.startswith("!"):
        return False
    try:
        return hasher.verify(password_hash, password)
    except (VerificationError, InvalidHashError):
        return False
