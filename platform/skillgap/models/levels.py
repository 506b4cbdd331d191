"""Each person's current level per skill, kept (issue 25).

Derived data: services/current_levels.py writes it from the results, targets
and role profiles in the same transaction as any change to them, and
``flask --app run levels verify`` recomputes it from the history. The team
matrix, the organisation view and the exports read it instead of joining the
result history each time.

No foreign keys to skills, levels or teams: a content import that removes a
skill, or a team deleted, rewrites these rows in its own transaction, after the
skill or team has gone.
"""

from __future__ import annotations

from sqlalchemy import ForeignKey, Index, String
from sqlalchemy.orm import Mapped, mapped_column

from skillgap.models.base import Base
from skillgap.models.content import content_id


class KeptLevel(Base):
    __tablename__ = "current_levels"
    __table_args__ = (
        # The organisation view's GROUP BY team and skill reads this index alone.
        Index(
            "ix_current_levels_team",
            "team_id",
            "skill_id",
            "active",
            "level_position",
            "target_position",
        ),
    )

    user_id: Mapped[int] = mapped_column(
        ForeignKey("users.id", ondelete="CASCADE"), primary_key=True
    )
    skill_id: Mapped[str] = mapped_column(content_id, primary_key=True)
    # The current-level rule's answer (services/standing.py): tested, else
    # self-rated, else the lowest level. None only without any level defined.
    level_id: Mapped[str | None] = mapped_column(content_id)
    tested_level_id: Mapped[str | None] = mapped_column(content_id)  # latest diagnostic
    result_id: Mapped[int | None]  # that diagnostic's skill result
    percent: Mapped[float | None]  # its percent (an adaptive result's domain score)
    low_evidence: Mapped[bool] = mapped_column(default=False)
    certainty: Mapped[float | None]  # an adaptive result's probability of its level
    self_level_id: Mapped[str | None] = mapped_column(content_id)  # latest self-rating
    # The target rule's answer: the manager's override, else the role profile's
    # target, else the default (entry); and which of the three it is.
    target_level_id: Mapped[str | None] = mapped_column(content_id)
    target_source: Mapped[str] = mapped_column(String(10), default="default")
    # Copies, so that aggregates over everyone need no join: the levels' positions
    # (0 = the lowest), and the person's team and active flag.
    level_position: Mapped[int | None]
    target_position: Mapped[int | None]
    team_id: Mapped[int | None]
    active: Mapped[bool] = mapped_column(default=True)
