"""Applying validated content to the database, in the caller's one transaction.

``import_content`` reads and validates every file first (raising
ContentInvalidError with all problems, having changed nothing), then upserts.
Unchanged items are left alone, so a second import of the same files writes
nothing and says so. Items that disappeared from the files are unpublished,
never deleted: learners' progress stays attached to them.

Framework entries (levels, self-ratings, skills, roles) removed from the file
are kept in the database, because results and targets may refer to them;
removing one is a deliberate admin action, not a side effect of an import.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from sqlalchemy import delete, select, text
from sqlalchemy.orm import Session

from skillgap.content import markdown
from skillgap.content.errors import ContentInvalidError, ErrorList
from skillgap.content.files import collect_curriculum
from skillgap.content.quizzes import QuizSpec, collect_quizzes, quiz_files
from skillgap.content.specs import CourseSpec, Curriculum, FrameworkSpec, ModuleSpec
from skillgap.curriculum import revisions
from skillgap.models import (
    ContentKind,
    Course,
    FrameworkSource,
    Level,
    Module,
    Question,
    Quiz,
    Revision,
    RevisionOrigin,
    RoleProfile,
    RoleTarget,
    SelfRating,
    Skill,
    User,
    module_prerequisites,
    module_skills,
)
from skillgap.models.base import utcnow

KINDS = ("levels", "self_ratings", "skills", "roles", "courses", "modules", "quizzes", "questions")


@dataclass
class Counts:
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    unpublished: int = 0

    @property
    def changed(self) -> int:
        return self.created + self.updated + self.unpublished


@dataclass
class ImportReport:
    counts: dict[str, Counts] = field(default_factory=lambda: {kind: Counts() for kind in KINDS})

    @property
    def changed(self) -> bool:
        return any(counts.changed for counts in self.counts.values())

    def lines(self) -> list[str]:
        rows = []
        for kind in KINDS:
            c = self.counts[kind]
            row = (
                f"{kind.replace('_', '-'):<13}{c.created:>4} created {c.updated:>4} updated "
                f"{c.unchanged:>4} unchanged"
            )
            if c.unpublished:
                row += f" {c.unpublished:>4} unpublished (no longer in the files)"
            rows.append(row)
        return rows


def known_quiz_ids(root: Path) -> set[str]:
    """Quiz ids a module's ``check`` may name: the quiz files in quizzes/."""
    return {path.stem for path in quiz_files(root)}


@dataclass(frozen=True)
class Content:
    curriculum: Curriculum
    quizzes: list[QuizSpec]


def read_content(root: Path) -> Content:
    """Parse and validate courses and quizzes together; raise ContentInvalidError
    listing every problem in every file."""
    errors = ErrorList()
    curriculum = collect_curriculum(root, known_quiz_ids(root), errors)
    skill_ids = {s.id for s in curriculum.framework.skills} if curriculum else None
    quizzes = collect_quizzes(root, skill_ids, errors)
    if errors or curriculum is None:
        raise ContentInvalidError(errors.sorted())
    return Content(curriculum, quizzes)


class ContentConflictError(Exception):
    """Items edited in the browser since their last import would be overwritten."""

    def __init__(self, conflicts: list[str]) -> None:
        super().__init__("\n".join(conflicts))
        self.conflicts = conflicts


def _items(content: Content) -> list[tuple[str, str, str, str]]:
    """(kind, id, file, text) of every item in the files."""
    items = [
        (
            ContentKind.FRAMEWORK.value,
            "framework",
            content.curriculum.framework.path,
            content.curriculum.framework.source,
        )
    ]
    items += [
        (ContentKind.COURSE.value, c.id, c.path, c.source) for c in content.curriculum.courses
    ]
    items += [
        (ContentKind.MODULE.value, m.id, m.path, m.source) for m in content.curriculum.modules
    ]
    items += [(ContentKind.QUIZ.value, q.id, q.path, q.source) for q in content.quizzes]
    return items


