"""Writing validated specs to the database: the framework, courses, modules
(rendered Markdown and the search index) and quizzes with their questions.

Used by the importer (every file at once) and by authoring (one item
published from the browser), so both store content the same way. Each writer
counts what it created, updated, left unchanged or unpublished.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

from sqlalchemy import delete, select, text
from sqlalchemy.orm import Session

from skillgap.content import markdown
from skillgap.content.quizzes import QuizSpec
from skillgap.content.specs import CourseSpec, Curriculum, FrameworkSpec, ModuleSpec
from skillgap.models import (
    Course,
    FrameworkSource,
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
from skillgap.rules import calculated

KINDS = (
    "levels", "self_ratings", "skills", "roles", "courses", "modules", "quizzes", "questions",
    "metric_files", "translations",
)  # fmt: skip


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
    banks: dict[str, dict[str, int]] = field(default_factory=dict)  # skill -> level -> items
    # skill -> (modules per level, shortest module's words, shortest advanced one's, checks)
    skills: dict[str, tuple[dict[str, int], int, int | None, int]] = field(default_factory=dict)

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
        for skill, levels in sorted(self.banks.items()):
            per_level = ", ".join(f"{count} {level}" for level, count in levels.items())
            rows.append(f"bank {skill}: {sum(levels.values())} items ({per_level})")
        for skill, (modules, shortest, advanced, checks) in self.skills.items():
            per_level = ", ".join(f"{count} {level}" for level, count in modules.items())
            deep = f", shortest advanced {advanced:,} words" if advanced is not None else ""
            rows.append(
                f"skill {skill}: {sum(modules.values())} modules ({per_level}; shortest "
                f"{shortest:,} words{deep}), {checks} checks, "
                f"{sum(self.banks.get(skill, {}).values())} bank items"
            )
        return rows


def _upsert(session: Session, model, key: str, values: dict, counts: Counts):
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


def apply_courses(session: Session, courses: list[CourseSpec], report: ImportReport) -> None:
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


def apply_modules(
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
            "reviewed": spec.reviewed,
            "review_after": spec.review_after,
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


def apply_quizzes(session: Session, quizzes: list[QuizSpec], report: ImportReport) -> None:
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
            "blueprint": spec.blueprint,
            "mode": spec.mode,
            "stopping": spec.stopping,
            "reviewed": spec.review.reviewed,
            "review_after": spec.review.review_after,
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
        question = current.pop(question_spec.fingerprint, None)
        _write_question(session, spec.id, position, question_spec, question, question_counts)
    # Questions no longer in the file are retired: past answers still point at them.
    for question in current.values():
        question.active = False
        question_counts.unpublished += 1


def _write_question(
    session: Session, quiz_id: str, position: int, spec, question: Question | None, counts: Counts
) -> None:
    """Add a question new to the quiz, or move an unchanged one to its new place."""
    values = {
        "position": position,
        "explanation": spec.explanation,
        "line": spec.line,
        "item_id": spec.item_id,
        "level_id": spec.level,
        "name": spec.name,
        "reviewed": spec.review.reviewed,
        "review_after": spec.review.review_after,
    }
    if question is None:
        options = [
            {"text": o.text, "correct": o.correct, "weight": o.weight, "feedback": o.feedback}
            for o in spec.options
        ]
        session.add(
            Question(
                quiz_id=quiz_id,
                fingerprint=spec.fingerprint,
                text=spec.text,
                skill_id=spec.skill,
                kind=spec.kind,
                options=options,
                template=None if spec.template is None else calculated.to_json(spec.template),
                **values,
            )
        )
        counts.created += 1
    elif any(getattr(question, k) != v for k, v in values.items()):
        for name, value in values.items():
            setattr(question, name, value)
        counts.updated += 1
    else:
        counts.unchanged += 1


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
