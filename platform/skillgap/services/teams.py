"""Teams and who may see whom.

The visibility rule lives here and only here: admins see everyone; managers see
the members of the teams they manage; everybody sees themselves.
"""

from __future__ import annotations

from collections.abc import Sequence

from sqlalchemy import func, select
from sqlalchemy.orm import Session, selectinload

from skillgap.models import Team, User, team_managers
from skillgap.roles import Role
from skillgap.services import people_cache


class TeamError(ValueError):
    def __init__(self, message: str, field: str | None = None) -> None:
        super().__init__(message)
        self.field = field


def team_by_name(session: Session, name: str) -> Team | None:
    return session.scalar(select(Team).where(func.lower(Team.name) == name.strip().lower()))


def create_team(session: Session, name: str, managers: Sequence[User] = ()) -> Team:
    if team_by_name(session, name) is not None:
        raise TeamError("A team with this name already exists.", field="name")
    team = Team(name=name.strip(), managers=list(managers))
    session.add(team)
    session.flush()
    return team


def update_team(session: Session, team: Team, name: str, managers: Sequence[User]) -> None:
    existing = team_by_name(session, name)
    if existing is not None and existing.id != team.id:
        raise TeamError("A team with this name already exists.", field="name")
    not_managers = [m.name for m in managers if not m.has_role(Role.MANAGER)]
    if not_managers:
        raise TeamError(
            f"Only managers or admins can manage a team: {', '.join(not_managers)}.",
            field="managers",
        )
    team.name = name.strip()
    team.managers = list(managers)


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


def manager_candidates(session: Session) -> list[User]:
    return list(
        session.scalars(
            select(User)
            .where(User.role.in_([Role.MANAGER.value, Role.ADMIN.value]), User.active)
            .order_by(User.name)
        )
    )


def team_names(session: Session) -> dict[int, str]:
    """Every team's name by id, kept in the process until teams change (no query
    per page for a person's team name)."""
    return people_cache.derived(
        session, "team_names", lambda s: dict(s.execute(select(Team.id, Team.name)).all())
    )
