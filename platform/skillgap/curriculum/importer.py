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

from flask_babel import gettext as _
from sqlalchemy import select
from sqlalchemy.orm import Session

from skillgap import clock
from skillgap.content.bank import BANK_QUIZ_PREFIX, BankSpec, as_quiz, collect_banks
from skillgap.content.calculated import resolve_formulas
from skillgap.content.errors import ContentInvalidError, ErrorList
from skillgap.content.files import collect_curriculum
from skillgap.content.metrics import FormulaSpec, MetricFileSpec
from skillgap.content.quizzes import QuizSpec, collect_quizzes, quiz_files
from skillgap.content.specs import Curriculum
from skillgap.content.translation_files import collect_translations
from skillgap.content.translations import TranslationSpec
from skillgap.curriculum import revisions
from skillgap.curriculum.dictionary import apply_metric_files
from skillgap.curriculum.translations import write_translations
from skillgap.curriculum.writers import (
    ImportReport,
    apply_courses,
    apply_modules,
    apply_quizzes,
    write_framework,
)
from skillgap.models import (
    ContentKind,
    Module,
    Revision,
    RevisionOrigin,
    User,
)


def known_quiz_ids(root: Path) -> set[str]:
    """Quiz ids a module's ``check`` may name: the quiz files in quizzes/."""
    return {path.stem for path in quiz_files(root)}


@dataclass(frozen=True)
class Content:
    curriculum: Curriculum
    quizzes: list[QuizSpec]  # quiz files, and the banks stored as quizzes of kind "bank"
    banks: list[BankSpec] = field(default_factory=list)
    translations: list[TranslationSpec] = field(default_factory=list)


def read_content(root: Path) -> Content:
    """Parse and validate courses and quizzes together; raise ContentInvalidError
    listing every problem in every file."""
    errors = ErrorList()
    curriculum = collect_curriculum(root, known_quiz_ids(root), errors)
    framework = curriculum.framework if curriculum else None
    skill_ids = {s.id for s in framework.skills} if framework else None
    level_ids = {level.id for level in framework.levels[1:]} if framework else None
    quizzes = collect_quizzes(root, skill_ids, errors)
    banks = collect_banks(root, skill_ids, level_ids, errors)
    check_blueprints(quizzes, banks, level_ids, errors)
    formulas = dictionary_formulas(curriculum.metrics if curriculum else [])
    stored = resolve_formulas(quizzes + [as_quiz(bank) for bank in banks], formulas, errors)
    translated = collect_translations(root, curriculum, stored, errors)
    if errors or curriculum is None:
        raise ContentInvalidError(errors.sorted())
    return Content(curriculum, stored, banks, translated)


def dictionary_formulas(files: list[MetricFileSpec]) -> dict[str, FormulaSpec]:
    return {f.id: f for file in files for f in file.formulas}


def check_blueprints(
    quizzes: list[QuizSpec], banks: list[BankSpec], level_ids: set[str] | None, errors: ErrorList
) -> None:
    """Every blueprint names real levels, and every bank can fill it; quiz files
    do not take the ids banks are stored under."""
    for quiz in quizzes:
        if quiz.id.startswith(BANK_QUIZ_PREFIX):
            errors.add(
                quiz.path,
                1,
                _(
                    "quiz ids starting %(prefix)s are kept for item banks",
                    prefix=repr(BANK_QUIZ_PREFIX),
                ),
            )
        if quiz.blueprint is None or level_ids is None:
            continue
        for skill, counts in quiz.blueprint.items():
            for level in counts:
                if level not in level_ids:
                    errors.add(
                        quiz.path,
                        2,
                        _(
                            "blueprint %(skill)s: unknown level %(level)s",
                            skill=skill,
                            level=repr(level),
                        ),
                    )
        for bank in banks:
            wanted = quiz.blueprint.get(bank.skill, quiz.blueprint.get("default", {}))
            have = bank.level_counts()
            for level, count in wanted.items():
                if have.get(level, 0) < count:
                    errors.add(
                        bank.path,
                        1,
                        _(
                            "%(path)s draws %(count)s %(level)s items per form but this bank has "
                            "%(have)s",
                            path=quiz.path,
                            count=count,
                            level=level,
                            have=have.get(level, 0),
                        ),
                    )


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
    items += [
        (ContentKind.METRICS.value, f.id, f.path, f.source) for f in content.curriculum.metrics
    ]
    items += [(t.kind, t.revision_id, t.path, t.source) for t in content.translations]
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
                _(
                    "%(path)s: %(kind)s %(id)s was edited in the browser (revision "
                    "%(number)s) since it was last imported",
                    path=path,
                    kind=kind,
                    id=repr(item_id),
                    number=edits[-1].number,
                )
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
    report.banks = {bank.skill: bank.level_counts() for bank in content.banks}
    write_framework(session, content.curriculum.framework, report)
    apply_metric_files(session, content.curriculum.metrics, report)
    apply_courses(session, content.curriculum.courses, report)
    apply_modules(session, content.curriculum, report, progress)
    apply_quizzes(session, content.quizzes, report)
    session.flush()
    report.skills = _skill_counts(session, content)
    _record_import_revisions(session, content, history)
    write_translations(session, content.translations, report)
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


def _skill_counts(session: Session, content: Content):
    """Per skill of the framework, what teaches and checks it: modules by level
    (a module counts for its first skill), the shortest module and the shortest
    advanced one in words, and how many of its modules have a check."""
    words = dict(session.execute(select(Module.id, Module.word_count)).all())
    counts = {}
    levels = [level.id for level in content.curriculum.framework.levels[1:]]
    for skill in content.curriculum.framework.skills:
        modules = [m for m in content.curriculum.modules if m.skills and m.skills[0] == skill.id]
        if not modules:
            continue
        per_level = {level: sum(1 for m in modules if m.level == level) for level in levels}
        deep = [words.get(m.id, 0) for m in modules if m.level == levels[-1]]
        counts[skill.id] = (
            per_level,
            min(words.get(m.id, 0) for m in modules),
            min(deep) if deep else None,
            sum(1 for m in modules if m.check),
        )
    return counts


def _record_import_revisions(
    session: Session, content: Content, history: dict[tuple[str, str], list[Revision]]
) -> None:
    """Each item whose text is new or changed gets a published "import" revision."""
    now = clock.now()
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
