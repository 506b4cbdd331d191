"""Finding translation files beside their sources and parsing each against it
(content/translations.py has the formats)."""

from __future__ import annotations

from pathlib import Path

from flask_babel import gettext as _

from skillgap.content.bank import bank_quiz_id
from skillgap.content.errors import ErrorList
from skillgap.content.quizzes import QuizSpec
from skillgap.content.specs import Curriculum
from skillgap.content.translations import (
    TranslationSpec,
    locale_problem,
    parse_framework,
    parse_page,
    parse_quiz,
    split_name,
)


def collect_translations(
    root: Path, curriculum: Curriculum | None, quizzes: list[QuizSpec], errors: ErrorList
) -> list[TranslationSpec]:
    """Every translation file under courses/ and quizzes/, each checked against its
    source. ``quizzes`` are the quiz files and the banks as quizzes."""
    if curriculum is None:  # the framework is broken: nothing to check against
        return []
    sources: dict[str, tuple[str, str, object]] = {}  # source file -> (kind, id, spec)
    sources[curriculum.framework.path] = ("framework", "framework", curriculum.framework)
    for course in curriculum.courses:
        sources[course.path] = ("course", course.id, course)
    for module in curriculum.modules:
        sources[module.path] = ("module", module.id, module)
    for quiz in quizzes:
        sources[quiz.path] = ("quiz", quiz.id, quiz)
    found = []
    for path in _candidates(root):
        shown = path.relative_to(root).as_posix()
        spec = _parse_one(root, path, shown, sources, errors)
        if spec is not None:
            found.append(spec)
    return found


def _candidates(root: Path) -> list[Path]:
    folders = [root / "courses", root / "quizzes", root / "quizzes" / "bank"]
    courses = root / "courses"
    if courses.is_dir():
        folders += sorted(p for p in courses.iterdir() if p.is_dir())
    paths: list[Path] = []
    for folder in folders:
        if folder.is_dir():
            paths += [p for p in folder.iterdir() if p.is_file() and p.name.count(".") > 1]
    return sorted(set(paths))


def _parse_one(
    root: Path, path: Path, shown: str, sources: dict, errors: ErrorList
) -> TranslationSpec | None:
    names = split_name(path)
    if names is None:
        errors.add(
            shown, 1, _("a translation is named <source name>.<language>.md, e.g. course.nl.md")
        )
        return None
    source_name, locale = names
    if problem := locale_problem(locale):
        errors.add(shown, 1, problem)
        return None
    source_shown = (path.parent / source_name).relative_to(root).as_posix()
    if source_shown not in sources:
        errors.add(
            shown,
            1,
            _("there is no %(source_shown)s for this to translate", source_shown=source_shown),
        )
        return None
    try:
        text = path.read_text(encoding="utf-8")
    except UnicodeDecodeError:
        errors.add(shown, 1, _("not valid UTF-8 text"))
        return None
    kind, item_id, source = sources[source_shown]
    if kind == "framework":
        return parse_framework(text, shown, source, locale, errors)
    if kind == "quiz":
        is_bank = item_id == bank_quiz_id(Path(source_name).stem) and "bank" in path.parts
        return parse_quiz(text, shown, source, locale, is_bank, errors)
    return parse_page(text, shown, kind, item_id, locale, errors)
