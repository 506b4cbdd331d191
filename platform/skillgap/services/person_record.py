"""Everything about one person that their dashboard and path read, in one statement.

Manager targets, latest results, plan settings (with paused and lighter
weeks), progress and (for the
dashboard) the diagnostic history were five statements; each costs SQLAlchemy
about a tenth of a millisecond besides the database's own work, a sixth of the
dashboard's time. One UNION ALL returns them, each row naming its part in the
first column. Columns a part does not use are NULL; the first part (results)
gives every column its type, so dates and times come back converted.
"""

from __future__ import annotations

import functools
import hashlib
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any

from sqlalchemy import (
    BindParameter,
    Date,
    Integer,
    Row,
    bindparam,
    cast,
    func,
    literal_column,
    null,
    select,
    union_all,
)
from sqlalchemy.orm import Session

from skillgap.models import (
    Answer,
    Attempt,
    AttemptState,
    LearningPlan,
    ModuleCompletion,
    PlanWeek,
    QuizKind,
    SkillResult,
    TargetOverride,
)
from skillgap.services.assessments import passed_quiz_ids_query
from skillgap.services.catalogue import Progress

USER: BindParameter[int] = bindparam("user_id", type_=Integer())


@dataclass(frozen=True)
class LatestResult:
    kind: str
    skill_id: str
    level_id: str
    percent: float | None
    low_evidence: bool
    attempt_id: int
    certainty: float | None = None  # an adaptive result's probability of its level


@dataclass(frozen=True)
class PersonRecord:
    overrides: dict[str, str]  # skill id -> level id a manager set
    latest: dict[str, dict[str, LatestResult]]  # quiz kind -> skill id -> latest result
    plan: LearningPlan  # an unsaved default when they never changed it
    progress: Progress
    # (skill, level, certainty or None), oldest first; [] if not asked
    diagnostic_history: list[tuple[str, str, float | None]]
    open_attempts: list[OpenAttempt] = field(default_factory=list)  # asked with the history
    changed_weeks: dict[date, int] = field(default_factory=dict)  # Monday -> minutes (0: paused)
    # A digest of every row read: equal digests, equal records (the key of the
    # person's rendered dashboard and path, fragments.py).
    fingerprint: str = ""


@dataclass(frozen=True)
class OpenAttempt:
    attempt_id: int
    quiz_id: str
    skill_id: str | None  # a one-skill section
    questions: int
    answered: int


def _part(name: str, **columns: Any):
    """The columns of one part, in the union's order, NULL where not given."""
    order = (
        "key", "level", "kind", "percent", "low", "attempt", "at", "row",
        "minutes", "due", "due_set_by", "sure",
    )  # fmt: skip
    return [literal_column(f"'{name}'").label("part")] + [
        columns.get(column, null()).label(column) for column in order
    ]


@functools.cache
def _statement(with_history: bool):
    """Built once per variant: building a five-part union costs more than running it."""
    parts = [
        select(
            *_part(
                "result",
                key=SkillResult.skill_id,
                level=SkillResult.level_id,
                kind=SkillResult.kind,
                percent=SkillResult.percent,
                low=SkillResult.low_evidence,
                attempt=SkillResult.attempt_id,
                at=SkillResult.created_at,
                row=SkillResult.id,
                # Typed here, in the first part: the union's column types come from it
                # (and PostgreSQL resolves a union pair by pair: NULL on both sides is text).
                minutes=cast(null(), Integer()),
                due=cast(null(), Date()),
                due_set_by=cast(null(), Integer()),
                sure=SkillResult.certainty,
            )
        ).where(SkillResult.user_id == USER, SkillResult.latest),
        select(
            *_part("override", key=TargetOverride.skill_id, level=TargetOverride.level_id)
        ).where(TargetOverride.user_id == USER),
        select(
            *_part(
                "plan",
                minutes=LearningPlan.weekly_minutes,
                due=LearningPlan.due_date,
                due_set_by=LearningPlan.due_set_by_id,
                low=LearningPlan.weekly_nudge,
                key=LearningPlan.digest,
            )
        ).where(LearningPlan.user_id == USER),
        select(*_part("week", due=PlanWeek.week_start, minutes=PlanWeek.minutes)).where(
            PlanWeek.user_id == USER
        ),
        select(
            *_part("completed", key=ModuleCompletion.module_id, at=ModuleCompletion.completed_at)
        ).where(ModuleCompletion.user_id == USER),
        select(*_part("passed", key=passed_quiz_ids_query(USER).subquery().c.quiz_id)),
    ]
    if with_history:
        parts.append(
            select(
                *_part(
                    "history",
                    key=SkillResult.skill_id,
                    level=SkillResult.level_id,
                    at=SkillResult.created_at,
                    row=SkillResult.id,
                    sure=SkillResult.certainty,
                )
            ).where(SkillResult.user_id == USER, SkillResult.kind == QuizKind.DIAGNOSTIC.value)
        )
        parts.append(_open_attempts())
    return union_all(*parts)