def _history(session: Session) -> dict[tuple[str, str], list[Revision]]:
    history: dict[tuple[str, str], list[Revision]] = {}
    for revision in session.scalars(select(Revision).order_by(Revision.number)):
        history.setdefault((revision.kind, revision.item_id), []).append(revision)
    return history


def browser_conflicts(
    content: Content, history: dict[tuple[str, str], list[Revision]]
) -> list[str]:
    """Items whose file differs from what learners see and that were edited in the
    browser after their last import: importing would overwrite that work."""
    conflicts = []
    for kind, item_id, path, source in _items(content):
        item_revisions = history.get((kind, item_id), [])
        last_import = max(
            (r.number for r in item_revisions if r.origin == RevisionOrigin.IMPORT), default=0
        )
        edits = [r for r in item_revisions if r.origin != RevisionOrigin.IMPORT]
        edits = [r for r in edits if r.number > last_import]
        published = [r for r in item_revisions if r.published_at is not None]
        live_text = published[-1].source if published else None
        if edits and source != live_text:
            conflicts.append(
                f"{path}: {kind} {item_id!r} was edited in the browser (revision "
                f"{edits[-1].number}) since it was last imported"
            )
    return conflicts


def import_content(
    session: Session,
    root: Path,
    progress: Callable[[str], None] | None = None,
    *,
    force: bool = False,
    actor: User | None = None,
) -> ImportReport:
    """Validate everything, refuse to overwrite browser edits unless ``force`` (the
    browser version stays in the history as a revision), then apply."""
    content = read_content(root)
    history = _history(session)
    conflicts = browser_conflicts(content, history)
    if conflicts and not force:
        raise ContentConflictError(conflicts)
    report = ImportReport()
    write_framework(session, content.curriculum.framework, report)
    _apply_courses(session, content.curriculum.courses, report)
    _apply_modules(session, content.curriculum, report, progress)
    _apply_quizzes(session, content.quizzes, report)
    session.flush()
    _record_import_revisions(session, content, history)
    if report.changed:
        changed = ", ".join(
            f"{kind}: {c.created} new, {c.updated} changed"
            for kind, c in report.counts.items()
            if c.created or c.updated
        )
        revisions.record(
            session,
            actor,
            "content.import",
            str(root),
            changed + (" (forced over browser edits)" if conflicts else ""),
        )
    session.flush()
    return report


def _record_import_revisions(
    session: Session, content: Content, history: dict[tuple[str, str], list[Revision]]
) -> None:
    """Each item whose text is new or changed gets a published "import" revision."""
    now = utcnow()
    for kind, item_id, _path, source in _items(content):
        known = history.get((kind, item_id), [])
        published = [r for r in known if r.published_at is not None]
        if published and published[-1].source == source:
            continue
        revisions.add(
            session,
            kind,
            item_id,
            source,
            RevisionOrigin.IMPORT.value,
            message="imported from the files",
            published=True,
            now=now,
        )


def _upsert(session: Session, model, key: str, values: dict, counts: Counts):  # type: ignore[no-untyped-def]
    row = session.get(model, key)
    if row is None:
        row = model(id=key, **values)
        session.add(row)
        counts.created += 1
        return row
    changed = {name: value for name, value in values.items() if getattr(row, name) != value}
    for name, value in changed.items():
        setattr(row, name, value)
    if changed:
        counts.updated += 1
    else:
        counts.unchanged += 1
    return row


