"""Attempts: starting, resuming, saving answers, submitting exactly once, grading,
and the levels that follow from results.

Submitting is a state change guarded by the database: ``UPDATE attempts SET
state = ... WHERE id = :id AND state = 'open'``. Only the request that changes
the row grades the attempt (in the same transaction), and results are unique
per (attempt, skill), so double submits, replays and concurrent submits all
end with one result.
"""

from __future__ import annotations

import random
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from flask_babel import format_date, format_datetime
from flask_babel import gettext as _
from sqlalchemy import BindParameter, CursorResult, Select, select, update
from sqlalchemy.orm import Session

from skillgap.curriculum.snapshot import QuizInfo, snapshot_of
from skillgap.models import (
    Answer,
    Attempt,
    AttemptState,
    Question,
    QuestionKind,
    Quiz,
    QuizKind,
    User,
)
from skillgap.rules import scoring
from skillgap.rules.form_draw import option_order
from skillgap.services import adaptive_flow, attempt_forms, grading, shown_questions


class AttemptError(ValueError):
    """Something a person tried that the attempt does not allow; the message is for them."""


@dataclass(frozen=True)
class AnswerInput:
    chosen: tuple[int, ...] = ()
    rating_id: str | None = None
    confidence: float | None = None
    response: str | None = None  # a calculated question's typed number


def quiz_questions(session: Session, quiz_id: str, skill_id: str | None = None) -> list[Question]:
    query = select(Question).where(Question.quiz_id == quiz_id, Question.active)
    if skill_id is not None:
        query = query.where(Question.skill_id == skill_id)
    return list(session.scalars(query.order_by(Question.position)))


def attempt_questions(session: Session, attempt: Attempt) -> list[Question]:
    """The attempt's questions, in the order its form asks them."""
    by_id = {
        q.id: q
        for q in session.scalars(select(Question).where(Question.id.in_(attempt.question_ids)))
    }
    return [by_id[question_id] for question_id in attempt.question_ids]


def open_attempt_for(
    session: Session, user_id: int, quiz_id: str, skill_id: str | None, for_update: bool = False
) -> Attempt | None:
    """The person's open attempt; ``for_update`` locks its row (PostgreSQL) and
    reads it afresh, so that concurrent posts to one attempt go one at a time."""
    query = (
        select(Attempt)
        .where(
            Attempt.user_id == user_id,
            Attempt.quiz_id == quiz_id,
            Attempt.state == AttemptState.OPEN.value,
            Attempt.skill_id.is_(None) if skill_id is None else Attempt.skill_id == skill_id,
        )
        .order_by(Attempt.id.desc())
    )
    if for_update:
        query = query.with_for_update().execution_options(populate_existing=True)
    return session.scalar(query)


def start_attempt(
    session: Session,
    user: User,
    quiz: QuizInfo | Quiz,
    skill_id: str | None,
    now: datetime,
    retake_interval: timedelta = timedelta(0),
) -> Attempt:
    """Resume the open attempt for this quiz (and skill section), or start one."""
    return start(session, user, quiz, skill_id, now, retake_interval)[0]


