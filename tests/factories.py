"""make_* helpers that create real rows with sensible defaults."""

from __future__ import annotations

import itertools

from argon2 import PasswordHasher
from sqlalchemy.orm import Session

from skillgap.models import Team, User
from skillgap.roles import Role

DEFAULT_PASSWORD = "correct horse battery"
# The same cheap parameters as the test config.
_hasher = PasswordHasher(time_cost=1, memory_cost=1024, parallelism=1)
_counter = itertools.count(1)


def make_team(
    session: Session, name: str | None = None, managers: list[User] | None = None
) -> Team:
    team = Team(name=name or f"Team {next(_counter)}", managers=managers or [])
    session.add(team)
    session.flush()
    return team


def make_user(
    session: Session,
    role: Role = Role.LEARNER,
    *,
    email: str | None = None,
    name: str | None = None,
    password: str = DEFAULT_PASSWORD,
    team: Team | None = None,
    active: bool = True,
    role_profile: str | None = None,
) -> User:
    number = next(_counter)
    user = User(
        email=email or f"{role.value}{number}@example.org",
        name=name or f"{role.label} {number}",
        password_hash=_hasher.hash(password),
        role=role.value,
        team=team,
        active=active,
        role_profile=role_profile,
    )
    session.add(user)
    session.flush()
    return user
