"""Editing content in the browser: validate one item's text against the rest of
the database, preview it, save drafts, publish, unpublish, restore.

Every save is a new revision; publishing applies the newest revision through the
same parser and writers as the file importer, so the browser and the files can
never disagree about what a valid module (or course, quiz, framework) is.
"""

from __future__ import annotations

from dataclasses import dataclass

from flask_babel import gettext as _
from sqlalchemy import select
from sqlalchemy.orm import Session

from skillgap import clock
from skillgap.content import markdown
from skillgap.content.bank import BANK_QUIZ_PREFIX, as_quiz, parse_bank
from skillgap.content.errors import ContentError, ErrorList
from skillgap.content.files import check_citations, parse_course
from skillgap.content.framework import parse_framework
from skillgap.content.metrics import MetricFileSpec, parse_metric_file
from skillgap.content.module_files import parse_module
from skillgap.content.quizzes import QuizSpec, parse_quiz
from skillgap.content.specs import (
    CourseSpec,
    FrameworkSpec,
    LevelSpec,
    ModuleSpec,
    RoleSpec,
    SelfRatingSpec,
    SkillSpec,
)
from skillgap.curriculum import revisions
from skillgap.curriculum.dictionary import write_metric_file
from skillgap.curriculum.item_checks import check_module_links, check_still_cited, with_formulas
from skillgap.curriculum.snapshot import snapshot_of
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
    MetricFile,
    Module,
    Quiz,
    Revision,
    RevisionOrigin,
    RoleProfile,
    SelfRating,
    Skill,
    User,
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


def add_revision(
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
        return (
            None
            if m is None
            else Item(
                kind,
                m.id,
                m.title,
                f"courses/{m.course_id}/{m.file_name}",
                m.published,
                m.course_id,
                m.file_name,
                m.position,
            )
        )
    if kind == ContentKind.COURSE:
        c = session.get(Course, item_id)
        return (
            None
            if c is None
            else Item(kind, c.id, c.title, f"courses/{c.id}/course.md", c.published)
        )
    if kind == ContentKind.QUIZ:
        q = session.get(Quiz, item_id)
        return (
            None
            if q is None
            else Item(
                kind, q.id, q.title, f"quizzes/{q.file_name}", q.published, file_name=q.file_name
            )
        )
    if kind == ContentKind.METRICS:
        f = session.get(MetricFile, item_id)
        return (
            None
            if f is None
            else Item(
                kind,
                f.id,
                _("Metrics: %(name)s", name=f.name),
                f"courses/metrics/{f.id}.yml",
                f.published,
            )
        )
    if kind == ContentKind.FRAMEWORK and item_id == "framework":
        found = session.get(FrameworkSource, 1) is not None
        return (
            None
            if not found
            else Item(kind, "framework", _("Skill framework"), "courses/framework.yml", True)
        )
    return None


MODELS = {
    ContentKind.MODULE: Module,
    ContentKind.COURSE: Course,
    ContentKind.QUIZ: Quiz,
    ContentKind.METRICS: MetricFile,
}


def live_text(session: Session, item: Item) -> str:
    model = MODELS
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


def validate(session: Session, item: Item, text: str):
    """The parsed spec, or InvalidError listing every problem as path:line: reason."""
    errors = ErrorList()
    spec: FrameworkSpec | CourseSpec | QuizSpec | ModuleSpec | MetricFileSpec | None = None
    if item.kind == ContentKind.FRAMEWORK:
        spec = parse_framework(text, item.path, errors)
    elif item.kind == ContentKind.COURSE:
        spec = parse_course(text, item.path, item.id, framework_from_db(session), errors)
    elif item.kind == ContentKind.QUIZ and item.id.startswith(BANK_QUIZ_PREFIX):
        skills = set(session.scalars(select(Skill.id)))
        levels = list(session.scalars(select(Level.id).order_by(Level.position)))[1:]
        bank = parse_bank(text, item.path, skills, set(levels), errors)
        spec = with_formulas(session, as_quiz(bank), errors) if bank is not None else None
    elif item.kind == ContentKind.QUIZ:
        skills = set(session.scalars(select(Skill.id)))
        spec = parse_quiz(text, item.id, item.path, skills, errors)
        spec = with_formulas(session, spec, errors) if spec is not None else None
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
            check_module_links(session, spec, errors)
            check_citations([spec], set(snapshot_of(session).metrics), errors)
    elif item.kind == ContentKind.METRICS:
        spec = parse_metric_file(text, item.path, item.id, errors)
        if spec is not None:
            check_still_cited(session, spec, errors)
    if errors or spec is None:
        raise InvalidError(errors.sorted() or [ContentError(item.path, 1, _("cannot be read"))])
    return spec


def preview_html(item: Item, spec) -> str:
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
    revision = add_revision(session, item, text, author, message, RevisionOrigin.BROWSER)
    revisions.record(
        session,
        author,
        "content.save",
        f"{item.kind} {item.id}",
        f"revision {revision.number}" + (f": {message}" if message else ""),
    )
    return revision


def save_if_changed(
    session: Session, item: Item, text: str, base_number: int, author: User, message: str = ""
) -> Revision:
    """``save``, unless the text is the newest revision's already (then that one)."""
    newest = revisions.latest(session, item.kind, item.id)
    if newest is not None and newest.number == base_number and newest.source == text:
        return newest
    return save(session, item, text, base_number, author, message)


def publish(session: Session, item: Item, author: User, shown: int | None = None) -> Revision:
    """Make the newest revision what learners see. ``shown`` is the revision the
    admin's page showed: a newer one, saved meanwhile by someone else, is never
    published unseen (ConflictError)."""
    newest = revisions.latest(session, item.kind, item.id)
    if newest is None:
        raise InvalidError([ContentError(item.path, 1, _("nothing to publish"))])
    if shown is None or shown != newest.number:
        raise ConflictError(newest)
    spec = validate(session, item, newest.source)
    if item.kind == ContentKind.MODULE:
        write_modules(session, [spec], Counts())
    elif item.kind == ContentKind.COURSE:
        write_course(session, spec, Counts())
    elif item.kind == ContentKind.QUIZ:
        write_quiz(session, spec, Counts(), Counts())
    elif item.kind == ContentKind.METRICS:
        write_metric_file(session, spec, Counts())
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
    model = MODELS
    if item.kind == ContentKind.FRAMEWORK:
        raise InvalidError([ContentError(item.path, 1, _("the framework cannot be unpublished"))])
    row = session.get(model[ContentKind(item.kind)], item.id)
    row.published = False  # type: ignore[union-attr]
    revisions.record(session, author, "content.unpublish", f"{item.kind} {item.id}")


def restore(session: Session, item: Item, number: int, author: User) -> Revision:
    """An older revision's text as a new (draft) revision: history only grows."""
    old = next(
        (r for r in revisions.revisions_of(session, item.kind, item.id) if r.number == number), None
    )
    if old is None:
        raise InvalidError(
            [ContentError(item.path, 1, _("there is no revision %(number)s", number=number))]
        )
    revision = add_revision(
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
