"""Writing the database's content back to files (the reverse of the importer).

Each item keeps the text it was imported (or, later, saved) with, so content
that has not changed since import is written back byte for byte (files are
read with universal newlines, so line endings come back as LF). Only published
items are written: unpublished ones are no longer part of the curriculum.
Translations are written beside their sources, under the same rule.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from sqlalchemy import select
from sqlalchemy.orm import Session

from skillgap.curriculum.translations import translated_path
from skillgap.models import (
    ContentKind,
    ContentTranslation,
    Course,
    FrameworkSource,
    MetricFile,
    Module,
    Quiz,
)


@dataclass
class ExportReport:
    written: int = 0
    unchanged: int = 0


def exported_files(session: Session) -> dict[str, str]:
    """Relative path -> text, for everything published."""
    files: dict[str, str] = {}
    framework = session.get(FrameworkSource, 1)
    if framework is not None:
        files["courses/framework.yml"] = framework.source
    for course_id, source in session.execute(
        select(Course.id, Course.source).where(Course.published)
    ):
        files[f"courses/{course_id}/course.md"] = source
    for course_id, file_name, source in session.execute(
        select(Module.course_id, Module.file_name, Module.source).where(Module.published)
    ):
        files[f"courses/{course_id}/{file_name}"] = source
    for file_name, source in session.execute(
        select(Quiz.file_name, Quiz.source).where(Quiz.published)
    ):
        files[f"quizzes/{file_name}"] = source
    for file_id, source in session.execute(
        select(MetricFile.id, MetricFile.source).where(MetricFile.published)
    ):
        files[f"courses/metrics/{file_id}.yml"] = source
    return files | translation_files(files, session)


def translation_files(sources: dict[str, str], session: Session) -> dict[str, str]:
    """Each translation beside its exported source (02-x.md -> 02-x.nl.md)."""
    by_item = {
        ContentKind.FRAMEWORK: {"framework": "courses/framework.yml"},
        ContentKind.COURSE: {p.split("/")[1]: p for p in sources if p.endswith("/course.md")},
        ContentKind.MODULE: {
            m: f"courses/{c}/{f}"
            for m, c, f in session.execute(select(Module.id, Module.course_id, Module.file_name))
        },
        ContentKind.QUIZ: {
            q: f"quizzes/{f}" for q, f in session.execute(select(Quiz.id, Quiz.file_name))
        },
    }
    files = {}
    for row in session.scalars(select(ContentTranslation)):
        path = by_item.get(row.kind, {}).get(row.item_id)
        if path in sources:
            files[translated_path(path, row.locale)] = row.source
    return files


def export_content(session: Session, root: Path) -> ExportReport:
    """Write every published item under ``root``; files already identical are left alone."""
    report = ExportReport()
    for relative, text in sorted(exported_files(session).items()):
        target = root / relative
        if target.exists() and target.read_text(encoding="utf-8") == text:
            report.unchanged += 1
            continue
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(text, encoding="utf-8")
        report.written += 1
    return report
