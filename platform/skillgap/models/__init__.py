"""Typed SQLAlchemy models, split by domain. Import models from here."""

from skillgap.models.accounts import Team, User, team_managers
from skillgap.models.base import Base
from skillgap.models.content import (
    Course,
    FrameworkSource,
    Level,
    Module,
    RoleProfile,
    RoleTarget,
    SelfRating,
    Skill,
    module_prerequisites,
    module_skills,
)
from skillgap.models.progress import ModuleCompletion

__all__ = [
    "Base",
    "Course",
    "FrameworkSource",
    "Level",
    "Module",
    "ModuleCompletion",
    "RoleProfile",
    "RoleTarget",
    "SelfRating",
    "Skill",
    "Team",
    "User",
    "module_prerequisites",
    "module_skills",
    "team_managers",
]
