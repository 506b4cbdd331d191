"""Content translations: a Dutch (or other) version beside an English item.

The English item stays the source of truth: its ids, skills, levels, keys and
scoring. A translation holds only the words a reader sees, rendered when it is
imported or saved, and the number of the source revision it was made from, so
that ``/admin/translations`` can say when the source has moved on
(curriculum/translations.py).
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import JSON, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from skillgap.models.authoring import ContentKind
from skillgap.models.base import Base, current_time, enum_column, intpk
from skillgap.models.content import content_id


class ContentTranslation(Base):
    __tablename__ = "content_translations"
    __table_args__ = (UniqueConstraint("kind", "item_id", "locale"),)

    id: Mapped[intpk]
    kind: Mapped[ContentKind] = mapped_column(enum_column(ContentKind))
    item_id: Mapped[str] = mapped_column(content_id)  # the source item's id
    locale: Mapped[str] = mapped_column(String(10))
    title: Mapped[str] = mapped_column(String(200), default="")
    summary: Mapped[str] = mapped_column(String(300), default="")
    body_html: Mapped[str] = mapped_column(Text, default="")
    toc_html: Mapped[str] = mapped_column(Text, default="")
    # Quizzes: {"questions": {key: {"text", "options", "explanation"}}}, the key a
    # bank item's id or a question's position; the framework: {"skills": {id:
    # {"name", "description"}}, "levels": ..., "self_ratings": ..., "roles": ...}.
    data: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    source: Mapped[str] = mapped_column(Text)  # the translation file as written
    # The source's revision number this translation was made from.
    source_revision: Mapped[int] = mapped_column(default=0)
    updated_at: Mapped[datetime] = mapped_column(default=current_time, onupdate=current_time)
