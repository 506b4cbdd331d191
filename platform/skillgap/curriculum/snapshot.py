"""The curriculum in memory: the one read model of curriculum facts.

Levels, the self-rating scale, skills, role profiles and their targets,
courses, modules and quizzes' metadata change when an admin imports or edits
content, which is rare; learners read them on every page. Each process keeps a
``Snapshot`` of them (plain frozen values, safe to share between requests) and
compares one number, ``content_version.version``, to know whether it is still
current. The user loader reads that number in the same statement as the
signed-in user (``versions.versioned_user``), so a page that only needs the
curriculum and the person's own progress costs two statements.

Only this module, the importer, the exporter and authoring read the curriculum
tables; every other part of the application takes a ``Snapshot``. The version
changes in the same transaction as the content, whatever code makes the change
(curriculum/versions.py).
"""

from __future__ import annotations

import functools
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from skillgap.content import citations, metrics
from skillgap.curriculum import quiz_times, versions
from skillgap.curriculum.dictionary import MetricFileInfo, load_metric_files
from skillgap.curriculum.localized import Translations, load_translations, localize
from skillgap.curriculum.records import (
    CourseInfo,
    LevelInfo,
    ModuleEntry,
    QuizInfo,
    SelfRatingInfo,
    SkillInfo,
)
from skillgap.db import process_store
from skillgap.i18n import active_locale
from skillgap.kinds import QuizKind
from skillgap.models import (
    Course,
    Level,
    Module,
    Question,
    Quiz,
    RoleProfile,
    RoleTarget,
    SelfRating,
    Skill,
    module_prerequisites,
    module_skills,
)
from skillgap.rules.path_engine import ModuleInfo

STORE_KEY = "curriculum"  # in the database's process store: the SnapshotStore
# Called when a snapshot is replaced: memos keyed on snapshots let go of old ones.
ON_RELOAD: list[Callable[[], None]] = []