def start(
    session: Session,
    user: User,
    quiz: QuizInfo | Quiz,
    skill_id: str | None,
    now: datetime,
    retake_interval: timedelta = timedelta(0),
    check_wait: timedelta = timedelta(0),
) -> tuple[Attempt, dict[str, datetime]]:
    """``start_attempt``, and the skills a new attempt left out for the re-take
    interval (skill -> when it opens again). A module check failed less than
    ``check_wait`` ago (and not passed since) cannot be started yet."""
    existing = open_attempt_for(session, user.id, quiz.id, skill_id)
    if existing is not None:
        return existing, {}
    if skill_id is not None and quiz.kind != QuizKind.DIAGNOSTIC:
        raise AttemptError(_("Only the diagnostic can be taken one skill at a time."))
    if quiz.kind == QuizKind.CHECK:
        opens = check_opens_at(session, user.id, quiz.id, now, check_wait)
        if opens is not None:
            raise AttemptError(_check_closed_message(opens))
    info = snapshot_of(session).quizzes[quiz.id]
    if info.adaptive:
        seed = random.SystemRandom().randrange(2**31)
        engine = adaptive_flow.plan(session, user.id, info, skill_id, now, retake_interval, seed)
        question_ids, state, skipped, share = (
            engine.question_ids,
            engine.state,
            engine.skipped,
            engine.share,
        )
    else:
        plan = attempt_forms.plan_form(session, user.id, info, skill_id, now, retake_interval)
        question_ids, state, skipped, seed = plan.question_ids, None, plan.skipped, plan.seed
        share = len(plan.question_ids) / max(plan.full_size, 1)
    if not question_ids:
        if skipped:
            raise AttemptError(not_yet_message(session, skipped))
        raise AttemptError(_("This assessment has no questions for that skill."))
    limit = quiz.time_limit_minutes
    if limit and skill_id is not None:
        # A section gets its share of the time, never less than five minutes.
        limit = max(5, round(limit * share))
    attempt = Attempt(
        user_id=user.id,
        quiz_id=quiz.id,
        skill_id=skill_id,
        question_ids=question_ids,
        seed=seed,
        adaptive=state,
        started_at=now,
        deadline_at=now + timedelta(minutes=limit) if limit else None,
    )
    session.add(attempt)
    session.flush()
    return attempt, skipped


def _check_closed_message(opens: datetime) -> str:
    """Why a failed module check cannot be taken again yet, in the reader's time zone."""
    return _(
        "Re-read the module first: this check opens again at %(time)s on %(day)s.",
        time=format_datetime(opens, "HH:mm z"),
        day=format_date(opens, "d MMM y"),
    )


def check_opens_at(
    session: Session, user_id: int, quiz_id: str, now: datetime, wait: timedelta
) -> datetime | None:
    """When a failed module check may be taken again, if that is still ahead.
    Nothing waits once the check has been passed (a re-take is then practice)."""
    if wait <= timedelta(0):
        return None
    last = session.execute(
        select(Attempt.submitted_at, Attempt.percent)
        .where(
            Attempt.user_id == user_id,
            Attempt.quiz_id == quiz_id,
            Attempt.state != AttemptState.OPEN.value,
        )
        .order_by(Attempt.submitted_at.desc(), Attempt.id.desc())
        .limit(1)
    ).first()
    if last is None or last.submitted_at is None or (last.percent or 0) >= scoring.PASS_PERCENT:
        return None
    if quiz_id in set(session.scalars(passed_quiz_ids_query(user_id))):
        return None
    opens = last.submitted_at + wait
    return opens if opens > now else None


def not_yet_message(session: Session, opens: Mapping[str, datetime]) -> str:
    """Why a skill cannot be measured again yet, and when it can."""
    names = snapshot_of(session).skill_names()
    parts = [
        _("%(skill)s on %(day)s", skill=names.get(skill, skill), day=format_date(when, "d MMM y"))
        for skill, when in opens.items()
    ]
    return _(
        "You were measured in this recently. The next attempt, on questions you have "
        "not seen, opens for %(skills)s.",
        skills="; ".join(parts),
    )


def has_answer(session: Session, attempt_id: int, question_id: int) -> bool:
    return session.get(Answer, (attempt_id, question_id)) is not None


def is_past_deadline(attempt: Attempt, now: datetime) -> bool:
    return attempt.deadline_at is not None and now > attempt.deadline_at


