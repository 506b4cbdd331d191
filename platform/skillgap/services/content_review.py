"""What content is due for review: /admin/review and ``flask content stale``.

Three reasons, each with its dates, so the list says what to do:

- **overdue**: ``review_after`` has passed (or the item was never reviewed);
- **cites a changed metric**: a module or question cites a dictionary entry
  (``[[metric:id]]``, or a calculated question's ``formula:``) whose meaning
  changed after the item was last reviewed, by a dictionary edit
  (curriculum/dictionary.py dates it) or a platform change in its log;
- **due soon**: ``review_after`` falls within ``DUE_SOON_DAYS``.

Modules, quiz files (their questions share the file's dates), bank items with
a ``reviewed:`` of their own, and the dictionary's entries are each listed once.
The reasons are written in the reader's language (the site's default for the CLI).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date, timedelta

from flask_babel import gettext as _
from sqlalchemy import select
from sqlalchemy.orm import Session

from skillgap.content import citations
from skillgap.content.metrics import Entry
from skillgap.curriculum.snapshot import snapshot_of
from skillgap.i18n import day
from skillgap.models import ContentKind, Module, Question, Quiz

DUE_SOON_DAYS = 30


@dataclass(frozen=True)
class DueItem:
    kind: str  # "module", "quiz", "bank item", "metric"
    label: str
    path: str  # the file to edit
    reviewed: date | None
    review_after: date | None
    reasons: tuple[str, ...]  # in the reader's language
    edit: tuple[str, str]  # (content kind, item id) for the editor link


@dataclass
class ReviewReport:
    today: date
    overdue: list[DueItem] = field(default_factory=list)  # overdue or citing a changed metric
    due_soon: list[DueItem] = field(default_factory=list)

    @property
    def stale(self) -> bool:
        return bool(self.overdue)

    def lines(self) -> list[str]:
        """The report as text (the CLI prints it)."""
        out = []
        for title, items in (
            (_("Overdue: %(count)s", count=len(self.overdue)), self.overdue),
            (_("Due soon: %(count)s", count=len(self.due_soon)), self.due_soon),
        ):
            out.append(title)
            out += [f"  {item.path}: {item.label}: {'; '.join(item.reasons)}" for item in items]
        return out


def review_report(session: Session, today: date) -> ReviewReport:
    snapshot = snapshot_of(session)
    entries = snapshot.metrics
    report = ReviewReport(today)
    for item, urgent in _modules(session, entries, today):
        _file(report, item, urgent)
    for item, urgent in _quizzes(session, entries, today):
        _file(report, item, urgent)
    for entry in entries.values():
        reasons, urgent = _dates(entry.reviewed, entry.review_after, today)
        if reasons:
            item = DueItem(
                "metric",
                f"{entry.id} ({entry.name})",
                f"courses/metrics/{entry.file}.yml",
                entry.reviewed,
                entry.review_after,
                reasons,
                (ContentKind.METRICS.value, entry.file),
            )
            _file(report, item, urgent)
    report.overdue.sort(key=lambda item: (item.path, item.label))
    report.due_soon.sort(key=lambda item: (item.review_after or today, item.path))
    return report


def _file(report: ReviewReport, item: DueItem, urgent: bool) -> None:
    (report.overdue if urgent else report.due_soon).append(item)


def _dates(
    reviewed: date | None, review_after: date | None, today: date
) -> tuple[tuple[str, ...], bool]:
    """(reasons, urgent) from an item's own dates."""
    if reviewed is None:
        return (_("never reviewed"),), True
    if review_after is not None and review_after <= today:
        reason = _(
            "review was due on %(due)s (reviewed %(reviewed)s)",
            due=day(review_after),
            reviewed=day(reviewed),
        )
        return (reason,), True
    if review_after is not None and review_after <= today + timedelta(days=DUE_SOON_DAYS):
        return (_("due on %(due)s", due=day(review_after)),), False
    return (), False


