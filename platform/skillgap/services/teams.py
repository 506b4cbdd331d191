"""Teams: creating, renaming, finding or creating by name, and their names.

Who may see which team or person is in services/visibility.py.
"""

from __future__ import annotations

from collections.abc import Sequence

from flask_babel import gettext as _
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from skillgap.inputs import name_problem
from skillgap.models import Team, User
from skillgap.roles import Role
from skillgap.services import people_cache


class TeamError(ValueError):
    def __init__(self, message: str, field: str | None = None) -> None:
        super().__init__(message)
        self.field = field


def team_by_name(session: Session, name: str) -> Team | None:
    return session.scalar(select(Team).where(func.lower(Team.name) == name.strip().lower()))


def _check_name(name: str) -> None:
    if not name.strip() or (problem := name_problem(name.strip())):
        raise TeamError(problem or _("Enter a team name."), field="name")


def create_team(session: Session, name: str, managers: Sequence[User] = ()) -> Team:
    _check_name(name)
    if team_by_name(session, name) is not None:
        raise TeamError(_("A team with this name already exists."), field="name")
    team = Team(name=name.strip(), managers=list(managers))
    session.add(team)
    session.flush()
    return team


def find_or_create_team(session: Session, name: str) -> tuple[Team, bool]:
    """The team called ``name`` (any case), created if there is none; and whether
    it was created. The CLI and the CSV import both add people to teams by name."""
    existing = team_by_name(session, name)
    if existing is not None:
        return existing, False
    return create_team(session, name), True


def update_team(session: Session, team: Team, name: str, managers: Sequence[User]) -> None:
    _check_name(name)
    existing = team_by_name(session, name)
    if existing is not None and existing.id != team.id:
        raise TeamError(_("A team with this name already exists."), field="name")
    not_managers = [m.name for m in managers if not m.has_role(Role.MANAGER)]
    if not_managers:
        raise TeamError(
            _(
                "Only managers or admins can manage a team: %(names)s.",
                names=", ".join(not_managers),
            ),
            field="managers",
        )
    team.name = name.strip()
    team.managers = list(managers)


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