def save_answers(
    session: Session,
    attempt: Attempt,
    answers: Mapping[int, AnswerInput],
    now: datetime,
    as_shown: bool = False,
) -> int:
    """Store answers as they are given (each replaces the previous one for its
    question). Refused once the attempt is submitted or its time is up.
    ``as_shown``: the chosen options are positions on the page (the attempt's
    shuffled order), stored as the options' indexes in the file."""
    if not attempt.is_open:
        raise AttemptError(_("This attempt has been submitted; its answers cannot change."))
    if is_past_deadline(attempt, now):
        raise AttemptError(_("The time limit has passed; answers can no longer be saved."))
    questions = {
        q.id: q
        for q in session.scalars(
            select(Question).where(
                Question.id.in_([qid for qid in answers if qid in attempt.question_ids])
            )
        )
    }
    ratings = {rating.id for rating in snapshot_of(session).self_ratings}
    existing = {
        a.question_id: a
        for a in session.scalars(
            select(Answer).where(
                Answer.attempt_id == attempt.id, Answer.question_id.in_(list(questions))
            )
        )
    }
    saved = 0
    for question_id, given in answers.items():
        question = questions.get(question_id)
        if question is None:
            continue  # not a question of this attempt: ignored, never trusted
        kept = _kept(attempt, question, given, ratings, as_shown)
        if kept is None:
            continue
        confidence = (
            given.confidence if given.confidence in scoring.CONFIDENCE_LEVELS.values() else None
        )
        saved += 1
        answer = existing.get(question_id)
        if answer is None:
            answer = Answer(attempt_id=attempt.id, question_id=question_id)
            session.add(answer)
        elif (answer.chosen, answer.rating_id, answer.response, answer.confidence) == (
            *kept,
            confidence,
        ):
            # Unchanged (autosave posts the whole page each time): no write, and
            # answered_at stays when the answer was last changed.
            continue
        answer.chosen, answer.rating_id, answer.response = kept
        answer.confidence = confidence
        answer.answered_at = now
    session.flush()
    return saved


def _kept(
    attempt: Attempt, question: Question, given: AnswerInput, ratings: set[str], as_shown: bool
) -> tuple[list[int], str | None, str | None] | None:
    """What is stored of one given answer (chosen, rating, typed response), or
    None when it answers nothing (no option, no valid rating, nothing typed)."""
    if shown_questions.asks_number(question):
        # Kept as typed, even when it is not a number: the page says why, and
        # nothing the person wrote is lost; graded when the attempt is submitted.
        response = (given.response or "").strip()[: Answer.RESPONSE_LENGTH]
        return ([], None, response) if response else None
    if question.kind == QuestionKind.RATING:
        return ([], given.rating_id, None) if given.rating_id in ratings else None
    chosen = _chosen(attempt, question, given.chosen, as_shown)
    if question.kind != QuestionKind.MULTIPLE:
        chosen = chosen[:1]
    return (chosen, None, None) if chosen else None


def _chosen(
    attempt: Attempt, question: Question, given: tuple[int, ...], as_shown: bool
) -> list[int]:
    """The options chosen, as indexes in the file; out-of-range picks are dropped."""
    count = len(shown_questions.options_of(question, attempt.seed))
    positions = {i for i in given if 0 <= i < count}
    if as_shown:
        order = option_order(attempt.seed, question.id, count)
        positions = {order[i] for i in positions}
    return sorted(positions)


def submit(session: Session, attempt_id: int, now: datetime) -> Attempt:
    """Submit and grade the attempt exactly once; later calls return it unchanged."""
    attempt = session.get(Attempt, attempt_id)
    if attempt is None:
        raise AttemptError(_("There is no such attempt."))
    late = is_past_deadline(attempt, now)
    state = AttemptState.TIMED_OUT if late else AttemptState.SUBMITTED
    changed = _rowcount(
        session,
        update(Attempt)
        .where(Attempt.id == attempt_id, Attempt.state == AttemptState.OPEN.value)
        .values(state=state.value, submitted_at=now)
        .execution_options(synchronize_session=False),
    )
    session.refresh(attempt)
    if changed == 1:
        grading.grade(session, attempt)
    return attempt


def _rowcount(session: Session, statement: Any) -> int:
    """Rows an UPDATE changed (its result is a cursor result, which counts them)."""
    result: CursorResult[Any] = session.execute(statement)  # type: ignore[assignment]
    return result.rowcount


def passed_quiz_ids_query(user_id: int | BindParameter[int]) -> Select[str]:
    """Quizzes this person has passed (>= the entry threshold) at least once."""
    return (
        select(Attempt.quiz_id)
        .where(
            Attempt.user_id == user_id,
            Attempt.state != AttemptState.OPEN.value,
            Attempt.percent >= scoring.PASS_PERCENT,
        )
        .distinct()
    )
