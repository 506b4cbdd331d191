"""Translations in the database: written by the import and the translation
editor, listed by ``/admin/translations``.

A translation records the number of the source revision it was made from
(``source_revision``). Importing a translation file that is new or changed
records it as made from the source's current revision: whoever wrote it had
that source in front of them. An unchanged translation file keeps the number it
had, so when only the English changes, the translation shows as outdated, with
the diff of the English since that revision. Saving a translation in the
browser records it as made from the source revision shown beside it.
"""

from __future__ import annotations

from dataclasses import dataclass

from flask_babel import gettext as _
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from skillgap.content.errors import ContentError, ErrorList
from skillgap.content.translations import (
    TranslationSpec,
    locale_problem,
    parse_framework,
    parse_page,
    parse_quiz,
)
from skillgap.curriculum import authoring, revisions
from skillgap.curriculum.authoring import InvalidError, Item
from skillgap.curriculum.writers import ImportReport
from skillgap.models import (
    ContentKind,
    ContentTranslation,
    Course,
    Module,
    Quiz,
    Revision,
    RevisionOrigin,
    User,
)

FIELDS = ("title", "summary", "body_html", "toc_html", "data", "source")


def source_number(session: Session, kind: str, item_id: str) -> int:
    """The number of the source's newest published revision (0: none yet)."""
    live = revisions.live(session, kind, item_id)
    return live.number if live is not None else 0


def write_translations(
    session: Session, specs: list[TranslationSpec], report: ImportReport
) -> None:
    counts = report.counts["translations"]
    rows = {
        (row.kind, row.item_id, row.locale): row
        for row in session.scalars(select(ContentTranslation))
    }
    for spec in specs:
        row = rows.get((ContentKind(spec.kind), spec.item_id, spec.locale))
        if row is not None and row.source == spec.source:
            counts.unchanged += 1
            continue
        store(session, spec, source_number(session, spec.kind, spec.item_id), row)
        if row is None:
            counts.created += 1
        else:
            counts.updated += 1


def store(
    session: Session, spec: TranslationSpec, made_from: int, row: ContentTranslation | None = None
) -> ContentTranslation:
    """Write ``spec`` as the translation, made from source revision ``made_from``."""
    if row is None:
        row = session.scalar(
            select(ContentTranslation).where(
                ContentTranslation.kind == spec.kind,
                ContentTranslation.item_id == spec.item_id,
                ContentTranslation.locale == spec.locale,
            )
        )
    if row is None:
        row = ContentTranslation(
            kind=ContentKind(spec.kind), item_id=spec.item_id, locale=spec.locale
        )
        session.add(row)
    for name in FIELDS:
        setattr(row, name, getattr(spec, name))
    row.source_revision = made_from
    return row


@dataclass(frozen=True)
class Status:
    """One translatable item in one language, as /admin/translations lists it."""

    kind: str
    item_id: str
    title: str  # the source's
    path: str  # the translation's file
    locale: str
    translation: ContentTranslation | None
    source_now: int  # the source's live revision number

    @property
    def state(self) -> str:
        if self.translation is None:
            return "missing"
        if self.translation.source_revision < self.source_now:
            return "outdated"
        return "current"


def translated_path(path: str, locale: str) -> str:
    """courses/x/02-y.md -> courses/x/02-y.nl.md"""
    stem, dot, ext = path.rpartition(".")
    return f"{stem}.{locale}.{ext}" if dot else f"{path}.{locale}"


def source_diff_base(session: Session, row: ContentTranslation) -> Revision | None:
    """The source revision the translation was made from (for the diff since then)."""
    return session.scalar(
        select(Revision).where(
            Revision.kind == row.kind,
            Revision.item_id == row.item_id,
            Revision.number == row.source_revision,
        )
    )


# --- /admin/translations: what is missing or behind, and the editor ----------------


