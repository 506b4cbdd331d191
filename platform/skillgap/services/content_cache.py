"""The curriculum in memory: read once per process, reloaded only when it changes.

Modules, courses, skills, levels and role targets change when an admin imports
or edits content, which is rare; learners read them on every page. Each process
keeps a ``Snapshot`` of them (plain frozen values, safe to share between
requests) and compares one number, ``content_version.version``, to know whether
it is still current. The user loader reads that number in the same statement
as the signed-in user (``data_versions.versioned_user``), so a page that only needs the
curriculum and the person's own progress costs two statements.

The version changes in the same transaction as the content, whatever code makes
the change (services/data_versions.py).
"""

from __future__ import annotations

import functools
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Any, TypeVar

from sqlalchemy import select
from sqlalchemy.orm import Session

from skillgap.models import (
    Course,
    Level,
    Module,
    RoleProfile,
    RoleTarget,
    Skill,
    module_prerequisites,
    module_skills,
)
from skillgap.services import data_versions
from skillgap.services.path_engine import ModuleInfo

CACHE_KEY = "skillgap.content_cache"  # in sessionmaker info: the shared ContentCache
# Called when a snapshot is replaced: memos keyed on snapshots let go of old ones.
ON_RELOAD: list[Callable[[], None]] = []


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
class CourseInfo:
    id: str
    title: str
    summary: str
    position: int
    intro_html: str
    published: bool


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

    @property
    def course_id(self) -> str:
        return self.course.id

    @property
    def level_id(self) -> str:
        return self.level.id

    @property
    def published(self) -> bool:
        return self.own_published and self.course.published


@dataclass(frozen=True, eq=False)  # compared and hashed by identity (see paths)
class Snapshot:
    version: int | None
    levels: tuple[LevelInfo, ...]  # lowest first
    skills: tuple[SkillInfo, ...]  # in framework order
    courses: dict[str, CourseInfo]  # in course order
    modules: dict[str, ModuleEntry]  # every module, drafts included, in course order
    role_targets: dict[str, dict[str, str]]  # role profile -> skill -> level id
    role_profiles: tuple[tuple[str, str], ...]  # (id, name) in framework order
    _by_course: dict[str, tuple[ModuleEntry, ...]] = field(default_factory=dict)

    def level(self, level_id: str) -> LevelInfo:
        return next(level for level in self.levels if level.id == level_id)

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


class ContentCache:
    """One process's current snapshot for one database, and derived data that
    other services keep with the versions they were computed from."""

    def __init__(self) -> None:
        self.snapshot: Snapshot | None = None
        self.loads = 0  # how often the snapshot was (re)built, for tests and benchmarks
        self.derived: dict[str, tuple[data_versions.Versions, Any]] = {}


def cache_of(session: Session) -> ContentCache | None:
    return session.info.get(CACHE_KEY)


T = TypeVar("T")


def kept(session: Session, name: str) -> Any:
    """What ``keep`` stored under ``name``, or None if the content or people
    version (data_versions) changed since, or nothing was kept."""
    versions = data_versions.read(session)
    cache = cache_of(session)
    if cache is None or None in versions:
        return None
    hit = cache.derived.get(name)
    return hit[1] if hit is not None and hit[0] == versions else None


def keep(session: Session, name: str, value: T) -> T:
    """Keep ``value`` in this process until the content or people version changes:
    for data read far more often than changed. It may depend only on what those
    versions track (the curriculum; results, targets, teams and their members)."""
    versions = data_versions.read(session)
    cache = cache_of(session)
    if cache is not None and None not in versions:
        cache.derived[name] = (versions, value)
    return value


def derived(session: Session, name: str, compute: Callable[[Session], T]) -> T:
    """``compute(session)``, kept (see ``keep``)."""
    hit = kept(session, name)
    return hit if hit is not None else keep(session, name, compute(session))


def current(session: Session) -> Snapshot:
    """The curriculum as of this session's view of the database."""
    version = data_versions.read(session).content
    cache: ContentCache | None = session.info.get(CACHE_KEY)
    cached = cache.snapshot if cache is not None else None
    if cached is not None and version is not None and cached.version == version:
        return cached
    snapshot = load(session, version)
    if cache is not None:
        cache.snapshot = snapshot
        cache.loads += 1
        for forget in ON_RELOAD:
            forget()
    return snapshot


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
    skill_by_id = {s.id: s for s in skills}
    level_by_id = {lvl.id: lvl for lvl in levels}
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
        )
        .join(Course, Course.id == Module.course_id)
        .order_by(Course.position, Course.id, Module.position)
    )
    modules = {
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
        )
        for r in rows
    }
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
        _by_course={course_id: tuple(ms) for course_id, ms in by_course.items()},
    )
