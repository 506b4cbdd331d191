"""Validated content, as plain dataclasses, before it touches the database."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from skillgap.content.metrics import MetricFileSpec


@dataclass(frozen=True)
class LevelSpec:
    id: str
    name: str
    min_percent: float


@dataclass(frozen=True)
class SelfRatingSpec:
    id: str
    label: str
    claims: str


@dataclass(frozen=True)
class SkillSpec:
    id: str
    name: str
    description: str


@dataclass(frozen=True)
class RoleSpec:
    id: str
    name: str
    targets: dict[str, str]


@dataclass(frozen=True)
class FrameworkSpec:
    path: str
    source: str
    levels: list[LevelSpec]
    self_ratings: list[SelfRatingSpec]
    skills: list[SkillSpec]
    roles: list[RoleSpec]


@dataclass(frozen=True)
class CourseSpec:
    id: str
    path: str
    source: str
    title: str
    order: int
    summary: str
    skills: list[str]
    intro: str


@dataclass(frozen=True)
class ModuleSpec:
    id: str
    course_id: str
    position: int
    path: str
    file_name: str
    source: str
    title: str
    skills: list[str]
    level: str
    minutes: int
    prerequisites: list[str]
    check: str | None
    body: str
    # File lines of front-matter keys, for errors found when checking across files.
    lines: dict[str, int] = field(default_factory=dict, compare=False)
    body_line: int = field(default=1, compare=False)  # the file line the body starts on
    reviewed: date | None = None  # content/review_dates.py
    review_after: date | None = None


@dataclass(frozen=True)
class Curriculum:
    framework: FrameworkSpec
    courses: list[CourseSpec]
    modules: list[ModuleSpec]
    metrics: list[MetricFileSpec] = field(default_factory=list)  # courses/metrics/*.yml
