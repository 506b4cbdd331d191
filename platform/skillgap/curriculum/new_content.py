"""New content made in the browser (a module, a quiz, a quiz from a GIFT file),
and the list of everything an admin can edit. Each new item starts as an
unpublished draft with its first revision."""

from __future__ import annotations

import json
from dataclasses import dataclass, field

from flask_babel import gettext as _
from sqlalchemy import select
from sqlalchemy.orm import Session

from skillgap.content.errors import ContentError
from skillgap.content.gift import GiftResult
from skillgap.content.quiz_writer import quiz_markdown
from skillgap.curriculum import revisions
from skillgap.curriculum.authoring import InvalidError, Item, add_revision, validate
from skillgap.curriculum.snapshot import snapshot_of
from skillgap.curriculum.writers import Counts, write_modules, write_quiz
from skillgap.models import (
    ContentKind,
    Course,
    MetricFile,
    Module,
    Quiz,
    Revision,
    RevisionOrigin,
    User,
)


@dataclass(frozen=True)
class ContentListing:
    """Everything an admin can edit, drafts included, and what has unpublished edits."""

    courses: list[Course]
    modules: list[Module]
    quizzes: list[Quiz]
    drafts: set[tuple[str, str]]
    metric_files: list[MetricFile] = field(
        default_factory=list
    )  # (kind, item id) with a revision not yet published


def content_listing(session: Session) -> ContentListing:
    return ContentListing(
        list(session.scalars(select(Course).order_by(Course.position, Course.id))),
        list(session.scalars(select(Module).order_by(Module.course_id, Module.position))),
        list(session.scalars(select(Quiz).order_by(Quiz.kind, Quiz.id))),
        {
            (r.kind, r.item_id)
            for r in session.scalars(select(Revision).where(Revision.published_at.is_(None)))
        },
        list(session.scalars(select(MetricFile).order_by(MetricFile.id))),
    )


def new_module(session: Session, course_id: str, module_id: str, title: str, author: User) -> Item:
    """A new module at the end of the course, unpublished, with a starter text."""
    from skillgap.content.source import is_id

    problems = []
    # Not an id, no course: PostgreSQL refuses a NUL character even in a lookup.
    course = session.get(Course, course_id) if is_id(course_id) else None
    if course is None:
        problems.append(_("choose a course"))
    if not is_id(module_id or ""):
        problems.append(_("the module id is lower-case-with-hyphens (at most 80), like kpi-basics"))
    elif session.get(Module, module_id) is not None:
        problems.append(_("a module %(id)s already exists", id=repr(module_id)))
    if not title.strip() or len(title) > 200:
        problems.append(_("give a title of at most 200 characters"))
    if problems:
        raise InvalidError([ContentError(_("new module"), 1, p) for p in problems])
    position = (max((m.position for m in course.modules), default=0)) + 1  # type: ignore[union-attr]
    snapshot = snapshot_of(session)  # framework order: the first skill, the entry level
    skill, entry = snapshot.skills[0].id, snapshot.levels[1].id
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
    add_revision(session, item, text, author, "new module", RevisionOrigin.BROWSER)
    revisions.record(session, author, "content.create", f"module {module_id}", item.path)
    return item


def new_quiz(
    session: Session, quiz_id: str, title: str, kind: str, text: str, author: User, message: str
) -> Item:
    """A new, unpublished quiz from ready-made quiz text (a GIFT import, say)."""
    from skillgap.content.source import is_id

    if not is_id(quiz_id or ""):
        raise InvalidError(
            [ContentError(_("new quiz"), 1, _("the quiz id is lower-case-with-hyphens"))]
        )
    if session.get(Quiz, quiz_id) is not None:
        raise InvalidError(
            [ContentError(_("new quiz"), 1, _("a quiz %(id)s already exists", id=repr(quiz_id)))]
        )
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
    add_revision(session, item, text, author, message, RevisionOrigin.BROWSER)
    revisions.record(session, author, "content.create", f"quiz {quiz_id}", message)
    return item


def import_gift_quiz(
    session: Session, quiz_id: str, title: str, kind: str, parsed: GiftResult, author: User
) -> Item:
    """A new draft quiz from a parsed GIFT file (the questions it understood)."""
    if not parsed.questions:
        raise InvalidError(
            [ContentError(_("GIFT file"), 1, _("No supported questions to import."))]
        )
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
