"""Who may see what: the one place that decides.

- People: admins see everyone; managers see the members of the teams they
  manage; everybody sees themselves. Anyone else is shown a 404, so a manager
  cannot even learn who exists outside their teams.
- Results: an attempt is visible to its person, their managers and admins.
- Drafts: unpublished courses, modules and quizzes are visible to admins only,
  so they can check them before publishing.
"""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session, selectinload

from skillgap.models import Attempt, Team, User, team_managers
from skillgap.roles import Role


def sees_drafts(user: User) -> bool:
    """May ``user`` see unpublished content?"""
    return user.role == Role.ADMIN


def teams_visible_to(session: Session, manager: User, with_members: bool = True) -> list[Team]:
    query = select(Team).order_by(Team.name)
    if with_members:
        query = query.options(selectinload(Team.members))
    if manager.role != Role.ADMIN:
        query = query.join(team_managers).where(team_managers.c.user_id == manager.id)
    return list(session.scalars(query))


def person_visible_to(session: Session, viewer: User, user_id: int) -> User | None:
    """The person with ``user_id`` if ``viewer`` may see them, else None (shown as 404,
    so a manager cannot even learn who exists outside their teams)."""
    query = select(User).where(User.id == user_id)
    if viewer.role == Role.ADMIN or viewer.id == user_id:
        return session.scalar(query)
    if viewer.role == Role.MANAGER:
        return session.scalar(query.where(User.id.in_(viewer.managed_member_ids())))
    return None


def manages(session: Session, viewer: User, person: User) -> bool:
    """May ``viewer`` act for ``person`` (set targets, due dates)? Admins, and
    managers of a team the person belongs to."""
    if viewer.role == Role.ADMIN:
        return True
    if viewer.role != Role.MANAGER or person.team_id is None:
        return False
    return (
        session.scalar(
            select(team_managers.c.team_id).where(
                team_managers.c.team_id == person.team_id, team_managers.c.user_id == viewer.id
            )
        )
        is not None
    )


def can_view_attempt(session: Session, viewer: User, attempt: Attempt) -> bool:
    """The person themselves, their managers and admins."""
    if viewer.id == attempt.user_id or viewer.role == Role.ADMIN:
        return True
    return person_visible_to(session, viewer, attempt.user_id) is not None
