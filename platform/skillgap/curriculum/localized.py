"""The curriculum snapshot in a reader's language.

The snapshot (curriculum/snapshot.py) carries every translation's words; for a
language other than English, ``localize`` builds a second snapshot with those
words in place of the English ones: skill, level, self-rating and role names,
course and module titles and bodies, quiz titles, and (by question
fingerprint) question texts. Everything else is shared: ids, levels' cut
scores, keys, prerequisites, so paths and scores are the same in every
language. An item without a translation keeps its English words, and its
``lang`` says so, which pages show ("in English") and mark with ``lang="en"``.
Built once per language and snapshot, and replaced with it.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from typing import TYPE_CHECKING, Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from skillgap.models import ContentTranslation

if TYPE_CHECKING:
    from skillgap.curriculum.snapshot import Snapshot


@dataclass(frozen=True)
class Words:
    """One translation's words, as the snapshot keeps them."""

    title: str
    summary: str
    body_html: str
    toc_html: str
    data: dict[str, Any]


Translations = dict[str, dict[tuple[str, str], Words]]  # locale -> (kind, id) -> words


def load_translations(session: Session) -> Translations:
    found: Translations = {}
    for row in session.scalars(select(ContentTranslation)):
        words = Words(row.title, row.summary, row.body_html, row.toc_html, row.data or {})
        found.setdefault(row.locale, {})[(str(row.kind), row.item_id)] = words
    return found


def localize(snapshot: Snapshot, locale: str) -> Snapshot:
    """``snapshot`` with the words of ``locale`` where they exist."""
    words = snapshot.translations.get(locale, {})
    framework = words.get(("framework", "framework"))
    fw = framework.data if framework else {}

    def text(section: str, entry_id: str, key: str, default: str) -> str:
        return fw.get(section, {}).get(entry_id, {}).get(key) or default

    levels = tuple(replace(v, name=text("levels", v.id, "name", v.name)) for v in snapshot.levels)
    level_by_id = {v.id: v for v in levels}
    skills = tuple(
        replace(
            s,
            name=text("skills", s.id, "name", s.name),
            description=text("skills", s.id, "description", s.description),
        )
        for s in snapshot.skills
    )
    skill_by_id = {s.id: s for s in skills}
    courses = {key: _course(course, words, locale) for key, course in snapshot.courses.items()}
    modules = {
        key: _module(module, words, locale, courses, level_by_id, skill_by_id)
        for key, module in snapshot.modules.items()
    }
    by_course: dict[str, list] = {}
    for module in modules.values():
        by_course.setdefault(module.course.id, []).append(module)
    return replace(
        snapshot,
        locale=locale,
        levels=levels,
        skills=skills,
        courses=courses,
        modules=modules,
        role_profiles=tuple(
            (role_id, text("roles", role_id, "name", name))
            for role_id, name in snapshot.role_profiles
        ),
        self_ratings=tuple(
            replace(r, label=text("self_ratings", r.id, "label", r.label))
            for r in snapshot.self_ratings
        ),
        quizzes={key: _quiz(quiz, words, locale) for key, quiz in snapshot.quizzes.items()},
        question_words={
            fingerprint: texts
            for (kind, _id), found in words.items()
            if kind == "quiz"
            for fingerprint, texts in found.data.get("questions", {}).items()
        },
        _by_course={course_id: tuple(found) for course_id, found in by_course.items()},
    )


def _course(course, words: dict, locale: str):
    found = words.get(("course", course.id))
    if found is None:
        return course
    return replace(
        course,
        title=found.title or course.title,
        summary=found.summary or course.summary,
        intro_html=found.body_html,
        lang=locale,
    )


def _module(module, words: dict, locale: str, courses, level_by_id, skill_by_id):
    found = words.get(("module", module.id))
    own = (
        {"title": found.title, "body_html": found.body_html, "toc_html": found.toc_html}
        if found is not None
        else {}
    )
    return replace(
        module,
        course=courses[module.course.id],
        level=level_by_id[module.level.id],
        skills=tuple(skill_by_id[s.id] for s in module.skills),
        lang=locale if found is not None else module.lang,
        **own,
    )


def _quiz(quiz, words: dict, locale: str):
    found = words.get(("quiz", quiz.id))
    return quiz if found is None else replace(quiz, title=found.title or quiz.title, lang=locale)