def _open_attempts():
    """Open attempts, with their questions and answers counted (for "Resume
    diagnostic: 35 of 73 answered"): the form's length is its JSON array's."""
    answered = select(func.count()).where(Answer.attempt_id == Attempt.id).scalar_subquery()
    return select(
        *_part(
            "open",
            key=Attempt.quiz_id,
            level=Attempt.skill_id,
            attempt=Attempt.id,
            row=answered,
            minutes=func.json_array_length(Attempt.question_ids),
        )
    ).where(Attempt.user_id == USER, Attempt.state == AttemptState.OPEN.value)


def _when(entry: tuple) -> tuple:
    return entry[:2]  # created_at, then id


class PersonRows:
    """The rows of one person's record and their digest. A kept dashboard or path
    needs only the digest (its key, fragments.py): the record is built from the
    rows on first use, so a page served from the cache does not build it."""

    def __init__(self, user_id: int, rows: Sequence[Row]) -> None:
        self.user_id = user_id
        self.rows = rows
        self.fingerprint = _fingerprint(rows)
        self._record: PersonRecord | None = None

    def record(self) -> PersonRecord:
        if self._record is None:
            self._record = _record_from(self.user_id, self.rows, self.fingerprint)
        return self._record


def person_rows(session: Session, user_id: int, with_history: bool = False) -> PersonRows:
    return PersonRows(
        user_id, session.execute(_statement(with_history), {"user_id": user_id}).all()
    )


def person_record(session: Session, user_id: int, with_history: bool = False) -> PersonRecord:
    return person_rows(session, user_id, with_history).record()


def _record_from(user_id: int, rows: Sequence[Row], fingerprint: str) -> PersonRecord:
    overrides: dict[str, str] = {}
    results: list[tuple[datetime, int, LatestResult]] = []
    history: list[tuple[datetime, int, str, str, float | None]] = []
    completed: dict[str, datetime] = {}
    passed: set[str] = set()
    attempts: list[OpenAttempt] = []
    changed_weeks: dict[date, int] = {}
    plan = LearningPlan.defaults(user_id)
    for row in rows:
        part = row.part
        if part == "result":
            result = LatestResult(
                row.kind, row.key, row.level, row.percent, bool(row.low), row.attempt, row.sure
            )
            results.append((row.at, row.row, result))
        elif part == "override":
            overrides[row.key] = row.level
        elif part == "plan":
            plan = LearningPlan(
                user_id=user_id,
                weekly_minutes=row.minutes,
                due_date=row.due,
                due_set_by_id=row.due_set_by,
                weekly_nudge=bool(row.low),
                digest=row.key,
            )
        elif part == "week":
            changed_weeks[row.due] = row.minutes
        elif part == "completed":
            completed[row.key] = row.at
        elif part == "passed":
            passed.add(row.key)
        elif part == "open":
            attempts.append(OpenAttempt(row.attempt, row.key, row.level, row.minutes, row.row))
        else:
            history.append((row.at, row.row, row.key, row.level, row.sure))
    latest: dict[str, dict[str, LatestResult]] = {kind.value: {} for kind in QuizKind}
    # Newest first, so that were two rows marked latest, the newer one counts.
    for _at, _id, result in sorted(results, key=lambda r: (r[0], r[1]), reverse=True):
        latest.setdefault(result.kind, {}).setdefault(result.skill_id, result)
    return PersonRecord(
        overrides,
        latest,
        plan,
        Progress(completed, passed),
        [(skill, level, sure) for _at, _id, skill, level, sure in sorted(history, key=_when)],
        sorted(attempts, key=lambda a: a.attempt_id),
        changed_weeks,
        fingerprint,
    )


def _fingerprint(rows: Sequence[Row]) -> str:
    """Order-free (the UNION's row order is the database's choice)."""
    text = "\n".join(sorted(repr(tuple(row)) for row in rows))
    return hashlib.sha256(text.encode()).hexdigest()
