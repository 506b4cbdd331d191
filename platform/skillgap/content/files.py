"""Reading and validating the whole curriculum: courses/framework.yml and
courses/<course>/{course.md, NN-<module>.md}.

Everything is parsed and checked before anything is written; every problem is
collected as ``file:line: reason`` so an author sees them all at once.
"""

from __future__ import annotations

import re
from pathlib import Path

from skillgap.content.citations import shortcodes
from skillgap.content.errors import ContentInvalidError, ErrorList
from skillgap.content.framework import parse_framework
from skillgap.content.metrics import MetricFileSpec, entries_by_id, parse_metric_file
from skillgap.content.prerequisites import check_across_modules
from skillgap.content.review_dates import months_for, read_review_dates
from skillgap.content.source import (
    YamlDoc,
    YamlProblem,
    is_id,
    markdown_problem,
    split_front_matter,
)
from skillgap.content.specs import (
    CourseSpec,
    Curriculum,
    FrameworkSpec,
    ModuleSpec,
)
from skillgap.content.translations import is_translation

METRICS_FOLDER = "metrics"  # courses/metrics holds the metric dictionary, not a course
MODULE_FILE = re.compile(r"^(\d{2,3})-([a-z0-9]+(?:-[a-z0-9]+)*)\.md$")
COURSE_KEYS = {"title", "order", "skills", "summary"}
MODULE_KEYS = {
    "title", "skills", "level", "minutes", "prerequisites", "check", "reviewed", "review_after",
}  # fmt: skip
MAX_TITLE = 200
MAX_SUMMARY = 300
MAX_MINUTES = 600


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
                modules.extend(_read_modules(root, folder, course, framework, errors))
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
            errors.add(_relative(root, path), 1, "the metric dictionary has no translations yet")
            continue
        shown = _relative(root, path)
        if not is_id(path.stem):
            errors.add(
                shown, 1, "metric file names are lower-case-with-hyphens, e.g. tiktok-ads.yml"
            )
            continue
        text = _read_text(path, shown, errors)
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
                    f"unknown metric {metric_id!r} (the dictionary is in courses/metrics/)",
                )


def _relative(root: Path, path: Path) -> str:
    try:
        return path.relative_to(root).as_posix()
    except ValueError:
        return str(path)


def _read_text(path: Path, shown: str, errors: ErrorList) -> str | None:
    try:
        return path.read_text(encoding="utf-8")
    except FileNotFoundError:
        errors.add(shown, 1, "file not found")
    except UnicodeDecodeError as error:
        line = path.read_bytes()[: error.start].count(b"\n") + 1
        errors.add(shown, line, "not valid UTF-8 text")
    except OSError as error:
        errors.add(shown, 1, f"cannot read the file: {error.strerror}")
    return None


# --- framework.yml -----------------------------------------------------------


def _read_framework(root: Path, path: Path, errors: ErrorList) -> FrameworkSpec | None:
    shown = _relative(root, path)
    text = _read_text(path, shown, errors)
    return None if text is None else parse_framework(text, shown, errors)


# --- course.md and modules --------------------------------------------------


def _front_matter(root: Path, path: Path, errors: ErrorList):
    shown = _relative(root, path)
    text = _read_text(path, shown, errors)
    if text is None:
        return shown, None, None
    return _front_matter_text(text, shown, errors)


def _front_matter_text(text: str, shown: str, errors: ErrorList):
    try:
        parsed = split_front_matter(text)
    except YamlProblem as problem:
        errors.add(shown, problem.line, problem.reason)
        return shown, text, None
    if not isinstance(parsed.meta.data, dict):
        errors.add(shown, 2, "the front matter must be a mapping of keys to values")
        return shown, text, None
    return shown, text, parsed


def _title(shown: str, meta: YamlDoc, errors: ErrorList) -> str:
    title = meta.data.get("title")
    if not isinstance(title, str) or not title.strip():
        errors.add(shown, meta.line_of("title") if "title" in meta.data else 1, "missing title")
        return ""
    if len(title) > MAX_TITLE:
        errors.add(shown, meta.line_of("title"), f"title is longer than {MAX_TITLE} characters")
    return title.strip()


