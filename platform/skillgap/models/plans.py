"""What a person's learning path is fitted to: their weekly budget, a due date,
and any target a manager set for them instead of their role profile's."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import ForeignKey, String, Text, UniqueConstraint, true
from sqlalchemy.orm import Mapped, mapped_column

from skillgap.models.base import Base, created_at, current_time, intpk
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
    # Email: the weekly nudge (learners) and the team digest (managers: "weekly",
    # "monthly" or "off"). Opting out needs no sign-in (a signed link in each email).
    weekly_nudge: Mapped[bool] = mapped_column(default=True, server_default=true())
    digest: Mapped[str] = mapped_column(String(10), default="weekly", server_default="weekly")
    updated_at: Mapped[datetime] = mapped_column(default=current_time, onupdate=current_time)

    @classmethod
    def defaults(cls, user_id: int) -> LearningPlan:
        """The plan of a person who never changed theirs (column defaults apply
        only on insert, so an unsaved row gets them here)."""
        return cls(
            user_id=user_id,
            weekly_minutes=DEFAULT_WEEKLY_MINUTES,
            weekly_nudge=True,
            digest="weekly",
        )


class PlanWeek(Base):
    """A week a person changed: paused (``minutes`` 0) or lighter. ``week_start``
    is that week's Monday. Weeks without a row use the plan's weekly budget."""

    __tablename__ = "plan_weeks"

    user_id: Mapped[int] = mapped_column(
        ForeignKey("users.id", ondelete="CASCADE"), primary_key=True
    )
    week_start: Mapped[date] = mapped_column(primary_key=True)
    minutes: Mapped[int]
    created_at: Mapped[created_at]


class EmailDelivery(Base):
    """One email to one person for one period (e.g. nudge for ISO week 2026-W49).

    The row is claimed (inserted, unique) before sending, so two runs, or two
    instances at once, send each email once; ``sent_at`` is set after the SMTP
    server accepted it. A claimed row without ``sent_at`` whose claim is old is a
    crash or a failure: the next run tries it again (services/digests.py)."""

    __tablename__ = "email_deliveries"
    __table_args__ = (UniqueConstraint("user_id", "kind", "period"),)

    id: Mapped[intpk]
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"))
    kind: Mapped[str] = mapped_column(String(20))  # "nudge" or "digest"
    period: Mapped[str] = mapped_column(String(10))  # "2026-W49" or "2026-12"
    claimed_at: Mapped[datetime] = mapped_column(default=current_time)
    sent_at: Mapped[datetime | None]
    attempts: Mapped[int] = mapped_column(default=0)
    error: Mapped[str] = mapped_column(Text, default="")


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
