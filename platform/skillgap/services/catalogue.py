"""What the catalogue, course and module pages show, and marking modules complete.

Each page is a fixed handful of queries (no query per module). Learners see
published content only; admins also see unpublished items, so they can check
them before publishing.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import Select, and_, func, literal_column, or_, select, text
from sqlalchemy.orm import Session, selectinload

from skillgap.models import (
    Course,
    Level,
    Module,
    ModuleCompletion,
    Skill,
    User,
    module_prerequisites,
)
from skillgap.models.base import utcnow
from skillgap.roles import Role


def _sees_drafts(user: User) -> bool:
    return user.role == Role.ADMIN


def visible_modules(user: User) -> Select[tuple[Module]]:
    query = select(Module).join(Course)
    if not _sees_drafts(user):
        query = query.where(Module.published, Course.published)
    return query


@dataclass(frozen=True)
class CourseCard:
    course: Course
    total: int
    done: int
    matching: list[Module]  # modules matching the filter (all modules when unfiltered)

    @property
    def percent(self) -> int:
        return round(100 * self.done / self.total) if self.total else 0


def skills_and_levels(session: Session) -> tuple[list[Skill], list[Level]]:
    skills = list(session.scalars(select(Skill).order_by(Skill.position)))
    levels = list(session.scalars(select(Level).order_by(Level.position)))
    return skills, levels


def catalogue(
    session: Session, user: User, skill_id: str | None = None, level_id: str | None = None
) -> list[CourseCard]:
    modules = list(
        session.scalars(
            visible_modules(user)
            .options(selectinload(Module.skills), selectinload(Module.level))
            .order_by(Course.position, Course.id, Module.position)
        )
    )
    done = done_ids(session, user.id)
    cards: dict[str, list[Module]] = {}
    courses: dict[str, Course] = {}
    for module in modules:
        cards.setdefault(module.course_id, []).append(module)
        courses[module.course_id] = module.course
    result = []
    for course_id, course_modules in cards.items():
        matching = [
            m
            for m in course_modules
            if (skill_id is None or any(s.id == skill_id for s in m.skills))
            and (level_id is None or m.level_id == level_id)
        ]
        if not matching:
            continue
        finished = sum(1 for m in course_modules if m.id in done)
        result.append(CourseCard(courses[course_id], len(course_modules), finished, matching))
    return result


def completed_ids(session: Session, user_id: int) -> set[str]:
    """Modules this person marked complete."""
    return set(
        session.scalars(
            select(ModuleCompletion.module_id).where(ModuleCompletion.user_id == user_id)
        )
    )


def done_ids(session: Session, user_id: int) -> set[str]:
    """Modules that count as done: a module with a check once the check is passed
    (>= 60%); a module without one once marked complete."""
    from skillgap.services.assessments import passed_check_quiz_ids

    marked = completed_ids(session, user_id)
    passed = passed_check_quiz_ids(session, user_id)
    rows = session.execute(
        select(Module.id, Module.check_quiz_id).where(
            or_(Module.id.in_(marked), Module.check_quiz_id.in_(passed))
        )
    )
    return {
        module_id
        for module_id, check in rows
        if (check is None and module_id in marked) or (check is not None and check in passed)
    }


def completion_times(session: Session, user_id: int, module_ids: list[str]) -> dict[str, datetime]:
    rows = session.execute(
        select(ModuleCompletion.module_id, ModuleCompletion.completed_at).where(
            ModuleCompletion.user_id == user_id, ModuleCompletion.module_id.in_(module_ids)
        )
    )
    return {module_id: completed_at for module_id, completed_at in rows}


def course_for(session: Session, user: User, course_id: str) -> Course | None:
    query = select(Course).where(Course.id == course_id)
    if not _sees_drafts(user):
        query = query.where(Course.published)
    return session.scalar(query)


def course_modules(session: Session, user: User, course_id: str) -> list[Module]:
    return list(
        session.scalars(
            visible_modules(user)
            .where(Module.course_id == course_id)
            .options(selectinload(Module.skills), selectinload(Module.level))
            .order_by(Module.position)
        )
    )


@dataclass(frozen=True)
class ModulePage:
    module: Module
    siblings: list[Module]
    prerequisites: list[Module]
    done_ids: set[str]
    completed_at: datetime | None  # when the person marked it complete

    @property
    def done(self) -> bool:
        return self.module.id in self.done_ids

    @property
    def previous(self) -> Module | None:
        index = self.siblings.index(self.module)
        return self.siblings[index - 1] if index > 0 else None

    @property
    def next(self) -> Module | None:
        index = self.siblings.index(self.module)
        return self.siblings[index + 1] if index + 1 < len(self.siblings) else None


def module_page(session: Session, user: User, module_id: str) -> ModulePage | None:
    module = session.scalar(
        visible_modules(user)
        .where(Module.id == module_id)
        .options(selectinload(Module.skills), selectinload(Module.level))
    )
    if module is None:
        return None
    siblings = list(
        session.scalars(
            visible_modules(user)
            .where(Module.course_id == module.course_id)
            .order_by(Module.position)
        )
    )
    prerequisites = list(
        session.scalars(
            visible_modules(user)
            .join(
                module_prerequisites,
                and_(
                    module_prerequisites.c.prerequisite_id == Module.id,
                    module_prerequisites.c.module_id == module.id,
                ),
            )
            .options(selectinload(Module.course))
            .order_by(Module.title)
        )
    )
    times = completion_times(session, user.id, [module.id])
    done = done_ids(session, user.id)
    return ModulePage(module, siblings, prerequisites, done, times.get(module.id))


def check_quiz_of(session: Session, module_id: str) -> str | None:
    return session.scalar(select(Module.check_quiz_id).where(Module.id == module_id))


def set_completed(session: Session, user: User, module_id: str, completed: bool) -> bool:
    """Mark (or un-mark) a module complete for ``user``; False if they cannot see it."""
    module = session.scalar(visible_modules(user).where(Module.id == module_id))
    if module is None:
        return False
    existing = session.get(ModuleCompletion, (user.id, module_id))
    if completed and existing is None:
        session.add(ModuleCompletion(user_id=user.id, module_id=module_id, completed_at=utcnow()))
    elif not completed and existing is not None:
        session.delete(existing)
    return True


# --- search -------------------------------------------------------------------

WORD = re.compile(r"\w+", re.UNICODE)
MAX_QUERY_WORDS = 12


@dataclass(frozen=True)
class SearchHit:
    module: Module
    snippet: str


def search(session: Session, user: User, query: str, limit: int = 30) -> list[SearchHit]:
    """Modules matching every word of ``query``, best match first (titles weigh more)."""
    words = WORD.findall(query.lower())[:MAX_QUERY_WORDS]
    if not words:
        return []
    if session.get_bind().dialect.name == "sqlite":
        ranked = _search_sqlite(session, words, limit * 3)
    else:
        ranked = _search_postgresql(session, query, limit * 3)
    if not ranked:
        return []
    modules = {
        m.id: m
        for m in session.scalars(
            visible_modules(user)
            .where(Module.id.in_(ranked))
            .options(selectinload(Module.course), selectinload(Module.level))
        )
    }
    return [
        SearchHit(modules[module_id], _snippet(modules[module_id].body_text, words))
        for module_id in ranked
        if module_id in modules
    ][:limit]


def _search_sqlite(session: Session, words: list[str], limit: int) -> list[str]:
    # Each word quoted (so FTS5 syntax in user input is inert) and prefix-matched.
    match = " ".join('"' + word.replace('"', "") + '"*' for word in words)
    rows = session.execute(
        text(
            "SELECT module_id FROM module_search WHERE module_search MATCH :match "
            "ORDER BY bm25(module_search, 0.0, 10.0, 1.0) LIMIT :limit"
        ),
        {"match": match, "limit": limit},
    )
    return [row[0] for row in rows]


def _search_postgresql(session: Session, query: str, limit: int) -> list[str]:
    # Literal weights: a bound parameter would be typed varchar, not "char".
    document = func.setweight(func.to_tsvector("english", Module.title), literal_column("'A'")).op(
        "||"
    )(func.setweight(func.to_tsvector("english", Module.body_text), literal_column("'B'")))
    terms = func.websearch_to_tsquery("english", query)
    rows = session.execute(
        select(Module.id)
        .where(document.op("@@")(terms))
        .order_by(func.ts_rank(document, terms).desc(), Module.id)
        .limit(limit)
    )
    return [row[0] for row in rows]


def _snippet(body: str, words: list[str], width: int = 220) -> str:
    lower = body.lower()
    positions = [lower.find(word) for word in words if lower.find(word) >= 0]
    start = max(min(positions) - 60, 0) if positions else 0
    snippet = body[start : start + width].strip()
    return ("… " if start else "") + snippet + ("…" if start + width < len(body) else "")
