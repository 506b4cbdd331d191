"""The demo organisation created on the first ``python run.py``.

The addresses are a stable contract (tests, docs and later features use them):
admin@example.com, manager@example.com managing team "Social" with
learner1@example.com ... learner6@example.com.
"""

from __future__ import annotations

import secrets
from dataclasses import dataclass
from datetime import timedelta

from argon2 import PasswordHasher
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from skillgap.models import Module, ModuleCompletion, User
from skillgap.models.base import utcnow
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


# Realistic progress: (module id, days ago). learner5 has just joined and has none.
DEMO_COMPLETIONS = {
    "learner1@example.com": [
        ("why-social-needs-a-strategy", 20),
        ("reach-impressions-frequency", 16),
        ("engagement-rate", 9),
        ("social-care-basics", 3),
    ],
    "learner2@example.com": [
        ("why-social-needs-a-strategy", 40),
        ("smart-social-goals", 33),
        ("social-media-audit", 27),
        ("metrics-vs-kpis", 20),
        ("utm-tracking", 12),
        ("audiences-segments-personas", 5),
    ],
    "learner3@example.com": [
        ("why-social-needs-a-strategy", 60),
        ("smart-social-goals", 55),
        ("social-media-audit", 50),
        ("channel-roles", 41),
        ("metrics-vs-kpis", 38),
        ("kpi-tree", 30),
        ("utm-tracking", 26),
        ("reach-impressions-frequency", 19),
        ("engagement-rate", 14),
        ("paid-social-metrics", 6),
    ],
    "learner4@example.com": [
        ("social-care-basics", 25),
        ("response-playbook", 18),
        ("triage-and-escalation", 10),
        ("listening-vs-monitoring", 4),
    ],
    "learner6@example.com": [("content-pillars", 8), ("writing-for-social", 2)],
}


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
    add_demo_progress(session)
    return logins


def add_demo_progress(session: Session) -> int:
    """Completions for the demo learners, for the modules that exist; returns how many."""
    existing = set(session.scalars(select(Module.id)))
    now = utcnow()
    added = 0
    for email, completions in DEMO_COMPLETIONS.items():
        user = session.scalar(User.by_email(email))
        if user is None:
            continue
        for module_id, days_ago in completions:
            if (
                module_id in existing
                and session.get(ModuleCompletion, (user.id, module_id)) is None
            ):
                session.add(
                    ModuleCompletion(
                        user_id=user.id,
                        module_id=module_id,
                        completed_at=now - timedelta(days=days_ago),
                    )
                )
                added += 1
    session.flush()
    return added
