"""The skill framework and the curriculum, as imported from courses/.

Content is keyed by stable string ids taken from the files (skill ids, course
folder names, module file names), so re-importing content never orphans a
learner's progress. ``source`` keeps each file's text as imported, for change
detection now and for export and revision history later.
"""

from __future__ import annotations

from datetime import date

from sqlalchemy import JSON, BigInteger, Column, ForeignKey, Integer, String, Table, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from skillgap.models.base import Base

ID_LENGTH = 80
content_id = String(ID_LENGTH)


class Level(Base):
    """A DMI-style level: a tested percent >= min_percent reaches it."""

    __tablename__ = "levels"

    id: Mapped[str] = mapped_column(content_id, primary_key=True)
    name: Mapped[str] = mapped_column(String(100))
    min_percent: Mapped[float]
    position: Mapped[int]  # 0 = lowest


class SelfRating(Base):
    """A self-assessment answer and the level it claims."""

    __tablename__ = "self_ratings"

    id: Mapped[str] = mapped_column(content_id, primary_key=True)
    label: Mapped[str] = mapped_column(String(100))
    claims_level_id: Mapped[str] = mapped_column(ForeignKey("levels.id"))
    position: Mapped[int]


class Skill(Base):
    __tablename__ = "skills"

    id: Mapped[str] = mapped_column(content_id, primary_key=True)
    name: Mapped[str] = mapped_column(String(100))
    description: Mapped[str] = mapped_column(Text, default="")
    position: Mapped[int]


class RoleProfile(Base):
    """A target profile such as "Social media manager"."""

    __tablename__ = "role_profiles"

    id: Mapped[str] = mapped_column(content_id, primary_key=True)
    name: Mapped[str] = mapped_column(String(100))
    position: Mapped[int]

    targets: Mapped[list[RoleTarget]] = relationship(
        cascade="all, delete-orphan", order_by="RoleTarget.skill_id"
    )


class RoleTarget(Base):
    __tablename__ = "role_targets"

    role_profile_id: Mapped[str] = mapped_column(
        ForeignKey("role_profiles.id", ondelete="CASCADE"), primary_key=True
    )
    skill_id: Mapped[str] = mapped_column(ForeignKey("skills.id"), primary_key=True)
    level_id: Mapped[str] = mapped_column(ForeignKey("levels.id"))


class MetricFile(Base):
    """One file of the metric dictionary (courses/metrics/<id>.yml): its text as
    imported or published, and its entries as parsed then (a JSON list, read by
    curriculum/snapshot.py), so pages never parse YAML."""

    __tablename__ = "metric_files"

    id: Mapped[str] = mapped_column(content_id, primary_key=True)  # "instagram", "formulas"
    name: Mapped[str] = mapped_column(String(100))
    source: Mapped[str] = mapped_column(Text)
    entries: Mapped[list[dict]] = mapped_column(JSON)
    published: Mapped[bool] = mapped_column(default=True)


class FrameworkSource(Base):
    """The framework file's text as last imported (one row)."""

    __tablename__ = "framework_source"

    id: Mapped[int] = mapped_column(primary_key=True)
    source: Mapped[str] = mapped_column(Text)


module_skills = Table(
    "module_skills",
    Base.metadata,
    Column("module_id", content_id, ForeignKey("modules.id", ondelete="CASCADE"), primary_key=True),
    Column("skill_id", content_id, ForeignKey("skills.id"), primary_key=True),
    Column("position", Integer, nullable=False, default=0),
)

module_prerequisites = Table(
    "module_prerequisites",
    Base.metadata,
    Column("module_id", content_id, ForeignKey("modules.id", ondelete="CASCADE"), primary_key=True),
    Column(
        "prerequisite_id",
        content_id,
        ForeignKey("modules.id", ondelete="CASCADE"),
        primary_key=True,
    ),
)


class Course(Base):
    __tablename__ = "courses"

    id: Mapped[str] = mapped_column(content_id, primary_key=True)  # the folder name
    title: Mapped[str] = mapped_column(String(200))
    summary: Mapped[str] = mapped_column(String(300), default="")
    position: Mapped[int]  # `order` in course.md
    intro_html: Mapped[str] = mapped_column(Text, default="")
    source: Mapped[str] = mapped_column(Text)
    published: Mapped[bool] = mapped_column(default=True)

    modules: Mapped[list[Module]] = relationship(
        back_populates="course", order_by="Module.position"
    )


class Module(Base):
    __tablename__ = "modules"

    id: Mapped[str] = mapped_column(content_id, primary_key=True)
    course_id: Mapped[str] = mapped_column(ForeignKey("courses.id"), index=True)
    position: Mapped[int]  # the NN- prefix
    file_name: Mapped[str] = mapped_column(String(200))
    title: Mapped[str] = mapped_column(String(200))
    level_id: Mapped[str] = mapped_column(ForeignKey("levels.id"))
    minutes: Mapped[int]
    check_quiz_id: Mapped[str | None] = mapped_column(content_id)
    # Rendered once at import or save time, never per request.
    body_html: Mapped[str] = mapped_column(Text)
    toc_html: Mapped[str] = mapped_column(Text, default="")
    body_text: Mapped[str] = mapped_column(Text)  # plain text, for search and word counts
    word_count: Mapped[int]
    source: Mapped[str] = mapped_column(Text)
    published: Mapped[bool] = mapped_column(default=True)
    # Last reviewed, and due again (content/review_dates.py); /admin/review lists them.
    reviewed: Mapped[date | None]
    review_after: Mapped[date | None]

    course: Mapped[Course] = relationship(back_populates="modules")
    level: Mapped[Level] = relationship()
    skills: Mapped[list[Skill]] = relationship(
        secondary=module_skills, order_by=module_skills.c.position
    )
    prerequisites: Mapped[list[Module]] = relationship(
        secondary=module_prerequisites,
        primaryjoin=id == module_prerequisites.c.module_id,
        secondaryjoin=id == module_prerequisites.c.prerequisite_id,
        order_by="Module.id",
    )


class ContentVersion(Base):
    """One row; ``version`` changes whenever content does, ``people_version``
    whenever what the matrices aggregate does (curriculum/versions.py)."""

    __tablename__ = "content_version"

    id: Mapped[int] = mapped_column(primary_key=True)
    version: Mapped[int] = mapped_column(BigInteger)
    people_version: Mapped[int] = mapped_column(BigInteger, server_default="1")
