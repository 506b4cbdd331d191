"""Creating the people of a checked CSV file (rules/user_csv.py parses and
checks it; nothing here runs for a file with problems)."""

from __future__ import annotations

import secrets
from collections.abc import Sequence

from argon2 import PasswordHasher
from sqlalchemy.orm import Session

from skillgap.curriculum import revisions
from skillgap.models import User
from skillgap.roles import Role
from skillgap.rules.user_csv import UserRow
from skillgap.services import accounts, teams


def create_users(
    session: Session, hasher: PasswordHasher, rows: Sequence[UserRow], actor: User
) -> list[tuple[UserRow, str]]:
    """Create every row's person with a generated password, adding teams by name,
    and record the import in the audit log. Returns each row with its password
    (shown once). The caller commits."""
    created = []
    for row in rows:
        team = teams.find_or_create_team(session, row.team)[0] if row.team else None
        password = secrets.token_urlsafe(12)
        accounts.create_user(
            session,
            hasher,
            email=row.email,
            name=row.name,
            password=password,
            role=Role(row.role),
            team=team,
            role_profile=row.role_profile,
        )
        created.append((row, password))
    revisions.record(
        session,
        actor,
        "users.import",
        f"{len(created)} users",
        ", ".join(row.email for row, _ in created)[:2000],
    )
    return created
