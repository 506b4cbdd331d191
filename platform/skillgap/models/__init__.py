"""Typed SQLAlchemy models, split by domain. Import models from here."""

from skillgap.kinds import AttemptState, QuestionKind, QuizKind
from skillgap.models.accounts import Invitation, Team, User, team_managers
from skillgap.models.assessments import (
    Answer,
    Attempt,
    ItemCalibration,
    ItemParameter,
    Question,
    Quiz,
    SkillResult,
)
from skillgap.models.authoring import AuditEvent, ContentKind, Revision, RevisionOrigin
from skillgap.models.base import Base
from skillgap.models.content import (
    ContentVersion,
    Course,
    FrameworkSource,
    Level,
    MetricFile,
    Module,
    RoleProfile,
    RoleTarget,
    SelfRating,
    Skill,
    module_prerequisites,
    module_skills,
)
from skillgap.models.credentials import Credential, CredentialKey
from skillgap.models.integrations import ApiToken, ExternalIdentity
from skillgap.models.levels import KeptLevel
from skillgap.models.plans import EmailDelivery, LearningPlan, PlanWeek, TargetOverride
from skillgap.models.progress import ModuleCompletion
from skillgap.models.translations import ContentTranslation

__all__ = [
    "Answer",
    "ApiToken",
    "Attempt",
    "AttemptState",
    "AuditEvent",
    "Base",
    "ContentKind",
    "ContentTranslation",
    "ContentVersion",
    "Course",
    "Credential",
    "CredentialKey",
    "EmailDelivery",
    "ExternalIdentity",
    "FrameworkSource",
    "Invitation",
    "ItemCalibration",
    "ItemParameter",
    "KeptLevel",
    "LearningPlan",
    "Level",
    "MetricFile",
    "Module",
    "ModuleCompletion",
    "PlanWeek",
    "Question",
    "QuestionKind",
    "Quiz",
    "QuizKind",
    "Revision",
    "RevisionOrigin",
    "RoleProfile",
    "RoleTarget",
    "SelfRating",
    "Skill",
    "SkillResult",
    "TargetOverride",
    "Team",
    "User",
    "module_prerequisites",
    "module_skills",
    "team_managers",
]
