"""What each person has done with the curriculum."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey
from sqlalchemy.orm import Mapped, mapped_column

from skillgap.models.base import Base, current_time
from skillgap.models.content import content_id


class ModuleCompletion(Base):
    """A module marked complete. Keyed by the module's stable id, so it survives
    re-imports and unpublishing."""

    __tablename__ = "module_completions"

    user_id: Mapped[int] = mapped_column(
        ForeignKey("users.id", ondelete="CASCADE"), primary_key=True
    )
    # No cascade: modules are unpublished, never deleted, and progress must outlive them.
    module_id: Mapped[str] = mapped_column(content_id, ForeignKey("modules.id"), primary_key=True)
    completed_at: Mapped[datetime] = mapped_column(default=current_time)
