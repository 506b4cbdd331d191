"""The demo organisation created on the first ``python run.py``.

The addresses are a stable contract (tests, docs and later features use them):
admin@example.com, manager@example.com managing team "Social" with
learner1@example.com ... learner6@example.com.
"""

from __future__ import annotations

import secrets
from dataclasses import dataclass

from argon2 import PasswordHasher
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from skillgap.models import User
from skillgap.roles import Role
from skillgap.services import accounts, teams

DEMO_TEAM = "Social"

# (email, name, role, role profile); learners get varied profiles on purpose.
DEMO_PEOPLE = [
    ("admin@example.com", "Ada Admin", Role.ADMIN, None),
    ("manager@example.com", "Morgan Manager", Role.MANAGER, "head-of-social"),
    ("learner1@example.com", "Lena Okafor", Role.LEARNER, "social-media-coordinator"),
    ("learner2@example.com", "Sam Whitfield", Role.LEARNER, "social-media-manager"),
    ("learner3@example.com", "Priya Raman", Role.LEARNER, "senior-social-media-manager"),
    ("learner4@example.com", "Tom Gallagher", Role.LEARNER, "community-manager"),
    ("learner5@example.com", "Grace Byrne", Role.LEARNER, "social-media-manager"),
    ("learner6@example.com", "Diego Alvarez", Role.LEARNER, "social-media-coordinator"),
]


@dataclass(frozen=True)
class DemoLogin:
    email: str
    password: str
    role: Role


def has_any_user(session: Session) -> bool:
    return (session.scalar(select(func.count()).select_from(User)) or 0) > 0


def create_demo_organisation(
    session: Session, hasher: PasswordHasher, shared_password: str | None = None
) -> list[DemoLogin]:
    """Create the demo people and team; returns their sign-in details to print once."""
    team = teams.create_team(session, DEMO_TEAM)
    logins = []
    for email, name, role, profile in DEMO_PEOPLE:
        password = shared_password or secrets.token_urlsafe(12)
        user = accounts.create_user(
            session,
            hasher,
            email=email,
            name=name,
            password=password,
            role=role,
            team=team if role == Role.LEARNER else None,
            role_profile=profile,
        )
        if role == Role.MANAGER:
            team.managers.append(user)
        logins.append(DemoLogin(email, password, role))
    session.flush()
    return logins
