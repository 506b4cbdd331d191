"""People, teams and who manages which team."""

from __future__ import annotations

from datetime import datetime

from flask_login import UserMixin
from sqlalchemy import Column, ForeignKey, Integer, Select, String, Table, false, select
from sqlalchemy.orm import Mapped, mapped_column, relationship

from skillgap.models.base import Base, created_at, enum_column, intpk, str100, str254
from skillgap.roles import Role

team_managers = Table(
    "team_managers",
    Base.metadata,
    Column("team_id", Integer, ForeignKey("teams.id", ondelete="CASCADE"), primary_key=True),
    Column("user_id", Integer, ForeignKey("users.id", ondelete="CASCADE"), primary_key=True),
)


class Team(Base):
    __tablename__ = "teams"

    id: Mapped[intpk]
    name: Mapped[str100] = mapped_column(unique=True)
    created_at: Mapped[created_at]

    members: Mapped[list[User]] = relationship(
        back_populates="team", foreign_keys="User.team_id", order_by="User.name"
    )
    managers: Mapped[list[User]] = relationship(
        secondary=team_managers, back_populates="managed_teams", order_by="User.name"
    )

    def __repr__(self) -> str:
        return f"<Team {self.name!r}>"


class User(UserMixin, Base):
    __tablename__ = "users"

    id: Mapped[intpk]
    email: Mapped[str254] = mapped_column(unique=True)  # always stored lower-case
    name: Mapped[str100]
    password_hash: Mapped[str] = mapped_column(String(255))
    role: Mapped[Role] = mapped_column(enum_column(Role), default=Role.LEARNER)
    # A role profile id from courses/framework.yml (e.g. "social-media-manager"):
    # the skill targets this person is measured against.
    role_profile: Mapped[str | None] = mapped_column(String(64))
    team_id: Mapped[int | None] = mapped_column(
        ForeignKey("teams.id", ondelete="SET NULL"), index=True
    )
    active: Mapped[bool] = mapped_column(default=True)
    # Bumped on logout, password change, role change and deactivation; it is part
    # of the id kept in session and remember-me cookies, so older cookies stop working.
    session_version: Mapped[int] = mapped_column(default=1)
    failed_logins: Mapped[int] = mapped_column(default=0)
    locked_until: Mapped[datetime | None]
    last_login_at: Mapped[datetime | None]
    # Set when someone else chose or saw the password (an admin creating the
    # account, the create-user command): every page but the password change
    # sends the person there until they choose their own (auth.views).
    must_change_password: Mapped[bool] = mapped_column(default=False, server_default=false())
    # Interface language ("en", "nl") and IANA time zone; None follows the
    # browser and the site default (skillgap/i18n.py).
    locale: Mapped[str | None] = mapped_column(String(10))
    timezone: Mapped[str | None] = mapped_column(String(64))
    created_at: Mapped[created_at]

    team: Mapped[Team | None] = relationship(back_populates="members", foreign_keys=[team_id])
    managed_teams: Mapped[list[Team]] = relationship(
        secondary=team_managers, back_populates="managers", order_by="Team.name"
    )

    def __repr__(self) -> str:
        return f"<User {self.email!r} {self.role}>"

    @property
    def role_enum(self) -> Role:
        return Role(self.role)

    def has_role(self, role: Role) -> bool:
        return self.role_enum.includes(role)

    @property
    def is_active(self) -> bool:  # Flask-Login refuses inactive users
        return self.active

    def get_id(self) -> str:
        return f"{self.id}:{self.session_version}"

    @staticmethod
    def by_email(email: str) -> Select[User]:
        return select(User).where(User.email == email.strip().lower())

    def managed_member_ids(self) -> Select[int]:
        """Ids of the people in the teams this user manages."""
        return (
            select(User.id)
            .join(team_managers, team_managers.c.team_id == User.team_id)
            .where(team_managers.c.user_id == self.id)
        )


class Invitation(Base):
    """A one-time link for a new person to choose their first password. Only the
    token's SHA-256 is stored; the link itself is shown once, to the admin who
    created the account (services/invitations.py)."""

    __tablename__ = "invitations"

    id: Mapped[intpk]
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    created_at: Mapped[created_at]
    expires_at: Mapped[datetime]
    used_at: Mapped[datetime | None]

    user: Mapped[User] = relationship()
