"""Where a person stands with their assessments, for the dashboard and the
assessments page: what they have open (and how long is left), which skill to
measure next, and how long each assessment takes.

The first visit should give a useful result within about 20 minutes, so the
pages lead with one skill's section ("Start with one skill (about 9 minutes)"),
not the whole diagnostic, and never ask for what the person has already done.
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy.orm import Session

from skillgap.curriculum.snapshot import QuizInfo, SkillInfo, snapshot_of
from skillgap.kinds import QuizKind
from skillgap.models import User
from skillgap.rules import time_estimate
from skillgap.services.first_skill import FirstSkill, first_skill
from skillgap.services.paths import PathView
from skillgap.services.person_record import OpenAttempt

DIAGNOSTIC = "diagnostic"
SELF_ASSESSMENT = "self-assessment"


@dataclass(frozen=True)
class Resumable:
    """An open attempt, as "Resume diagnostic: 35 of 73 answered, about 30 minutes left"."""

    quiz: QuizInfo
    skill: SkillInfo | None
    questions: int
    answered: int
    minutes_left: int


@dataclass(frozen=True)
class AssessmentState:
    resumable: list[Resumable]
    next_skill: FirstSkill | None  # the skill to measure next; None once all are measured
    measured: int  # skills with a tested result
    measurable: int  # skills the diagnostic measures
    self_rated: bool
    diagnostic: QuizInfo | None
    self_assessment: QuizInfo | None

    @property
    def started(self) -> bool:
        return bool(self.measured or self.resumable)


def resumable(quiz: QuizInfo, skill: SkillInfo | None, open_attempt: OpenAttempt) -> Resumable:
    """An open attempt with the time left: the section's estimate, scaled to the
    questions this attempt asks (a full diagnostic leaves out skills measured
    recently), in proportion to what is unanswered."""
    skill_id = skill.id if skill else None
    full = quiz.questions_per_skill.get(skill_id, 0) if skill_id else quiz.question_count
    questions = open_attempt.questions
    if quiz.adaptive:  # the form grows item by item: expect the blueprint's length
        questions = max(full, open_attempt.answered)
    total_seconds = quiz.seconds(skill_id) * questions / full if full else 0.0
    left = time_estimate.minutes_left(total_seconds, questions, open_attempt.answered)
    return Resumable(quiz, skill, questions, open_attempt.answered, left)


def assessment_state(session: Session, user: User, view: PathView) -> AssessmentState:
    snapshot = snapshot_of(session)
    open_ones = [
        resumable(
            snapshot.quizzes[a.quiz_id],
            snapshot.skill_by_id.get(a.skill_id or ""),
            a,
        )
        for a in view.open_attempts
        if a.quiz_id in snapshot.quizzes
        and snapshot.quizzes[a.quiz_id].kind in (QuizKind.DIAGNOSTIC, QuizKind.SELF_ASSESSMENT)
    ]
    diagnostic = snapshot.quizzes.get(DIAGNOSTIC)
    measured = {s.skill.id for s in view.standings if s.verified}
    measurable = [s for s in snapshot.skills if diagnostic and diagnostic.measures(s.id)]
    return AssessmentState(
        open_ones,
        first_skill(session, user, measured, diagnostic) if diagnostic else None,
        len(measured & {s.id for s in measurable}),
        len(measurable),
        any(s.self_rated for s in view.standings),
        diagnostic if diagnostic and diagnostic.published else None,
        _published(snapshot.quizzes.get(SELF_ASSESSMENT)),
    )


def _published(quiz: QuizInfo | None) -> QuizInfo | None:
    return quiz if quiz is not None and quiz.published else None