def _changed(
    cited: Iterable[str], reviewed: date | None, entries: dict[str, Entry]
) -> list[dict[str, str]]:
    """Citations whose meaning changed after ``reviewed``: the values of the
    reason's message (the caller says what cites them)."""
    if reviewed is None:
        return []
    found = []
    for entry_id in dict.fromkeys(cited):
        entry = entries.get(entry_id)
        changed = entry.definition_changed if entry is not None else None
        if changed is not None and changed > reviewed:
            found.append({"metric": entry_id, "changed": day(changed), "reviewed": day(reviewed)})
    return found


def _modules(session: Session, entries: dict[str, Entry], today: date):
    rows = session.execute(
        select(
            Module.id, Module.title, Module.file_name, Module.course_id, Module.body_html,
            Module.reviewed, Module.review_after,
        ).where(Module.published)
    )  # fmt: skip
    for row in rows:
        reasons, urgent = _dates(row.reviewed, row.review_after, today)
        changed = tuple(
            _(
                "cites %(metric)s, whose definition changed on %(changed)s, "
                "after this was reviewed on %(reviewed)s",
                **values,
            )
            for values in _changed(citations.cited_ids(row.body_html), row.reviewed, entries)
        )
        if reasons or changed:
            yield (
                DueItem(
                    "module",
                    row.title,
                    f"courses/{row.course_id}/{row.file_name}",
                    row.reviewed,
                    row.review_after,
                    reasons + changed,
                    (ContentKind.MODULE.value, row.id),
                ),
                urgent or bool(changed),
            )


def _quizzes(session: Session, entries: dict[str, Entry], today: date):
    quizzes = {
        quiz.id: quiz
        for quiz in session.scalars(select(Quiz).where(Quiz.published).order_by(Quiz.id))
    }
    flags: dict[str, list[str]] = {}
    own: list[tuple[DueItem, bool]] = []
    rows = session.execute(
        select(
            Question.quiz_id, Question.line, Question.item_id, Question.text,
            Question.explanation, Question.template, Question.reviewed, Question.review_after,
        ).where(Question.active, Question.quiz_id.in_(list(quizzes)))
    )  # fmt: skip
    for row in rows:
        quiz = quizzes[row.quiz_id]
        cited = citations.cited_ids(f"{row.text}\n{row.explanation}")
        if row.template and row.template.get("formula_id"):
            cited.append(row.template["formula_id"])
        flags.setdefault(quiz.id, []).extend(
            _question_cites(row.item_id, row.line, values)
            for values in _changed(cited, row.reviewed, entries)
        )
        if (row.reviewed, row.review_after) != (quiz.reviewed, quiz.review_after):
            reasons, urgent = _dates(row.reviewed, row.review_after, today)
            if reasons:  # a bank item reviewed on its own date
                item = DueItem(
                    "bank item",
                    f"{row.item_id or row.line}: {row.text[:80]}",
                    _quiz_path(quiz),
                    row.reviewed,
                    row.review_after,
                    reasons,
                    (ContentKind.QUIZ.value, quiz.id),
                )
                own.append((item, urgent))
    for quiz in quizzes.values():
        reasons, urgent = _dates(quiz.reviewed, quiz.review_after, today)
        changed = tuple(flags.get(quiz.id, ()))
        if reasons or changed:
            yield (
                DueItem(
                    "quiz",
                    quiz.title,
                    _quiz_path(quiz),
                    quiz.reviewed,
                    quiz.review_after,
                    reasons + changed,
                    (ContentKind.QUIZ.value, quiz.id),
                ),
                urgent or bool(changed),
            )
    yield from own


def _question_cites(item_id: str | None, line: int, values: dict[str, str]) -> str:
    if item_id:
        return _(
            "item %(item)s cites %(metric)s, whose definition changed on %(changed)s, "
            "after this was reviewed on %(reviewed)s",
            item=item_id,
            **values,
        )
    return _(
        "the question on line %(line)s cites %(metric)s, whose definition changed on "
        "%(changed)s, after this was reviewed on %(reviewed)s",
        line=line,
        **values,
    )


def _quiz_path(quiz: Quiz) -> str:
    return f"quizzes/{quiz.file_name}"