@dataclass(frozen=True, eq=False)  # compared and hashed by identity (see paths)
class Snapshot:
    version: int | None
    levels: tuple[LevelInfo, ...]  # lowest first
    skills: tuple[SkillInfo, ...]  # in framework order
    courses: dict[str, CourseInfo]  # in course order
    modules: dict[str, ModuleEntry]  # every module, drafts included, in course order
    role_targets: dict[str, dict[str, str]]  # role profile -> skill -> level id
    role_profiles: tuple[tuple[str, str], ...]  # (id, name) in framework order
    self_ratings: tuple[SelfRatingInfo, ...] = ()  # in scale order
    quizzes: dict[str, QuizInfo] = field(default_factory=dict)
    metric_files: tuple[MetricFileInfo, ...] = ()  # the dictionary, platforms then formulas
    _by_course: dict[str, tuple[ModuleEntry, ...]] = field(default_factory=dict)
    # Every translation's words (curriculum/localized.py), and for a localized
    # snapshot its language and its question texts by question fingerprint.
    translations: Translations = field(default_factory=dict)
    locale: str = "en"
    question_words: dict[str, dict] = field(default_factory=dict)

    @functools.cached_property
    def _localized(self) -> dict[str, Snapshot]:
        return {}

    def in_locale(self, locale: str) -> Snapshot:
        """This snapshot in ``locale``'s words where they exist (built once)."""
        if locale == self.locale or locale not in self.translations:
            return self
        found = self._localized.get(locale)
        if found is None:
            found = self._localized[locale] = localize(self, locale)
        return found

    @functools.cached_property
    def _module_html(self) -> dict[str, str]:
        return {}

    def module_html(self, module_id: str) -> str:
        """The module's HTML with its metric citations expanded from this
        snapshot's dictionary (worked out once per module and snapshot)."""
        html = self._module_html.get(module_id)
        if html is None:
            module = self.modules[module_id]
            html = citations.expand(module.body_html, self.metrics, locale=module.lang)
            self._module_html[module_id] = html
        return html

    @functools.cached_property
    def _cited_by_module(self) -> dict[str, tuple[str, ...]]:
        return {
            module_id: tuple(citations.cited_ids(module.body_html))
            for module_id, module in self.modules.items()
        }

    def cited_metrics(self, module_id: str) -> list[metrics.Entry]:
        found = self._cited_by_module.get(module_id, ())
        return [self.metrics[i] for i in found if i in self.metrics]

    @functools.cached_property
    def citing_modules(self) -> dict[str, tuple[ModuleEntry, ...]]:
        """Entry id -> the published modules citing it (worked out once)."""
        citing: dict[str, list[ModuleEntry]] = {}
        for module_id, found in self._cited_by_module.items():
            module = self.modules[module_id]
            for entry_id in found if module.published else ():
                citing.setdefault(entry_id, []).append(module)
        return {entry_id: tuple(found) for entry_id, found in citing.items()}

    @functools.cached_property
    def metrics(self) -> dict[str, metrics.Entry]:
        """Every metric and formula of the dictionary by id (instagram.views, ctr)."""
        return {entry.id: entry for file in self.metric_files for entry in file.entries}

    def level(self, level_id: str) -> LevelInfo:
        return next(level for level in self.levels if level.id == level_id)

    @functools.cached_property
    def level_by_id(self) -> dict[str, LevelInfo]:
        return {level.id: level for level in self.levels}

    @functools.cached_property
    def skill_by_id(self) -> dict[str, SkillInfo]:
        return {skill.id: skill for skill in self.skills}

    @property
    def lowest_level(self) -> LevelInfo | None:
        return self.levels[0] if self.levels else None

    def role_profile_name(self, profile_id: str | None) -> str | None:
        return dict(self.role_profiles).get(profile_id or "")

    def skill_names(self) -> dict[str, str]:
        return {skill.id: skill.name for skill in self.skills}

    @functools.cached_property
    def live_checks(self) -> frozenset[str]:
        """Checks of published modules: a check goes with its module."""
        return frozenset(
            m.check_quiz_id for m in self.modules.values() if m.published and m.check_quiz_id
        )

    def published_quiz(self, quiz_id: str, sees_drafts: bool) -> QuizInfo | None:
        """The quiz if it exists and the viewer may see it (admins see drafts). A
        module check is open only while a published module uses it."""
        quiz = self.quizzes.get(quiz_id)
        if quiz is None or sees_drafts:
            return quiz
        if not quiz.published or (quiz.kind == QuizKind.CHECK and quiz.id not in self.live_checks):
            return None
        return quiz

    def visible_modules(self, sees_drafts: bool) -> list[ModuleEntry]:
        return [m for m in self.modules.values() if sees_drafts or m.published]

    def course_modules(self, course_id: str, sees_drafts: bool) -> list[ModuleEntry]:
        return [m for m in self._by_course.get(course_id, ()) if sees_drafts or m.published]

    @functools.cached_property
    def engine_modules(self) -> tuple[ModuleInfo, ...]:
        """Published modules as the path engine takes them (worked out once)."""
        positions = {level.id: level.position for level in self.levels}
        return tuple(
            ModuleInfo(
                id=m.id,
                title=m.title,
                course_id=m.course.id,
                course_position=m.course.position,
                position=m.position,
                skills=tuple(s.id for s in m.skills),
                level=positions[m.level.id],
                minutes=m.minutes,
                prerequisites=tuple(sorted(m.prerequisite_ids)),
            )
            for m in self.modules.values()
            if m.published
        )

    def done_ids(self, completed: Iterable[str], passed_checks: set[str]) -> set[str]:
        """Modules that count as done: one with a check once the check is passed;
        one without a check once marked complete."""
        done = {m.id for m in self.modules.values() if m.check_quiz_id in passed_checks}
        for module_id in completed:
            module = self.modules.get(module_id)
            if module is not None and module.check_quiz_id is None:
                done.add(module_id)
        return done


class SnapshotStore:
    """One process's current snapshot for one database."""

    def __init__(self) -> None:
        self.snapshot: Snapshot | None = None
        self.loads = 0  # how often the snapshot was (re)built, for tests and benchmarks


def store_of(session: Session) -> SnapshotStore | None:
    store = process_store(session)
    if store is None:
        return None
    found = store.get(STORE_KEY)
    if found is None:
        found = store[STORE_KEY] = SnapshotStore()
    return found


def snapshot_of(session: Session, localized: bool = True) -> Snapshot:
    """The curriculum as of this session's view of the database, in the reader's
    language (i18n.active_locale) unless ``localized`` is False (the API, which
    speaks the source language)."""
    version = versions.read(session).content
    store = store_of(session)
    cached = store.snapshot if store is not None else None
    if cached is not None and version is not None and cached.version == version:
        snapshot = cached
    else:
        snapshot = load(session, version)
        if store is not None:
            store.snapshot = snapshot
            store.loads += 1
            for forget in ON_RELOAD:
                forget()
    locale = active_locale() if localized else None
    return snapshot.in_locale(locale) if locale else snapshot


