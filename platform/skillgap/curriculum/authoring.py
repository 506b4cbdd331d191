"""Editing content in the browser: validate one item's text against the rest of
the database, preview it, save drafts, publish, unpublish, restore.

Every save is a new revision; publishing applies the newest revision through the
same parser and writers as the file importer, so the browser and the files can
never disagree about what a valid module (or course, quiz, framework) is.
"""

from __future__ import annotations

import json
from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session

from skillgap import clock
from skillgap.content import markdown
from skillgap.content.errors import ContentError, ErrorList
from skillgap.content.files import find_cycles, parse_course, parse_module
from skillgap.content.framework import parse_framework
from skillgap.content.gift import GiftResult
from skillgap.content.quizzes import parse_quiz, quiz_markdown
from skillgap.content.specs import FrameworkSpec, LevelSpec, RoleSpec, SelfRatingSpec, SkillSpec
from skillgap.curriculum import revisions
from skillgap.curriculum.writers import (
    Counts,
    ImportReport,
    write_course,
    write_framework,
    write_modules,
    write_quiz,
)
from skillgap.models import (
    ContentKind,
    Course,
    FrameworkSource,
    Level,
    Module,
    Quiz,
    Revision,
    RevisionOrigin,
    RoleProfile,
    SelfRating,
    Skill,
    User,
    module_prerequisites,
)


class ConflictError(Exception):
    """Someone saved a newer revision since this editor was opened."""

    def __init__(self, newer: Revision) -> None:
        super().__init__(f"revision {newer.number} was saved meanwhile")
        self.newer = newer


class InvalidError(Exception):
    def __init__(self, errors: list[ContentError]) -> None:
        super().__init__("\n".join(str(e) for e in errors))
        self.errors = errors


@dataclass(frozen=True)
class Item:
    kind: str
    id: str
    title: str
    path: str  # where the item lives in the files
    published: bool
    course_id: str = ""
    file_name: str = ""
    position: int = 0


@dataclass(frozen=True)
class ContentListing:
    """Everything an admin can edit, drafts included, and what has unpublished edits."""

    courses: list[Course]
    modules: list[Module]
    quizzes: list[Quiz]
    drafts: set[tuple[str, str]]  # (kind, item id) with a revision not yet published


def content_listing(session: Session) -> ContentListing:
    return ContentListing(
        list(session.scalars(select(Course).order_by(Course.position, Course.id))),
        list(session.scalars(select(Module).order_by(Module.course_id, Module.position))),
        list(session.scalars(select(Quiz).order_by(Quiz.kind, Quiz.id))),
        {
            (r.kind, r.item_id)
            for r in session.scalars(select(Revision).where(Revision.published_at.is_(None)))
        },
    )


def _add_revision(
    session: Session,
    item: Item,
    text: str,
    author: User,
    message: str,
    origin: RevisionOrigin = RevisionOrigin.BROWSER,
) -> Revision:
    """An unpublished revision of ``item`` written in the browser (or restored)."""
    return revisions.add(
        session, item.kind, item.id, text, origin.value, author=author, message=message
    )


def find_item(session: Session, kind: str, item_id: str) -> Item | None:
    if kind == ContentKind.MODULE:
        m = session.get(Module, item_id)
        return m and Item(
            kind,
            m.id,
            m.title,
            f"courses/{m.course_id}/{m.file_name}",
            m.published,
            m.course_id,
            m.file_name,
            m.position,
        )
    if kind == ContentKind.COURSE:
        c = session.get(Course, item_id)
        return c and Item(kind, c.id, c.title, f"courses/{c.id}/course.md", c.published)
    if kind == ContentKind.QUIZ:
        q = session.get(Quiz, item_id)
        return q and Item(
            kind, q.id, q.title, f"quizzes/{q.file_name}", q.published, file_name=q.file_name
        )
    if kind == ContentKind.FRAMEWORK and item_id == "framework":
        f = session.get(FrameworkSource, 1)
        return f and Item(kind, "framework", "Skill framework", "courses/framework.yml", True)
    return None


def live_text(session: Session, item: Item) -> str:
    model = {ContentKind.MODULE: Module, ContentKind.COURSE: Course, ContentKind.QUIZ: Quiz}
    if item.kind == ContentKind.FRAMEWORK:
        return session.get(FrameworkSource, 1).source  # type: ignore[union-attr]
    return session.get(model[ContentKind(item.kind)], item.id).source  # type: ignore[union-attr]


def editing_base(session: Session, item: Item) -> tuple[str, int]:
    """The text an editor opens with (the newest revision, draft or not) and its number."""
    newest = revisions.latest(session, item.kind, item.id)
    if newest is None:
        return live_text(session, item), 0
    return newest.source, newest.number


