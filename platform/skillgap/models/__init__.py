"""Typed SQLAlchemy models, split by domain. Import models from here."""

from skillgap.models.accounts import Team, User, team_managers
from skillgap.models.base import Base

__all__ = ["Base", "Team", "User", "team_managers"]
