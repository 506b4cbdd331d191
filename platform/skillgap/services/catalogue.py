"""What the catalogue, course and module pages show, and marking modules complete.

The curriculum comes from the in-memory snapshot (curriculum/snapshot.py);
each page adds one statement for the person's own progress. Learners see
published content only; admins also see unpublished items, so they can check
them before publishing.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date, datetime

from sqlalchemy import Select, bindparam, func, literal_column, null, select, text, union_all
from sqlalchemy.orm import Session, selectinload

from skillgap import clock
from skillgap.content.metrics import Entry
from skillgap.curriculum.snapshot import (
    CourseInfo,
    LevelInfo,
    ModuleEntry,
    SkillInfo,
    Snapshot,
    snapshot_of,
)
from skillgap.models import Course, Module, ModuleCompletion, User
from skillgap.services.assessments import passed_quiz_ids_query
from skillgap.services.visibility import sees_drafts


def _visible_module_rows(user: User) -> Select[Module]:
    """Module rows the person may see (search reads their text, which the
    snapshot does not hold)."""
    query = select(Module).join(Course)
    if not sees_drafts(user):
        query = query.where(Module.published, Course.published)
    return query


@dataclass(frozen=True)
class CourseCard:
    course: CourseInfo
    total: int
    done: int
    matching: list[ModuleEntry]  # modules matching the filter (all modules when unfiltered)

    @property
    def percent(self) -> int:
        return round(100 * self.done / self.total) if self.total else 0


def skills_and_levels(session: Session) -> tuple[tuple[SkillInfo, ...], tuple[LevelInfo, ...]]:
    snapshot = snapshot_of(session)
    return snapshot.skills, snapshot.levels


def catalogue(
    session: Session, user: User, skill_id: str | None = None, level_id: str | None = None
) -> list[CourseCard]:
    snapshot = snapshot_of(session)
    done = done_ids(session, user.id)
    cards: dict[str, list[ModuleEntry]] = {}
    for module in snapshot.visible_modules(sees_drafts(user)):
        cards.setdefault(module.course.id, []).append(module)
    result = []
    for course_id, course_modules in cards.items():
        matching = [
            m
            for m in course_modules
            if (skill_id is None or any(s.id == skill_id for s in m.skills))
            and (level_id is None or m.level.id == level_id)
        ]
        if not matching:
            continue
        finished = sum(1 for m in course_modules if m.id in done)
        result.append(
            CourseCard(snapshot.courses[course_id], len(course_modules), finished, matching)
        )
    return result


@dataclass(frozen=True)
class Progress:
    """A person's own progress: modules marked complete and checks passed."""

    completed_at: dict[str, datetime]  # module id -> when they marked it complete
    passed_checks: set[str]  # check quiz ids passed at least once

    def done_ids(self, snapshot: Snapshot) -> set[str]:
        return snapshot.done_ids(self.completed_at, self.passed_checks)


# Built once: every page shows progress, and a prepared statement skips
# SQLAlchemy's per-call construction and cache-key work.
_PROGRESS = union_all(
    select(ModuleCompletion.module_id, ModuleCompletion.completed_at).where(
        ModuleCompletion.user_id == bindparam("user_id")
    ),
    select(passed_quiz_ids_query(bindparam("user_id")).subquery().c.quiz_id, null()),
)


def progress_of(session: Session, user_id: int) -> Progress:
    """One statement: completions and passed check quizzes together."""
    rows = session.execute(_PROGRESS, {"user_id": user_id}).all()
    completed = {item: when for item, when in rows if when is not None}
    return Progress(completed, {item for item, when in rows if when is None})


def done_ids(session: Session, user_id: int) -> set[str]:
    """Modules that count as done: a module with a check once the check is passed
    (>= 60%); a module without one once marked complete."""
    return progress_of(session, user_id).done_ids(snapshot_of(session))


def course_for(session: Session, user: User, course_id: str) -> CourseInfo | None:
    course = snapshot_of(session).courses.get(course_id)
    if course is None or not (course.published or sees_drafts(user)):
        return None
    return course


def course_modules(session: Session, user: User, course_id: str) -> list[ModuleEntry]:
    return snapshot_of(session).course_modules(course_id, sees_drafts(user))


@dataclass(frozen=True)
class ModulePage:
    module: ModuleEntry
    siblings: list[ModuleEntry]
    prerequisites: list[ModuleEntry]
    done_ids: set[str]
    completed_at: datetime | None  # when the person marked it complete
    body_html: str = ""  # with metric citations expanded
    cited: list[Entry] = field(default_factory=list)  # dictionary entries it cites

    @property
    def definitions_checked(self) -> date | None:
        """The oldest checked date of the definitions the module cites."""
        return min((entry.checked for entry in self.cited), default=None)

    @property
    def overdue_since(self) -> date | None:
        """When the module's review fell due, if that has passed: learners see a
        short note (platform details may have moved since it was checked)."""
        due = self.module.review_after
        return due if due is not None and due <= clock.now().date() else None

    @property
    def done(self) -> bool:
        return self.module.id in self.done_ids

    @property
    def cache_parts(self) -> tuple:
        """What the rendered page depends on beyond the curriculum (fragments.py):
        the module, its prerequisites and neighbours as this reader sees them (an
        author also sees drafts), and their progress on it and its prerequisites."""
        prerequisites = tuple(p.id for p in self.prerequisites)
        done = tuple(sorted({self.module.id, *prerequisites} & self.done_ids))
        siblings = tuple(s.id for s in self.siblings)
        return (self.module.id, prerequisites, siblings, done, self.completed_at)

    @property
    def previous(self) -> ModuleEntry | None:
        index = self.siblings.index(self.module)
        return self.siblings[index - 1] if index > 0 else None

    @property
    def next(self) -> ModuleEntry | None:
        index = self.siblings.index(self.module)
        return self.siblings[index + 1] if index + 1 < len(self.siblings) else None


def module_page(session: Session, user: User, module_id: str) -> ModulePage | None:
    """The module from the in-memory curriculum; one statement for the person's progress."""
    snapshot = snapshot_of(session)
    drafts = sees_drafts(user)
    module = snapshot.modules.get(module_id)
    if module is None or not (module.published or drafts):
        return None
    prerequisites = sorted(
        (
            snapshot.modules[p]
            for p in module.prerequisite_ids
            if drafts or snapshot.modules[p].published
        ),
        key=lambda m: m.title,
    )
    progress = progress_of(session, user.id)
    return ModulePage(
        module,
        snapshot.course_modules(module.course.id, drafts),
        prerequisites,
        progress.done_ids(snapshot),
        progress.completed_at.get(module.id),
        snapshot.module_html(module.id),
        snapshot.cited_metrics(module.id),
    )


def check_quiz_of(session: Session, module_id: str) -> str | None:
    module = snapshot_of(session).modules.get(module_id)
    return module.check_quiz_id if module is not None else None


def set_completed(session: Session, user: User, module_id: str, completed: bool) -> bool:
    """Mark (or un-mark) a module complete for ``user``; False if they cannot see it."""
    module = snapshot_of(session).modules.get(module_id)
    if module is None or not (module.published or sees_drafts(user)):
        return False
    existing = session.get(ModuleCompletion, (user.id, module_id))
    if completed and existing is None:
        session.add(
            ModuleCompletion(user_id=user.id, module_id=module_id, completed_at=clock.now())
        )
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
            _visible_module_rows(user)
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