def _id_list(shown: str, meta: YamlDoc, key: str, errors: ErrorList) -> list[str]:
    value = meta.data.get(key)
    if value is None:
        return []
    if not isinstance(value, list) or not all(isinstance(item, str) for item in value):
        errors.add(shown, meta.line_of(key), f"{key} must be a list of ids, like [a-id, b-id]")
        return []
    return list(value)


def _unknown_keys(shown: str, meta: YamlDoc, allowed: set[str], errors: ErrorList) -> None:
    for key in meta.data:
        if key not in allowed:
            errors.add(
                shown,
                meta.line_of(key),
                f"unknown key {key!r} (allowed: {', '.join(sorted(allowed))})",
            )


def _read_course(
    root: Path, folder: Path, framework: FrameworkSpec | None, errors: ErrorList
) -> CourseSpec | None:
    path = folder / "course.md"
    shown = _relative(root, path)
    if not is_id(folder.name):
        errors.add(
            shown, 1, f"course folder names are lower-case-with-hyphens, got {folder.name!r}"
        )
    if not path.exists():
        errors.add(shown, 1, "every course folder needs a course.md")
        return None
    shown, text, parsed = _front_matter(root, path, errors)
    if parsed is None or text is None:
        return None
    return _course_spec(text, parsed, shown, folder.name, framework, errors)


def parse_course(
    text: str, shown: str, course_id: str, framework: FrameworkSpec | None, errors: ErrorList
) -> CourseSpec | None:
    """One course.md's text (for the browser editor)."""
    _shown, _text, parsed = _front_matter_text(text, shown, errors)
    return (
        None if parsed is None else _course_spec(text, parsed, shown, course_id, framework, errors)
    )


def _course_spec(text, parsed, shown, course_id, framework, errors):
    meta = parsed.meta
    _unknown_keys(shown, meta, COURSE_KEYS, errors)
    title = _title(shown, meta, errors)
    order = meta.data.get("order")
    if isinstance(order, bool) or not isinstance(order, int):
        errors.add(
            shown,
            meta.line_of("order") if "order" in meta.data else 1,
            "order must be a whole number (the course's place in the catalogue)",
        )
        order = 0
    summary = meta.data.get("summary") or ""
    if not isinstance(summary, str) or len(summary) > MAX_SUMMARY:
        errors.add(
            shown,
            meta.line_of("summary"),
            f"summary must be text of at most {MAX_SUMMARY} characters",
        )
        summary = ""
    skills = _id_list(shown, meta, "skills", errors)
    _check_skills(shown, meta, skills, framework, errors)
    if problem := markdown_problem(parsed.body):
        errors.add(shown, parsed.body_first_line, problem)
    return CourseSpec(course_id, shown, text, title, order, summary.strip(), skills, parsed.body)


def _check_skills(
    shown: str, meta: YamlDoc, skills: list[str], framework: FrameworkSpec | None, errors: ErrorList
) -> None:
    if framework is None:
        return
    known = {skill.id for skill in framework.skills}
    for skill in skills:
        if skill not in known:
            errors.add(shown, meta.line_of("skills"), f"unknown skill {skill!r}")


def _read_modules(
    root: Path,
    folder: Path,
    course: CourseSpec,
    framework: FrameworkSpec | None,
    errors: ErrorList,
) -> list[ModuleSpec]:
    modules = []
    positions: dict[int, str] = {}
    for path in sorted(folder.glob("*.md")):
        if path.name == "course.md" or is_translation(path):  # content/translations.py
            continue
        shown = _relative(root, path)
        match = MODULE_FILE.match(path.name)
        if match is not None and not is_id(match.group(2)):
            errors.add(shown, 1, "the module id in the file name is longer than 80 characters")
            continue
        if match is None:
            errors.add(
                shown, 1, "module file names look like NN-module-id.md (e.g. 02-kpi-tree.md)"
            )
            continue
        position = int(match.group(1))
        if position in positions:
            errors.add(
                shown,
                1,
                f"two modules share the order prefix {match.group(1)}: also {positions[position]}",
            )
        positions[position] = path.name
        module = _read_module(root, path, course, position, match.group(2), framework, errors)
        if module is not None:
            modules.append(module)
    return modules