def write_framework(session: Session, framework: FrameworkSpec, report: ImportReport) -> None:
    for position, level in enumerate(framework.levels):
        _upsert(
            session,
            Level,
            level.id,
            {"name": level.name, "min_percent": level.min_percent, "position": position},
            report.counts["levels"],
        )
    session.flush()
    for position, rating in enumerate(framework.self_ratings):
        _upsert(
            session,
            SelfRating,
            rating.id,
            {"label": rating.label, "claims_level_id": rating.claims, "position": position},
            report.counts["self_ratings"],
        )
    for position, skill in enumerate(framework.skills):
        _upsert(
            session,
            Skill,
            skill.id,
            {"name": skill.name, "description": skill.description, "position": position},
            report.counts["skills"],
        )
    session.flush()
    for position, role in enumerate(framework.roles):
        counts = report.counts["roles"]
        before = counts.unchanged
        profile = _upsert(
            session, RoleProfile, role.id, {"name": role.name, "position": position}, counts
        )
        current = {target.skill_id: target.level_id for target in profile.targets}
        if current != role.targets:
            profile.targets = [
                RoleTarget(skill_id=skill, level_id=level)
                for skill, level in sorted(role.targets.items())
            ]
            if counts.unchanged > before:  # name unchanged but targets changed
                counts.unchanged -= 1
                counts.updated += 1
    stored = session.get(FrameworkSource, 1)
    if stored is None:
        session.add(FrameworkSource(id=1, source=framework.source))
    elif stored.source != framework.source:
        stored.source = framework.source


def _apply_courses(session: Session, courses: list[CourseSpec], report: ImportReport) -> None:
    counts = report.counts["courses"]
    existing = {course.id: course for course in session.scalars(select(Course))}
    for spec in courses:
        course = existing.get(spec.id)
        if course is not None and course.source == spec.source and course.published:
            counts.unchanged += 1
            continue
        write_course(session, spec, counts)
    in_files = {spec.id for spec in courses}
    for course in existing.values():
        if course.id not in in_files and course.published:
            course.published = False
            counts.unpublished += 1
    session.flush()


def write_course(session: Session, spec: CourseSpec, counts: Counts) -> None:
    """Render and store one course (published)."""
    values = {
        "title": spec.title,
        "summary": spec.summary,
        "position": spec.order,
        "intro_html": markdown.render(spec.intro).html,
        "source": spec.source,
        "published": True,
    }
    _upsert(session, Course, spec.id, values, counts)


def _module_is_current(module: Module | None, spec: ModuleSpec) -> bool:
    return (
        module is not None
        and module.published
        and module.source == spec.source
        and module.course_id == spec.course_id
        and module.position == spec.position
        and module.file_name == spec.file_name
    )


def _apply_modules(
    session: Session,
    curriculum: Curriculum,
    report: ImportReport,
    progress: Callable[[str], None] | None,
) -> None:
    counts = report.counts["modules"]
    existing = {module.id: module for module in session.scalars(select(Module))}
    changed: list[ModuleSpec] = [
        spec for spec in curriculum.modules if not _module_is_current(existing.get(spec.id), spec)
    ]
    counts.unchanged += len(curriculum.modules) - len(changed)
    write_modules(session, changed, counts, progress)
    in_files = {spec.id for spec in curriculum.modules}
    retired = [m for m in existing.values() if m.id not in in_files and m.published]
    for module in retired:
        module.published = False
    counts.unpublished += len(retired)
    session.flush()
    update_search_index(session, [], [m.id for m in retired])


def write_modules(
    session: Session,
    specs: list[ModuleSpec],
    counts: Counts,
    progress: Callable[[str], None] | None = None,
) -> None:
    """Render and store these modules (published), with their skills, prerequisites
    and search entries. Used by the importer and by publishing in the browser."""
    changed = specs
    renders = markdown.render_many([spec.body for spec in changed], drop_leading_title=True)
    for number, (spec, rendered) in enumerate(zip(changed, renders, strict=True), start=1):
        if progress and (number % 50 == 0 or number == len(changed)):
            progress(f"rendered {number} of {len(changed)} changed modules")
        values = {
            "course_id": spec.course_id,
            "position": spec.position,
            "file_name": spec.file_name,
            "title": spec.title,
            "level_id": spec.level,
            "minutes": spec.minutes,
            "check_quiz_id": spec.check,
            "body_html": rendered.html,
            "toc_html": rendered.toc_html,
            "body_text": rendered.text,
            "word_count": rendered.word_count,
            "source": spec.source,
            "published": True,
        }
        _upsert(session, Module, spec.id, values, counts)
    session.flush()
    # Links are rewritten for changed modules only, after every module row exists.
    changed_ids = [spec.id for spec in changed]
    if changed_ids:
        session.execute(delete(module_skills).where(module_skills.c.module_id.in_(changed_ids)))
        session.execute(
            delete(module_prerequisites).where(module_prerequisites.c.module_id.in_(changed_ids))
        )
        skill_rows = [
            {"module_id": s.id, "skill_id": skill, "position": i}
            for s in changed
            for i, skill in enumerate(dict.fromkeys(s.skills))
        ]
        prerequisite_rows = [
            {"module_id": s.id, "prerequisite_id": p}
            for s in changed
            for p in dict.fromkeys(s.prerequisites)
        ]
        if skill_rows:
            session.execute(module_skills.insert(), skill_rows)
        if prerequisite_rows:
            session.execute(module_prerequisites.insert(), prerequisite_rows)
    update_search_index(session, changed, [])


