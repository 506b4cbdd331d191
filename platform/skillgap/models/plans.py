"""What a person's learning path is fitted to: their weekly budget, a due date,
and any target a manager set for them instead of their role profile's."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import ForeignKey
from sqlalchemy.orm import Mapped, mapped_column

from skillgap.models.base import Base, current_time
from skillgap.models.content import content_id

DEFAULT_WEEKLY_MINUTES = 120
MIN_WEEKLY_MINUTES = 15
MAX_WEEKLY_MINUTES = 600


class LearningPlan(Base):
    """One row per person, created when first changed (absent = defaults)."""

    __tablename__ = "learning_plans"

    user_id: Mapped[int] = mapped_column(
        ForeignKey("users.id", ondelete="CASCADE"), primary_key=True
    )
    weekly_minutes: Mapped[int] = mapped_column(default=DEFAULT_WEEKLY_MINUTES)
    due_date: Mapped[date | None]
    due_set_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    updated_at: Mapped[datetime] = mapped_column(default=current_time, onupdate=current_time)


class TargetOverride(Base):
    """A manager's target level for one person in one skill."""

    __tablename__ = "target_overrides"

    user_id: Mapped[int] = mapped_column(
        ForeignKey("users.id", ondelete="CASCADE"), primary_key=True
    )
    skill_id: Mapped[str] = mapped_column(content_id, ForeignKey("skills.id"), primary_key=True)
    level_id: Mapped[str] = mapped_column(content_id, ForeignKey("levels.id"))
    set_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    set_at: Mapped[datetime] = mapped_column(default=current_time)