def items(session: Session) -> list[Item]:
    """Every published item that can be translated, in curriculum order."""
    found = [authoring.find_item(session, ContentKind.FRAMEWORK, "framework")]
    for course_id in session.scalars(
        select(Course.id).where(Course.published).order_by(Course.position, Course.id)
    ):
        found.append(authoring.find_item(session, ContentKind.COURSE, course_id))
        for module_id in session.scalars(
            select(Module.id)
            .where(Module.course_id == course_id, Module.published)
            .order_by(Module.position)
        ):
            found.append(authoring.find_item(session, ContentKind.MODULE, module_id))
    for quiz_id in session.scalars(select(Quiz.id).where(Quiz.published).order_by(Quiz.id)):
        found.append(authoring.find_item(session, ContentKind.QUIZ, quiz_id))
    return [item for item in found if item is not None]


def statuses(session: Session, locale: str) -> list[Status]:
    rows = {
        (str(row.kind), row.item_id): row
        for row in session.scalars(
            select(ContentTranslation).where(ContentTranslation.locale == locale)
        )
    }
    live = {
        (str(kind), item_id): number
        for kind, item_id, number in session.execute(
            select(Revision.kind, Revision.item_id, func.max(Revision.number))
            .where(Revision.published_at.is_not(None))
            .group_by(Revision.kind, Revision.item_id)
        )
    }
    return [
        Status(
            item.kind,
            item.id,
            item.title,
            translated_path(item.path, locale),
            locale,
            rows.get((item.kind, item.id)),
            live.get((item.kind, item.id), 0),
        )
        for item in items(session)
    ]


def status_of(session: Session, item: Item, locale: str) -> Status:
    row = session.scalar(
        select(ContentTranslation).where(
            ContentTranslation.kind == item.kind,
            ContentTranslation.item_id == item.id,
            ContentTranslation.locale == locale,
        )
    )
    now = source_number(session, item.kind, item.id)
    return Status(
        item.kind, item.id, item.title, translated_path(item.path, locale), locale, row, now
    )


def changes_since(session: Session, status: Status) -> list[revisions.DiffRow]:
    """The source's diff from the revision the translation was made from to now."""
    if status.translation is None or status.state != "outdated":
        return []
    base = source_diff_base(session, status.translation)
    live = revisions.live(session, status.kind, status.item_id)
    if live is None:
        return []
    return revisions.side_by_side(base.source if base is not None else "", live.source)


def validate(session: Session, item: Item, locale: str, text: str) -> TranslationSpec:
    """The translation parsed against the source as learners see it now, or
    InvalidError with every problem as file:line: reason."""
    if problem := locale_problem(locale):
        raise InvalidError([ContentError(item.path, 1, problem)])
    source = authoring.validate(session, item, authoring.live_text(session, item))
    shown = translated_path(item.path, locale)
    errors = ErrorList()
    spec: TranslationSpec | None
    if item.kind == ContentKind.FRAMEWORK:
        spec = parse_framework(text, shown, source, locale, errors)
    elif item.kind == ContentKind.QUIZ:
        spec = parse_quiz(text, shown, source, locale, item.id.startswith("bank-"), errors)
    else:
        spec = parse_page(text, shown, item.kind, item.id, locale, errors)
    if errors or spec is None:
        raise InvalidError(errors.sorted() or [ContentError(shown, 1, _("cannot be read"))])
    return spec


def save(session: Session, item: Item, locale: str, text: str, author: User) -> int:
    """Validate and store a translation written in the browser, as made from the
    source revision learners see now; returns the translation's revision number."""
    spec = validate(session, item, locale, text)
    store(session, spec, source_number(session, item.kind, item.id))
    revision = revisions.add(
        session,
        item.kind,
        spec.revision_id,
        text,
        RevisionOrigin.BROWSER.value,
        author=author,
        message=f"translation ({locale}) saved in the browser",
        published=True,
    )
    revisions.record(session, author, "translation.save", f"{item.kind}:{spec.revision_id}")
    return revision.number
