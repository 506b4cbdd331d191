"""Reading and validating the whole curriculum: courses/framework.yml and
courses/<course>/{course.md, NN-<module>.md}.

Everything is parsed and checked before anything is written; every problem is
collected as ``file:line: reason`` so an author sees them all at once. The
modules are read in module_files.py; what course and module files share is in
front_matter.py.
"""

from __future__ import annotations

from pathlib import Path

from flask_babel import gettext as _

from skillgap.content.citations import shortcodes
from skillgap.content.errors import ContentInvalidError, ErrorList
from skillgap.content.framework import parse_framework
from skillgap.content.front_matter import (
    check_skills,
    front_matter,
    front_matter_text,
    id_list,
    read_text,
    relative,
    title_of,
    unknown_keys,
)
from skillgap.content.metrics import MetricFileSpec, entries_by_id, parse_metric_file
from skillgap.content.module_files import read_modules
from skillgap.content.prerequisites import check_across_modules
from skillgap.content.source import is_id, markdown_problem
from skillgap.content.specs import CourseSpec, Curriculum, FrameworkSpec, ModuleSpec
from skillgap.content.translations import is_translation

METRICS_FOLDER = "metrics"  # courses/metrics holds the metric dictionary, not a course
COURSE_KEYS = {"title", "order", "skills", "summary"}
MAX_SUMMARY = 300


def read_curriculum(root: Path, quiz_ids: set[str]) -> Curriculum:
    """Parse and validate everything under ``root/courses``; raise
    ContentInvalidError with every problem found."""
    errors = ErrorList()
    curriculum = collect_curriculum(root, quiz_ids, errors)
    if errors or curriculum is None:
        raise ContentInvalidError(errors.sorted())
    return curriculum


def collect_curriculum(root: Path, quiz_ids: set[str], errors: ErrorList) -> Curriculum | None:
    """Parse everything under ``root/courses``, adding problems to ``errors``;
    None when the framework itself cannot be read."""
    courses_dir = root / "courses"
    framework = _read_framework(root, courses_dir / "framework.yml", errors)
    courses: list[CourseSpec] = []
    modules: list[ModuleSpec] = []
    if courses_dir.is_dir():
        for folder in sorted(p for p in courses_dir.iterdir() if p.is_dir()):
            if folder.name == METRICS_FOLDER:
                continue
            course = _read_course(root, folder, framework, errors)
            if course is not None:
                courses.append(course)
                modules.extend(read_modules(root, folder, course, framework, errors))
    check_across_modules(modules, quiz_ids, errors)
    dictionary = _read_dictionary(root, courses_dir / METRICS_FOLDER, errors)
    check_citations(modules, set(entries_by_id(dictionary)), errors)
    if framework is None:
        return None
    return Curriculum(framework, courses, modules, dictionary)


# --- the metric dictionary (courses/metrics/*.yml) ---------------------------


def _read_dictionary(root: Path, folder: Path, errors: ErrorList) -> list[MetricFileSpec]:
    files = []
    for path in sorted(folder.glob("*.yml")) if folder.is_dir() else []:
        if is_translation(path):
            errors.add(relative(root, path), 1, _("the metric dictionary has no translations yet"))
            continue
        shown = relative(root, path)
        if not is_id(path.stem):
            errors.add(
                shown, 1, _("metric file names are lower-case-with-hyphens, e.g. tiktok-ads.yml")
            )
            continue
        text = read_text(path, shown, errors)
        spec = None if text is None else parse_metric_file(text, shown, path.stem, errors)
        if spec is not None:
            files.append(spec)
    return files


def check_citations(modules: list[ModuleSpec], known: set[str], errors: ErrorList) -> None:
    """Every [[metric:id]] in a module names a metric or formula of the dictionary."""
    for module in modules:
        for line, metric_id in shortcodes(module.body):
            if metric_id not in known:
                errors.add(
                    module.path,
                    module.body_line + line - 1,
                    _(
                        "unknown metric %(metric_id)s (the dictionary is in courses/metrics/)",
                        metric_id=repr(metric_id),
                    ),
                )


# --- framework.yml -----------------------------------------------------------


def _read_framework(root: Path, path: Path, errors: ErrorList) -> FrameworkSpec | None:
    shown = relative(root, path)
    text = read_text(path, shown, errors)
    return None if text is None else parse_framework(text, shown, errors)


# --- course.md ----------------------------------------------------------------


def _read_course(
    root: Path, folder: Path, framework: FrameworkSpec | None, errors: ErrorList
) -> CourseSpec | None:
    path = folder / "course.md"
    shown = relative(root, path)
    if not is_id(folder.name):
        errors.add(
            shown,
            1,
            _(
                "course folder names are lower-case-with-hyphens, got %(name)s",
                name=repr(folder.name),
            ),
        )
    if not path.exists():
        errors.add(shown, 1, _("every course folder needs a course.md"))
        return None
    shown, text, parsed = front_matter(root, path, errors)
    if parsed is None or text is None:
        return None
    return _course_spec(text, parsed, shown, folder.name, framework, errors)


def parse_course(
    text: str, shown: str, course_id: str, framework: FrameworkSpec | None, errors: ErrorList
) -> CourseSpec | None:
    """One course.md's text (for the browser editor)."""
    _shown, _text, parsed = front_matter_text(text, shown, errors)
    return (
        None if parsed is None else _course_spec(text, parsed, shown, course_id, framework, errors)
    )


def _course_spec(text, parsed, shown, course_id, framework, errors):
    meta = parsed.meta
    unknown_keys(shown, meta, COURSE_KEYS, errors)
    title = title_of(shown, meta, errors)
    order = meta.data.get("order")
    if isinstance(order, bool) or not isinstance(order, int):
        errors.add(
            shown,
            meta.line_of("order") if "order" in meta.data else 1,
            _("order must be a whole number (the course's place in the catalogue)"),
        )
        order = 0
    summary = meta.data.get("summary") or ""
    if not isinstance(summary, str) or len(summary) > MAX_SUMMARY:
        errors.add(
            shown,
            meta.line_of("summary"),
            _("summary must be text of at most %(most)s characters", most=MAX_SUMMARY),
        )
        summary = ""
    skills = id_list(shown, meta, "skills", errors)
    check_skills(shown, meta, skills, framework, errors)
    if problem := markdown_problem(parsed.body):
        errors.add(shown, parsed.body_first_line, problem)
    return CourseSpec(course_id, shown, text, title, order, summary.strip(), skills, parsed.body)
