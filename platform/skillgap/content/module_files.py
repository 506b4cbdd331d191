"""Reading and validating the modules of a course folder: NN-<module>.md."""

from __future__ import annotations

import re
from pathlib import Path

from flask_babel import gettext as _

from skillgap.content.errors import ErrorList
from skillgap.content.front_matter import (
    check_skills,
    front_matter,
    front_matter_text,
    id_list,
    relative,
    title_of,
    unknown_keys,
)
from skillgap.content.review_dates import months_for, read_review_dates
from skillgap.content.source import YamlDoc, is_id, markdown_problem
from skillgap.content.specs import CourseSpec, FrameworkSpec, ModuleSpec
from skillgap.content.translations import is_translation

MODULE_FILE = re.compile(r"^(\d{2,3})-([a-z0-9]+(?:-[a-z0-9]+)*)\.md$")
MODULE_KEYS = {
    "title", "skills", "level", "minutes", "prerequisites", "check", "reviewed", "review_after",
}  # fmt: skip
MAX_MINUTES = 600


def read_modules(
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
        shown = relative(root, path)
        match = MODULE_FILE.match(path.name)
        if match is not None and not is_id(match.group(2)):
            errors.add(shown, 1, _("the module id in the file name is longer than 80 characters"))
            continue
        if match is None:
            errors.add(
                shown, 1, _("module file names look like NN-module-id.md (e.g. 02-kpi-tree.md)")
            )
            continue
        position = int(match.group(1))
        if position in positions:
            errors.add(
                shown,
                1,
                _(
                    "two modules share the order prefix %(prefix)s: also %(other)s",
                    prefix=match.group(1),
                    other=positions[position],
                ),
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
    shown, text, parsed = front_matter(root, path, errors)
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
    _shown, _text, parsed = front_matter_text(text, shown, errors)
    if parsed is None:
        return None
    return _module_spec(
        text, parsed, shown, file_name, course_id, position, module_id, framework, errors
    )


def _module_spec(text, parsed, shown, file_name, course_id, position, module_id, framework, errors):
    meta = parsed.meta
    unknown_keys(shown, meta, MODULE_KEYS, errors)
    title = title_of(shown, meta, errors)
    skills = id_list(shown, meta, "skills", errors)
    if not skills:
        errors.add(shown, _line(meta, "skills"), _("skills must list at least one skill id"))
    check_skills(shown, meta, skills, framework, errors)
    level = _module_level(shown, meta, framework, errors)
    check = meta.data.get("check")
    if check is not None and not isinstance(check, str):
        errors.add(shown, meta.line_of("check"), _("check must be a quiz id"))
        check = None
    if not parsed.body.strip():
        errors.add(
            shown, parsed.body_first_line, _("the module has no text after the front matter")
        )
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
        prerequisites=id_list(shown, meta, "prerequisites", errors),
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
                _(
                    "unknown level %(level)s: use one of %(values)s",
                    level=repr(level),
                    values=", ".join(teachable),
                ),
            )
    return str(level)


def _module_minutes(shown: str, meta: YamlDoc, errors: ErrorList) -> int:
    minutes = meta.data.get("minutes")
    if isinstance(minutes, bool) or not isinstance(minutes, int) or not 1 <= minutes <= MAX_MINUTES:
        errors.add(
            shown,
            _line(meta, "minutes"),
            _("minutes must be a whole number from 1 to %(most)s", most=MAX_MINUTES),
        )
        return 0
    return minutes