def load(session: Session, version: int | None) -> Snapshot:
    levels = tuple(
        LevelInfo(r.id, r.name, r.min_percent, r.position)
        for r in session.execute(select(Level).order_by(Level.position)).scalars()
    )
    skills = tuple(
        SkillInfo(r.id, r.name, r.description, r.position)
        for r in session.execute(select(Skill).order_by(Skill.position)).scalars()
    )
    courses = {
        r.id: CourseInfo(r.id, r.title, r.summary, r.position, r.intro_html, r.published)
        for r in session.scalars(select(Course).order_by(Course.position, Course.id))
    }
    modules = _load_modules(session, courses, {s.id: s for s in skills}, {v.id: v for v in levels})
    role_targets: dict[str, dict[str, str]] = {}
    for profile_id, skill_id, level_id in session.execute(
        select(RoleTarget.role_profile_id, RoleTarget.skill_id, RoleTarget.level_id)
    ):
        role_targets.setdefault(profile_id, {})[skill_id] = level_id
    role_profiles = tuple(
        (profile_id, name)
        for profile_id, name in session.execute(
            select(RoleProfile.id, RoleProfile.name).order_by(RoleProfile.position)
        )
    )
    self_ratings = tuple(
        SelfRatingInfo(r.id, r.label, r.claims_level_id, r.position)
        for r in session.scalars(select(SelfRating).order_by(SelfRating.position))
    )
    quizzes = _load_quizzes(session)
    by_course: dict[str, list[ModuleEntry]] = {}
    for module in modules.values():
        by_course.setdefault(module.course.id, []).append(module)
    return Snapshot(
        version=version,
        levels=levels,
        skills=skills,
        courses=courses,
        modules=modules,
        role_targets=role_targets,
        role_profiles=role_profiles,
        self_ratings=self_ratings,
        quizzes=quizzes,
        metric_files=load_metric_files(session),
        _by_course={course_id: tuple(ms) for course_id, ms in by_course.items()},
        translations=load_translations(session),
    )


def _load_quizzes(session: Session) -> dict[str, QuizInfo]:
    per_skill: dict[str, dict[str, int]] = {}
    for quiz_id, skill_id, count in session.execute(
        select(Question.quiz_id, Question.skill_id, func.count())
        .where(Question.active)
        .group_by(Question.quiz_id, Question.skill_id)
    ):
        per_skill.setdefault(quiz_id, {})[skill_id] = count
    rows = session.execute(
        select(
            Quiz.id,
            Quiz.title,
            Quiz.kind,
            Quiz.time_limit_minutes,
            Quiz.published,
            Quiz.blueprint,
            Quiz.mode,
            Quiz.stopping,
        ).order_by(Quiz.id)
    ).all()
    banked = {
        skill
        for r in rows
        if r.kind == QuizKind.BANK and r.published
        for skill in per_skill.get(r.id, {})
    }
    seconds = quiz_times.question_seconds(session)
    quizzes = {}
    for r in rows:
        counts = per_skill.get(r.id, {})
        if r.blueprint is not None:  # drawn from the banks: what each skill's section asks
            default = r.blueprint.get("default", {})
            counts = {skill: sum(r.blueprint.get(skill, default).values()) for skill in banked}
        timed = quiz_times.section_seconds(r.id, r.kind, counts, r.blueprint is not None, seconds)
        quizzes[r.id] = QuizInfo(
            r.id,
            r.title,
            r.kind,
            r.time_limit_minutes,
            r.published,
            counts,
            r.blueprint,
            timed,
            r.mode or "fixed",
            r.stopping,
        )
    return quizzes


def _load_modules(
    session: Session,
    courses: dict[str, CourseInfo],
    skill_by_id: dict[str, SkillInfo],
    level_by_id: dict[str, LevelInfo],
) -> dict[str, ModuleEntry]:
    module_skill_ids: dict[str, list[str]] = {}
    for module_id, skill_id in session.execute(
        select(module_skills.c.module_id, module_skills.c.skill_id).order_by(
            module_skills.c.module_id, module_skills.c.position
        )
    ):
        module_skill_ids.setdefault(module_id, []).append(skill_id)
    prerequisites: dict[str, list[str]] = {}
    for module_id, prerequisite_id in session.execute(
        select(module_prerequisites.c.module_id, module_prerequisites.c.prerequisite_id)
    ):
        prerequisites.setdefault(module_id, []).append(prerequisite_id)
    rows = session.execute(
        select(
            Module.id,
            Module.course_id,
            Module.position,
            Module.title,
            Module.level_id,
            Module.minutes,
            Module.check_quiz_id,
            Module.body_html,
            Module.toc_html,
            Module.word_count,
            Module.published,
            Module.review_after,
        )
        .join(Course, Course.id == Module.course_id)
        .order_by(Course.position, Course.id, Module.position)
    )
    return {
        r.id: ModuleEntry(
            id=r.id,
            course=courses[r.course_id],
            position=r.position,
            title=r.title,
            level=level_by_id[r.level_id],
            minutes=r.minutes,
            check_quiz_id=r.check_quiz_id,
            body_html=r.body_html,
            toc_html=r.toc_html,
            word_count=r.word_count,
            skills=tuple(skill_by_id[s] for s in module_skill_ids.get(r.id, ())),
            prerequisite_ids=tuple(sorted(prerequisites.get(r.id, ()))),
            own_published=r.published,
            review_after=r.review_after,
        )
        for r in rows
    }