def framework_from_db(session: Session) -> FrameworkSpec:
    levels = [
        LevelSpec(lvl.id, lvl.name, lvl.min_percent)
        for lvl in session.scalars(select(Level).order_by(Level.position))
    ]
    ratings = [
        SelfRatingSpec(r.id, r.label, r.claims_level_id)
        for r in session.scalars(select(SelfRating).order_by(SelfRating.position))
    ]
    skills = [
        SkillSpec(s.id, s.name, s.description)
        for s in session.scalars(select(Skill).order_by(Skill.position))
    ]
    roles = [
        RoleSpec(r.id, r.name, {t.skill_id: t.level_id for t in r.targets})
        for r in session.scalars(select(RoleProfile).order_by(RoleProfile.position))
    ]
    source = session.get(FrameworkSource, 1)
    return FrameworkSpec(
        "courses/framework.yml", source.source if source else "", levels, ratings, skills, roles
    )


def validate(session: Session, item: Item, text: str):  # type: ignore[no-untyped-def]
    """The parsed spec, or InvalidError listing every problem as path:line: reason."""
    errors = ErrorList()
    spec = None
    if item.kind == ContentKind.FRAMEWORK:
        spec = parse_framework(text, item.path, errors)
    elif item.kind == ContentKind.COURSE:
        spec = parse_course(text, item.path, item.id, framework_from_db(session), errors)
    elif item.kind == ContentKind.QUIZ:
        skills = {s for s in session.scalars(select(Skill.id))}
        spec = parse_quiz(text, item.id, item.path, skills, errors)
    elif item.kind == ContentKind.MODULE:
        spec = parse_module(
            text,
            item.path,
            item.file_name,
            item.course_id,
            item.position,
            item.id,
            framework_from_db(session),
            errors,
        )
        if spec is not None:
            _check_module_links(session, spec, errors)
    if errors or spec is None:
        raise InvalidError(errors.sorted() or [ContentError(item.path, 1, "cannot be read")])
    return spec


def _check_module_links(session: Session, spec, errors: ErrorList) -> None:  # type: ignore[no-untyped-def]
    line = spec.lines.get("prerequisites", 1)
    known = set(session.scalars(select(Module.id)))
    for prerequisite in spec.prerequisites:
        if prerequisite == spec.id:
            errors.add(spec.path, line, "a module cannot be its own prerequisite")
        elif prerequisite not in known:
            errors.add(spec.path, line, f"unknown prerequisite {prerequisite!r}")
    if spec.check is not None and session.get(Quiz, spec.check) is None:
        errors.add(spec.path, spec.lines.get("check", 1), f"unknown check quiz {spec.check!r}")
    graph: dict[str, list[str]] = {}
    for module_id, prerequisite_id in session.execute(select(module_prerequisites)):
        graph.setdefault(module_id, []).append(prerequisite_id)
    graph[spec.id] = [p for p in spec.prerequisites if p in known and p != spec.id]
    for cycle in find_cycles(graph):
        if spec.id in cycle:
            errors.add(
                spec.path, line, f"prerequisites form a cycle: {' -> '.join([*cycle, cycle[0]])}"
            )


def preview_html(item: Item, spec) -> str:  # type: ignore[no-untyped-def]
    """Exactly what the published page would show, through the one Markdown pipeline."""
    if item.kind == ContentKind.MODULE:
        return markdown.render(spec.body, drop_leading_title=True).html
    if item.kind == ContentKind.COURSE:
        return markdown.render(spec.intro).html
    return ""


def save(
    session: Session, item: Item, text: str, base_number: int, author: User, message: str = ""
) -> Revision:
    """A new draft revision; refused if the text is invalid or a newer revision exists."""
    newest = revisions.latest(session, item.kind, item.id)
    if newest is not None and newest.number != base_number:
        raise ConflictError(newest)
    validate(session, item, text)
    revision = _add_revision(session, item, text, author, message, RevisionOrigin.BROWSER)
    revisions.record(
        session,
        author,
        "content.save",
        f"{item.kind} {item.id}",
        f"revision {revision.number}" + (f": {message}" if message else ""),
    )
    return revision


def publish(session: Session, item: Item, author: User) -> Revision:
    """Make the newest revision what learners see."""
    newest = revisions.latest(session, item.kind, item.id)
    if newest is None:
        raise InvalidError([ContentError(item.path, 1, "nothing to publish")])
    spec = validate(session, item, newest.source)
    if item.kind == ContentKind.MODULE:
        write_modules(session, [spec], Counts())
    elif item.kind == ContentKind.COURSE:
        write_course(session, spec, Counts())
    elif item.kind == ContentKind.QUIZ:
        write_quiz(session, spec, Counts(), Counts())
    else:
        write_framework(session, spec, ImportReport())
        session.get(FrameworkSource, 1).source = spec.source  # type: ignore[union-attr]
    newest.published_at = clock.now()
    revisions.record(
        session, author, "content.publish", f"{item.kind} {item.id}", f"revision {newest.number}"
    )
    session.flush()
    return newest


