"""Translation files: the words of a course, module, quiz, bank or the framework
in another language, beside the English source.

A translation is named after its source with the language before the
extension (``02-smart-social-goals.nl.md``, ``course.nl.md``,
``quizzes/bank/strategy-planning.nl.md``, ``courses/framework.nl.yml``). It
carries only what a reader sees: a ``.md`` translation's front matter holds
``title`` (and a course's ``summary``); everything else (skills, level,
minutes, prerequisites, kind, keys) comes from the source. A quiz or bank
translation repeats the source's structure exactly (the same questions in the
same order, the same ``skill:``, ``id:`` and ``level:`` lines, the same number
of options with ``[x]`` on the same ones), so scoring cannot depend on the
language: the file is refused, as ``file:line: reason``, when it differs.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from flask_babel import gettext as _

from skillgap.config import LOCALES
from skillgap.content.bank import _parse_item
from skillgap.content.errors import ErrorList
from skillgap.content.front_matter import parsed_front_matter
from skillgap.content.markdown import render
from skillgap.content.quizzes import QuestionSpec, QuizSpec, _parse_question, question_blocks
from skillgap.content.review_dates import ReviewDates
from skillgap.content.source import YamlProblem, load_yaml, markdown_problem
from skillgap.content.specs import FrameworkSpec

SOURCE_LOCALE = "en"
# "<stem>.<language>.<md|yml>": ids never contain a dot, so this is never a source file.
TRANSLATION_NAME = re.compile(r"^(?P<stem>[^.]+)\.(?P<locale>[a-z]{2})\.(?P<ext>md|yml)$")
MD_KEYS = {"title"}
COURSE_KEYS = {"title", "summary"}
MAX_TITLE = 200
MAX_SUMMARY = 300
# The framework's text fields, by section: what a framework translation may set.
FRAMEWORK_FIELDS = {
    "levels": ("name",),
    "self_ratings": ("label",),
    "skills": ("name", "description"),
    "roles": ("name",),
}


def is_translation(path: Path) -> bool:
    return TRANSLATION_NAME.match(path.name) is not None


def split_name(path: Path) -> tuple[str, str] | None:
    """(source file name, language) of a translation file, else None."""
    match = TRANSLATION_NAME.match(path.name)
    if match is None:
        return None
    return f"{match['stem']}.{match['ext']}", match["locale"]


def locale_problem(locale: str) -> str | None:
    if locale == SOURCE_LOCALE:
        return _("English is the source language: edit the file without '.en'")
    if locale not in LOCALES:
        return _(
            "unknown language %(locale)s (Skillgap speaks %(locales)s)",
            locale=repr(locale),
            locales=", ".join(LOCALES),
        )
    return None


@dataclass(frozen=True)
class TranslationSpec:
    kind: str  # a ContentKind value
    item_id: str  # the source item's id
    locale: str
    path: str  # the file, as errors show it
    source: str  # the file's text
    title: str = ""
    summary: str = ""
    body_html: str = ""
    toc_html: str = ""
    data: dict[str, Any] = field(default_factory=dict)

    @property
    def revision_id(self) -> str:
        """The id its revisions are kept under (models/authoring.Revision)."""
        return f"{self.item_id}.{self.locale}"


def _front(text: str, shown: str, allowed: set[str], errors: ErrorList):
    """The front matter and body of a .md translation, or None with errors added."""
    parsed = parsed_front_matter(text, shown, errors)
    if parsed is None:
        return None
    meta = parsed.meta
    for key in sorted(set(meta.data) - allowed, key=str):
        errors.add(
            shown,
            meta.line_of(key),
            _(
                "a translation's front matter holds only %(values)s; %(key)s comes from "
                "the English source",
                values=", ".join(sorted(allowed)),
                key=repr(key),
            ),
        )
    title = meta.data.get("title")
    if not isinstance(title, str) or not title.strip():
        errors.add(shown, meta.line_of("title") if "title" in meta.data else 1, _("missing title"))
    elif len(title) > MAX_TITLE:
        errors.add(
            shown,
            meta.line_of("title"),
            _("title is longer than %(most)s characters", most=MAX_TITLE),
        )
    summary = meta.data.get("summary", "")
    if not isinstance(summary, str) or len(summary) > MAX_SUMMARY:
        errors.add(
            shown,
            meta.line_of("summary"),
            _("summary must be at most %(most)s characters", most=MAX_SUMMARY),
        )
    return parsed


def parse_page(
    text: str, shown: str, kind: str, item_id: str, locale: str, errors: ErrorList
) -> TranslationSpec | None:
    """A course or module translation: front matter, then the Markdown body."""
    count_before = len(errors)
    parsed = _front(text, shown, COURSE_KEYS if kind == "course" else MD_KEYS, errors)
    if parsed is None:
        return None
    if problem := markdown_problem(parsed.body):
        errors.add(shown, parsed.body_first_line, problem)
    if len(errors) > count_before:
        return None
    rendered = render(parsed.body, drop_leading_title=kind == "module", locale=locale)
    return TranslationSpec(
        kind,
        item_id,
        locale,
        shown,
        text,
        title=str(parsed.meta.data["title"]).strip(),
        summary=str(parsed.meta.data.get("summary", "")).strip(),
        body_html=rendered.html,
        toc_html=rendered.toc_html,
    )


def parse_quiz(
    text: str, shown: str, source: QuizSpec, locale: str, is_bank: bool, errors: ErrorList
) -> TranslationSpec | None:
    """A quiz or bank translation, checked question by question against its source."""
    count_before = len(errors)
    parsed = _front(text, shown, MD_KEYS, errors)
    if parsed is None:
        return None
    blocks = question_blocks(parsed.body, parsed.body_first_line, shown, errors)
    if len(blocks) != len(source.questions):
        errors.add(
            shown,
            parsed.body_first_line,
            _(
                "the translation has %(count)s questions; the source %(path)s has "
                "%(source_count)s, in the same order",
                count=len(blocks),
                path=source.path,
                source_count=len(source.questions),
            ),
        )
        return None
    questions: dict[str, dict[str, Any]] = {}
    for (line, stem, lines), original in zip(blocks, source.questions, strict=True):
        translated = _question(line, stem, lines, shown, source, original, is_bank, errors)
        if translated is not None and _same_structure(line, shown, original, translated, errors):
            questions[original.fingerprint] = {
                "text": translated.text,
                "options": [option.text for option in translated.options],
                "explanation": translated.explanation,
            }
    if len(errors) > count_before:
        return None
    return TranslationSpec(
        "quiz",
        source.id,
        locale,
        shown,
        text,
        title=str(parsed.meta.data["title"]).strip(),
        data={"questions": questions},
    )


def _question(
    line: int,
    stem: str,
    lines: list[tuple[int, str]],
    shown: str,
    source: QuizSpec,
    original: QuestionSpec,
    is_bank: bool,
    errors: ErrorList,
) -> QuestionSpec | None:
    if not is_bank:
        return _parse_question(line, stem, lines, shown, source.kind, None, errors)
    item = _parse_item(line, stem, lines, shown, original.skill, None, ReviewDates(), errors)
    if item is None:
        return None
    if (item.id, item.level) != (original.item_id, original.level):
        errors.add(
            shown,
            line,
            _(
                "this is item %(id)s (%(level)s); the source has %(item_id)s "
                "(%(source_level)s) here: keep the source's order",
                id=repr(item.id),
                level=item.level,
                item_id=repr(original.item_id),
                source_level=original.level,
            ),
        )
        return None
    return item.question


def _same_structure(
    line: int, shown: str, original: QuestionSpec, translated: QuestionSpec, errors: ErrorList
) -> bool:
    """The translated question keeps the source's skill, kind and keyed options."""
    problem = None
    if translated.skill != original.skill:
        problem = _(
            "skill is %(skill)s; the source question's is %(source_skill)s",
            skill=repr(translated.skill),
            source_skill=repr(original.skill),
        )
    elif len(translated.options) != len(original.options):
        problem = _(
            "%(count)s options; the source question has %(source_count)s, in the same order",
            count=len(translated.options),
            source_count=len(original.options),
        )
    elif [o.correct for o in translated.options] != [o.correct for o in original.options]:
        problem = _("[x] must mark the same options as in the source question")
    elif translated.kind != original.kind:
        problem = _(
            "this is a %(kind)s question; the source's is %(source_kind)s",
            kind=translated.kind,
            source_kind=original.kind,
        )
    elif (translated.template is None) != (original.template is None):
        problem = _("a calculated question stays calculated in every language")
    if problem:
        errors.add(shown, line, problem)
    return problem is None


