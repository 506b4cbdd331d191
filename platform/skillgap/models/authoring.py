"""Revisions of content and the audit log of admin actions.

Every version of every content item's text is a revision: imported from the
files, saved in the browser, or restored from an older one. A revision is
published when its text became what learners see; a newer unpublished one is
the item's draft. Nothing is ever overwritten.
"""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum

from sqlalchemy import ForeignKey, Index, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from skillgap.models.base import Base, created_at, enum_column, intpk


class ContentKind(StrEnum):
    FRAMEWORK = "framework"
    COURSE = "course"
    MODULE = "module"
    QUIZ = "quiz"
    METRICS = "metrics"  # one file of the metric dictionary


class RevisionOrigin(StrEnum):
    IMPORT = "import"
    BROWSER = "browser"
    RESTORE = "restore"


class Revision(Base):
    __tablename__ = "revisions"
    __table_args__ = (
        UniqueConstraint("kind", "item_id", "number"),
        Index("ix_revisions_item", "kind", "item_id"),
    )

    id: Mapped[intpk]
    kind: Mapped[ContentKind] = mapped_column(enum_column(ContentKind))
    # The item's id; a translation's revisions use "<id>.<locale>" (so the column
    # is longer than an id: migration 0020).
    item_id: Mapped[str] = mapped_column(String(100))
    number: Mapped[int]  # 1, 2, 3 ... per item
    source: Mapped[str] = mapped_column(Text)
    origin: Mapped[RevisionOrigin] = mapped_column(enum_column(RevisionOrigin, length=10))
    message: Mapped[str] = mapped_column(String(300), default="")
    author_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    published_at: Mapped[datetime | None]
    created_at: Mapped[created_at]


class AuditEvent(Base):
    """Who did what, when: every admin action and every import."""

    __tablename__ = "audit_events"

    id: Mapped[intpk]
    at: Mapped[created_at]
    actor_id: Mapped[int | None] = mapped_column(
        ForeignKey("users.id", ondelete="SET NULL"), index=True
    )
    action: Mapped[str] = mapped_column(String(50), index=True)
    target: Mapped[str] = mapped_column(String(200), default="")
    detail: Mapped[str] = mapped_column(Text, default="")