def _read_module(
    root: Path,
    path: Path,
    course: CourseSpec,
    position: int,
    module_id: str,
    framework: FrameworkSpec | None,
    errors: ErrorList,
) -> ModuleSpec | None:
    shown, text, parsed = _front_matter(root, path, errors)
    if parsed is None or text is None:
        return None
    return _module_spec(
        text, parsed, shown, path.name, course.id, position, module_id, framework, errors
    )


def parse_module(
    text: str,
    shown: str,
    file_name: str,
    course_id: str,
    position: int,
    module_id: str,
    framework: FrameworkSpec | None,
    errors: ErrorList,
) -> ModuleSpec | None:
    """One module's text (for the browser editor); checks across modules are the caller's."""
    _shown, _text, parsed = _front_matter_text(text, shown, errors)
    if parsed is None:
        return None
    return _module_spec(
        text, parsed, shown, file_name, course_id, position, module_id, framework, errors
    )


def _module_spec(text, parsed, shown, file_name, course_id, position, module_id, framework, errors):
    meta = parsed.meta
    _unknown_keys(shown, meta, MODULE_KEYS, errors)
    title = _title(shown, meta, errors)
    skills = _id_list(shown, meta, "skills", errors)
    if not skills:
        errors.add(shown, _line(meta, "skills"), "skills must list at least one skill id")
    _check_skills(shown, meta, skills, framework, errors)
    level = _module_level(shown, meta, framework, errors)
    check = meta.data.get("check")
    if check is not None and not isinstance(check, str):
        errors.add(shown, meta.line_of("check"), "check must be a quiz id")
        check = None
    if not parsed.body.strip():
        errors.add(shown, parsed.body_first_line, "the module has no text after the front matter")
    if problem := markdown_problem(parsed.body):
        errors.add(shown, parsed.body_first_line, problem)
    review = read_review_dates(shown, meta, months_for(skills), errors)
    return ModuleSpec(
        id=module_id,
        course_id=course_id,
        position=position,
        path=shown,
        file_name=file_name,
        source=text,
        title=title,
        skills=skills,
        level=level,
        minutes=_module_minutes(shown, meta, errors),
        prerequisites=_id_list(shown, meta, "prerequisites", errors),
        check=check,
        body=parsed.body,
        lines={key: meta.line_of(key) for key in meta.data},
        body_line=parsed.body_first_line,
        reviewed=review.reviewed,
        review_after=review.review_after,
    )


def _line(meta: YamlDoc, key: str) -> int:
    """The line of ``key`` in the front matter, or the file's first line if it is missing."""
    return meta.line_of(key) if key in meta.data else 1


def _module_level(shown: str, meta: YamlDoc, framework, errors: ErrorList) -> str:
    """The level a module teaches up to: any level but the lowest."""
    level = meta.data.get("level")
    if framework is not None:
        teachable = [lvl.id for lvl in framework.levels[1:]]
        if level not in teachable:
            errors.add(
                shown,
                _line(meta, "level"),
                f"unknown level {level!r}: use one of {', '.join(teachable)}",
            )
    return str(level)


def _module_minutes(shown: str, meta: YamlDoc, errors: ErrorList) -> int:
    minutes = meta.data.get("minutes")
    if isinstance(minutes, bool) or not isinstance(minutes, int) or not 1 <= minutes <= MAX_MINUTES:
        errors.add(
            shown, _line(meta, "minutes"), f"minutes must be a whole number from 1 to {MAX_MINUTES}"
        )
        return 0
    return minutes