def parse_framework(
    text: str, shown: str, framework: FrameworkSpec, locale: str, errors: ErrorList
) -> TranslationSpec | None:
    """framework.<lang>.yml: section -> id -> {field: text}, for ids the framework has."""
    count_before = len(errors)
    try:
        doc = load_yaml(text)
    except YamlProblem as problem:
        errors.add(shown, problem.line, problem.reason)
        return None
    if not isinstance(doc.data, dict):
        errors.add(shown, 1, _("a framework translation maps levels, self_ratings, skills, roles"))
        return None
    known = {
        "levels": {level.id for level in framework.levels},
        "self_ratings": {rating.id for rating in framework.self_ratings},
        "skills": {skill.id for skill in framework.skills},
        "roles": {role.id for role in framework.roles},
    }
    data: dict[str, dict[str, dict[str, str]]] = {}
    for section, entries in doc.data.items():
        if section not in FRAMEWORK_FIELDS:
            errors.add(
                shown, doc.line_of(section), _("unknown key %(section)s", section=repr(section))
            )
            continue
        if not isinstance(entries, dict):
            errors.add(
                shown,
                doc.line_of(section),
                _("%(section)s maps ids to their texts", section=section),
            )
            continue
        data[section] = _framework_section(doc, section, entries, known[section], shown, errors)
    if len(errors) > count_before:
        return None
    return TranslationSpec("framework", "framework", locale, shown, text, data=data)


def _framework_section(
    doc, section, entries, known_ids, shown, errors
) -> dict[str, dict[str, str]]:
    fields = FRAMEWORK_FIELDS[section]
    found: dict[str, dict[str, str]] = {}
    for entry_id, texts in entries.items():
        line = doc.line_of(section, entry_id)
        if entry_id not in known_ids:
            errors.add(
                shown,
                line,
                _(
                    "the framework has no %(section)s entry %(entry_id)s",
                    section=section,
                    entry_id=repr(entry_id),
                ),
            )
            continue
        if not isinstance(texts, dict) or not texts:
            errors.add(
                shown,
                line,
                _(
                    "give %(entry_id)s its %(values)s",
                    entry_id=repr(entry_id),
                    values=" and ".join(fields),
                ),
            )
            continue
        for key, value in texts.items():
            if key not in fields:
                errors.add(
                    shown,
                    line,
                    _(
                        "%(section)s entries translate only %(values)s",
                        section=section,
                        values=", ".join(fields),
                    ),
                )
            elif not isinstance(value, str) or not value.strip():
                errors.add(
                    shown, line, _("%(entry_id)s: %(key)s must be text", entry_id=entry_id, key=key)
                )
        found[entry_id] = {k: str(v).strip() for k, v in texts.items() if k in fields}
    return found
