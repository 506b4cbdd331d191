"""make_* helpers that create real rows with sensible defaults; results and
attempts go through the same code as grading (record_results, or the whole
attempt service with ``take_quiz``)."""

from __future__ import annotations

import itertools
from collections.abc import Callable
from datetime import datetime

from argon2 import PasswordHasher
from sqlalchemy.orm import Session

from skillgap import clock
from skillgap.kinds import AttemptState, QuizKind
from skillgap.models import Attempt, Question, Quiz, Team, User
from skillgap.roles import Role
from skillgap.services import assessments
from skillgap.services.standing import NewResult, record_results

DEFAULT_PASSWORD = "correct horse battery"
# The same cheap parameters as the test config.
_hasher = PasswordHasher(time_cost=1, memory_cost=1024, parallelism=1)
_counter = itertools.count(1)


def make_team(
    session: Session, name: str | None = None, managers: list[User] | None = None
) -> Team:
    team = Team(name=name or f"Team {next(_counter)}", managers=managers or [])
    session.add(team)
    session.flush()
    return team


def make_user(
    session: Session,
    role: Role = Role.LEARNER,
    *,
    email: str | None = None,
    name: str | None = None,
    password: str = DEFAULT_PASSWORD,
    team: Team | None = None,
    active: bool = True,
    role_profile: str | None = None,
) -> User:
    number = next(_counter)
    user = User(
        email=email or f"{role.value}{number}@example.org",
        name=name or f"{role.label} {number}",
        password_hash=_hasher.hash(password),
        role=role.value,
        team=team,
        active=active,
        role_profile=role_profile,
    )
    session.add(user)
    session.flush()
    return user


LEVEL_PERCENTS = {0: 40.0, 1: 65.0, 2: 80.0, 3: 95.0}  # a percent inside each level's band


def make_results(
    session: Session,
    user: User,
    levels_by_skill: dict[str, int],
    kind: str = QuizKind.DIAGNOSTIC.value,
    when: datetime | None = None,
    level_ids: tuple[str, ...] = ("below-entry", "entry", "intermediate", "advanced"),
) -> Attempt:
    """A submitted attempt with one result per skill (level given by index),
    recorded the way grading records them (standing.record_results)."""
    when = when or clock.now()
    attempt = Attempt(
        user_id=user.id,
        quiz_id=kind,
        state=AttemptState.SUBMITTED.value,
        question_ids=[],
        started_at=when,
        submitted_at=when,
    )
    session.add(attempt)
    session.flush()
    tested = kind == QuizKind.DIAGNOSTIC.value
    record_results(
        session,
        [
            NewResult(
                attempt_id=attempt.id,
                user_id=user.id,
                skill_id=skill,
                kind=kind,
                level_id=level_ids[index],
                created_at=when,
                percent=LEVEL_PERCENTS[index] if tested else None,
                questions=6,
                possible=6,
            )
            for skill, index in levels_by_skill.items()
        ],
    )
    return attempt


def take_quiz(
    session: Session,
    user: User,
    quiz_id: str,
    right: Callable[[Question], bool | str | None],
    when: datetime | None = None,
    skill_id: str | None = None,
) -> Attempt:
    """Sit a quiz through the real services and grading: ``right(question)`` says
    True (answer it right), False (answer it wrong), a self-rating id, or None (skip)."""
    when = when or clock.now()
    quiz = session.get(Quiz, quiz_id)
    assert quiz is not None, f"no quiz {quiz_id!r}: import content first"
    attempt = assessments.start_attempt(session, user, quiz, skill_id, when)
    answers = {}
    for question in assessments.attempt_questions(session, attempt):
        decision = right(question)
        if isinstance(decision, str):
            answers[question.id] = assessments.AnswerInput(rating_id=decision)
        elif decision is not None:
            wrong = [i for i in range(len(question.options)) if i not in question.correct_indexes]
            chosen = sorted(question.correct_indexes) if decision else wrong[:1]
            answers[question.id] = assessments.AnswerInput(chosen=tuple(chosen))
    assessments.save_answers(session, attempt, answers, when)
    assessments.submit(session, attempt.id, when)
    return attempt
