"""Creating the people of a checked CSV file (rules/user_csv.py parses and
checks it; nothing here runs for a file with problems).

Each person gets an invitation link instead of a generated password: an
argon2 hash per row is what made a 250-row import run past the worker timeout
while holding the write lock. Rows are written in batches, each its own short
transaction, so another person's request waits for at most one batch (a few
tens of milliseconds), never for the whole file. Unlike most services this one
commits, once per batch: that is the point of it.
"""

from __future__ import annotations

import time
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from skillgap import clock
from skillgap.curriculum import revisions
from skillgap.models import User
from skillgap.passwords import NO_PASSWORD
from skillgap.roles import Role
from skillgap.rules.user_csv import UserRow
from skillgap.services import invitations, teams

BATCH_SIZE = 250
# SQLite has one writer at a time, and a writer that finds the lock taken does
# not queue: its busy handler sleeps (up to 100 ms) and tries again. Batches
# committed back to back would leave it only millisecond gaps, starving it
# until the import ends (measured: one save waited 1.9 s). A pause longer than
# one of its sleeps after each batch lets waiting writers in. PostgreSQL locks
# rows, not the database, and needs no pause.
SQLITE_PAUSE_SECONDS = 0.12


@dataclass
class ImportReport:
    created: list[tuple[UserRow, str]] = field(default_factory=list)  # (row, invitation token)
    # Rows whose email got an account from elsewhere between the check and the import.
    skipped: list[UserRow] = field(default_factory=list)
    batches: int = 0


def batches(rows: Sequence[UserRow], size: int = BATCH_SIZE) -> Iterator[Sequence[UserRow]]:
    for start in range(0, len(rows), size):
        yield rows[start : start + size]


def import_users(
    session: Session, rows: Sequence[UserRow], actor: User, batch_size: int = BATCH_SIZE
) -> ImportReport:
    """Create every row's person with an invitation, adding teams by name, one
    committed batch at a time; then record the import in the audit log."""
    report = ImportReport()
    actor_id = actor.id
    pause = SQLITE_PAUSE_SECONDS if session.get_bind().dialect.name == "sqlite" else 0.0
    team_ids: dict[str, int] = {}
    for batch in batches(rows, batch_size):
        known_teams = dict(team_ids)
        try:
            created, skipped = _create_batch(session, batch, team_ids)
            session.commit()
        except IntegrityError:
            # Someone else created one of these emails or teams just now: start
            # the batch again, which sees their rows and skips or reuses them.
            session.rollback()
            team_ids = known_teams
            created, skipped = _create_batch(session, batch, team_ids)
            session.commit()
        report.created += created
        report.skipped += skipped
        report.batches += 1
        if pause and report.batches * batch_size < len(rows):
            time.sleep(pause)
    revisions.record(
        session,
        session.get(User, actor_id),
        "users.import",
        f"{len(report.created)} users",
        ", ".join(row.email for row, _ in report.created)[:2000],
    )
    session.commit()
    return report


def _create_batch(
    session: Session, rows: Sequence[UserRow], team_ids: dict[str, int]
) -> tuple[list[tuple[UserRow, str]], list[UserRow]]:
    taken = set(session.scalars(select(User.email).where(User.email.in_([r.email for r in rows]))))
    fresh = [row for row in rows if row.email not in taken]
    users = [
        User(
            email=row.email,
            name=row.name,
            password_hash=NO_PASSWORD,
            role=Role(row.role),
            team_id=_team_id(session, row.team, team_ids) if row.team else None,
            role_profile=row.role_profile,
        )
        for row in fresh
    ]
    session.add_all(users)
    tokens = invitations.issue_many(session, users, clock.now())
    session.flush()
    return list(zip(fresh, tokens, strict=True)), [row for row in rows if row.email in taken]


def _team_id(session: Session, name: str, team_ids: dict[str, int]) -> int:
    key = name.strip().lower()
    if key not in team_ids:
        team_ids[key] = teams.find_or_create_team(session, name)[0].id
    return team_ids[key]