def _apply_quizzes(session: Session, quizzes: list[QuizSpec], report: ImportReport) -> None:
    counts = report.counts["quizzes"]
    question_counts = report.counts["questions"]
    existing = {quiz.id: quiz for quiz in session.scalars(select(Quiz))}
    for spec in quizzes:
        quiz = existing.get(spec.id)
        if quiz is not None and quiz.source == spec.source and quiz.published:
            counts.unchanged += 1
            question_counts.unchanged += len(spec.questions)
            continue
        write_quiz(session, spec, counts, question_counts)
    in_files = {spec.id for spec in quizzes}
    for quiz in existing.values():
        if quiz.id not in in_files and quiz.published:
            quiz.published = False
            counts.unpublished += 1
    session.flush()


def write_quiz(session: Session, spec: QuizSpec, counts: Counts, question_counts: Counts) -> None:
    """Store one quiz (published) and its questions: new ones added, unchanged ones
    kept, ones no longer in the text retired (answers still point at them)."""
    _upsert(
        session,
        Quiz,
        spec.id,
        {
            "title": spec.title,
            "kind": spec.kind,
            "time_limit_minutes": spec.time_limit_minutes,
            "file_name": spec.file_name,
            "source": spec.source,
            "published": True,
        },
        counts,
    )
    session.flush()
    current = {
        q.fingerprint: q
        for q in session.scalars(
            select(Question).where(Question.quiz_id == spec.id, Question.active)
        )
    }
    for position, question_spec in enumerate(spec.questions):
        values = {
            "position": position,
            "explanation": question_spec.explanation,
            "line": question_spec.line,
        }
        question = current.pop(question_spec.fingerprint, None)
        if question is None:
            session.add(
                Question(
                    quiz_id=spec.id,
                    fingerprint=question_spec.fingerprint,
                    text=question_spec.text,
                    skill_id=question_spec.skill,
                    kind=question_spec.kind,
                    options=[
                        {
                            "text": o.text,
                            "correct": o.correct,
                            "weight": o.weight,
                            "feedback": o.feedback,
                        }
                        for o in question_spec.options
                    ],
                    **values,
                )
            )
            question_counts.created += 1
        elif any(getattr(question, k) != v for k, v in values.items()):
            for name, value in values.items():
                setattr(question, name, value)
            question_counts.updated += 1
        else:
            question_counts.unchanged += 1
    # Questions no longer in the file are retired: past answers still point at them.
    for question in current.values():
        question.active = False
        question_counts.unpublished += 1


def update_search_index(
    session: Session, changed: list[ModuleSpec], removed_ids: list[str]
) -> None:
    """Keep SQLite's FTS5 index in step (PostgreSQL searches the table directly)."""
    if session.get_bind().dialect.name != "sqlite":
        return
    stale = [spec.id for spec in changed] + removed_ids
    for module_id in stale:
        session.execute(text("DELETE FROM module_search WHERE module_id = :id"), {"id": module_id})
    if changed:
        rows = session.execute(
            select(Module.id, Module.title, Module.body_text).where(
                Module.id.in_([spec.id for spec in changed])
            )
        ).all()
        session.execute(
            text("INSERT INTO module_search (module_id, title, body) VALUES (:id, :title, :body)"),
            [{"id": r.id, "title": r.title, "body": r.body_text} for r in rows],
        )