def unpublish(session: Session, item: Item, author: User) -> None:
    """Hide it from learners; their completions and results stay."""
    model = {ContentKind.MODULE: Module, ContentKind.COURSE: Course, ContentKind.QUIZ: Quiz}
    if item.kind == ContentKind.FRAMEWORK:
        raise InvalidError([ContentError(item.path, 1, "the framework cannot be unpublished")])
    row = session.get(model[ContentKind(item.kind)], item.id)
    row.published = False  # type: ignore[union-attr]
    revisions.record(session, author, "content.unpublish", f"{item.kind} {item.id}")


def restore(session: Session, item: Item, number: int, author: User) -> Revision:
    """An older revision's text as a new (draft) revision: history only grows."""
    old = next(
        (r for r in revisions.revisions_of(session, item.kind, item.id) if r.number == number), None
    )
    if old is None:
        raise InvalidError([ContentError(item.path, 1, f"there is no revision {number}")])
    revision = _add_revision(
        session, item, old.source, author, f"restored revision {number}", RevisionOrigin.RESTORE
    )
    revisions.record(
        session,
        author,
        "content.restore",
        f"{item.kind} {item.id}",
        f"revision {number} restored as {revision.number}",
    )
    return revision


def new_module(session: Session, course_id: str, module_id: str, title: str, author: User) -> Item:
    """A new module at the end of the course, unpublished, with a starter text."""
    from skillgap.content.source import SLUG

    problems = []
    course = session.get(Course, course_id)
    if course is None:
        problems.append("choose a course")
    if not SLUG.match(module_id or ""):
        problems.append("the module id is lower-case-with-hyphens, like kpi-basics")
    elif session.get(Module, module_id) is not None:
        problems.append(f"a module {module_id!r} already exists")
    if not title.strip() or len(title) > 200:
        problems.append("give a title of at most 200 characters")
    if problems:
        raise InvalidError([ContentError("new module", 1, p) for p in problems])
    position = (max((m.position for m in course.modules), default=0)) + 1  # type: ignore[union-attr]
    skill = session.scalar(select(Skill.id).order_by(Skill.position))
    entry = session.scalars(select(Level.id).order_by(Level.position)).all()[1]
    text = (
        f"---\ntitle: {json.dumps(title.strip())}\nskills: [{skill}]\nlevel: {entry}\n"
        f"minutes: 15\nprerequisites: []\n---\n# {title.strip()}\n\n"
        "Why this matters in the job, then the method, a worked example and an exercise.\n"
    )
    item = Item(
        ContentKind.MODULE.value,
        module_id,
        title.strip(),
        f"courses/{course_id}/{position:02d}-{module_id}.md",
        False,
        course_id,
        f"{position:02d}-{module_id}.md",
        position,
    )
    write_modules(session, [validate(session, item, text)], Counts())
    session.get(Module, module_id).published = False  # type: ignore[union-attr]
    _add_revision(session, item, text, author, "new module", RevisionOrigin.BROWSER)
    revisions.record(session, author, "content.create", f"module {module_id}", item.path)
    return item


def new_quiz(
    session: Session, quiz_id: str, title: str, kind: str, text: str, author: User, message: str
) -> Item:
    """A new, unpublished quiz from ready-made quiz text (a GIFT import, say)."""
    from skillgap.content.source import SLUG

    if not SLUG.match(quiz_id or ""):
        raise InvalidError([ContentError("new quiz", 1, "the quiz id is lower-case-with-hyphens")])
    if session.get(Quiz, quiz_id) is not None:
        raise InvalidError([ContentError("new quiz", 1, f"a quiz {quiz_id!r} already exists")])
    item = Item(
        ContentKind.QUIZ.value,
        quiz_id,
        title,
        f"quizzes/{quiz_id}.md",
        False,
        file_name=f"{quiz_id}.md",
    )
    write_quiz(session, validate(session, item, text), Counts(), Counts())
    session.get(Quiz, quiz_id).published = False  # type: ignore[union-attr]
    _add_revision(session, item, text, author, message, RevisionOrigin.BROWSER)
    revisions.record(session, author, "content.create", f"quiz {quiz_id}", message)
    return item


def import_gift_quiz(
    session: Session, quiz_id: str, title: str, kind: str, parsed: GiftResult, author: User
) -> Item:
    """A new draft quiz from a parsed GIFT file (the questions it understood)."""
    if not parsed.questions:
        raise InvalidError([ContentError("GIFT file", 1, "No supported questions to import.")])
    title = title or quiz_id.replace("-", " ").capitalize()
    return new_quiz(
        session,
        quiz_id,
        title,
        kind,
        quiz_markdown(title, kind, parsed.questions),
        author,
        f"imported from GIFT ({len(parsed.questions)} questions, "
        f"{len(parsed.problems)} unsupported)",
    )
