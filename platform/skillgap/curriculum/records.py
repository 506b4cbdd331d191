"""The records of the curriculum snapshot (curriculum/snapshot.py): levels,
skills, the self-rating scale, quizzes, courses and modules as pages and
services read them. Plain frozen dataclasses; snapshot.py re-exports them."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

from skillgap.rules import time_estimate


@dataclass(frozen=True)
class LevelInfo:
    id: str
    name: str
    min_percent: float
    position: int


@dataclass(frozen=True)
class SkillInfo:
    id: str
    name: str
    description: str
    position: int


@dataclass(frozen=True)
class SelfRatingInfo:
    id: str
    label: str
    claims: str  # the level id a person claims with this answer
    position: int


@dataclass(frozen=True)
class QuizInfo:
    id: str
    title: str
    kind: str
    time_limit_minutes: int | None
    published: bool
    # Questions a form asks per skill: the active questions, or for a diagnostic
    # drawn from the banks, what its blueprint draws from each skill's bank.
    questions_per_skill: dict[str, int] = field(default_factory=dict)
    blueprint: dict[str, dict[str, int]] | None = None
    # Estimated seconds per skill's section, from its questions' length
    # (rules/time_estimate.py); a drawn diagnostic's from its banks' mean item.
    seconds_per_skill: dict[str, float] = field(default_factory=dict)
    mode: str = "fixed"  # "adaptive": the IRT engine chooses each item
    stopping: dict | None = None  # the adaptive stopping rule's overrides
    lang: str = "en"  # the language of title (curriculum/localized.py)

    @property
    def adaptive(self) -> bool:
        return self.mode == "adaptive"

    @property
    def question_count(self) -> int:
        return sum(self.questions_per_skill.values())

    def seconds(self, skill_id: str | None = None) -> float:
        if skill_id is not None:
            return self.seconds_per_skill.get(skill_id, 0.0)
        return sum(self.seconds_per_skill.values())

    def minutes(self, skill_id: str | None = None) -> int:
        """About how long the whole quiz (or one skill's section) takes."""
        return time_estimate.minutes(self.seconds(skill_id))

    def measures(self, skill_id: str) -> bool:
        return self.questions_per_skill.get(skill_id, 0) > 0


@dataclass(frozen=True)
class CourseInfo:
    id: str
    title: str
    summary: str
    position: int
    intro_html: str
    published: bool
    lang: str = "en"  # the language of title, summary and intro (curriculum/localized.py)


@dataclass(frozen=True, eq=False)
class ModuleEntry:
    """A module as pages show it (the attributes templates use on a Module)."""

    id: str
    course: CourseInfo
    position: int
    title: str
    level: LevelInfo
    minutes: int
    check_quiz_id: str | None
    body_html: str
    toc_html: str
    word_count: int
    skills: tuple[SkillInfo, ...]
    prerequisite_ids: tuple[str, ...]
    own_published: bool
    review_after: date | None = None  # due for review (content/review_dates.py)
    lang: str = "en"  # the language of title and body (curriculum/localized.py)

    @property
    def course_id(self) -> str:
        return self.course.id

    @property
    def level_id(self) -> str:
        return self.level.id

    @property
    def published(self) -> bool:
        return self.own_published and self.course.published
