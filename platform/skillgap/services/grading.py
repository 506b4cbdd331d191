"""Grading a submitted attempt: each answer's score (a calculated question's
typed number against this attempt's instance, options against the key), the
per-skill results, and a self-assessment's claimed levels. Called once per
attempt, by the request whose UPDATE submitted it (services/assessments.submit).
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from skillgap.curriculum.snapshot import Snapshot, snapshot_of
from skillgap.models import Answer, Attempt, Question, QuizKind
from skillgap.rules import scoring
from skillgap.rules.scoring import GradedAnswer, LevelRule
from skillgap.services import adaptive_flow, shown_questions
from skillgap.services.standing import NewResult, record_results


def level_rules(snapshot: Snapshot) -> list[LevelRule]:
    return [LevelRule(level.id, level.name, level.min_percent) for level in snapshot.levels]


def _submitted_at(attempt: Attempt) -> datetime:
    assert attempt.submitted_at is not None, "graded only once submitted"
    return attempt.submitted_at


def grade(session: Session, attempt: Attempt) -> None:
    questions = {
        q.id: q
        for q in session.scalars(select(Question).where(Question.id.in_(attempt.question_ids)))
    }
    answers = {
        a.question_id: a
        for a in session.scalars(select(Answer).where(Answer.attempt_id == attempt.id))
        # Only answers given in time count (saving after the deadline is refused anyway).
        if attempt.deadline_at is None or a.answered_at <= attempt.deadline_at
    }
    kind = snapshot_of(session).quizzes[attempt.quiz_id].kind
    if kind == QuizKind.SELF_ASSESSMENT:
        _record_self_ratings(session, attempt, questions, answers)
        return
    if attempt.adaptive is not None:
        made = adaptive_flow.results(session, attempt, kind)
        record_results(session, made)
        scored = [a.score or 0.0 for a in answers.values()]
        attempt.percent = scoring.percent_of(sum(scored), len(attempt.question_ids) or 1)
        session.flush()
        return
    graded = []
    for question_id in attempt.question_ids:
        question = questions[question_id]
        answer = answers.get(question_id)
        score = shown_questions.answer_score(question, attempt.seed, answer)
        if answer is not None:
            answer.score = score
        graded.append(GradedAnswer(question.skill_id, score, answer.confidence if answer else None))
    scores = scoring.score_skills(graded, level_rules(snapshot_of(session)))
    record_results(
        session,
        [
            NewResult(
                attempt_id=attempt.id,
                user_id=attempt.user_id,
                skill_id=result.skill_id,
                kind=kind,
                level_id=result.level.id,
                created_at=_submitted_at(attempt),
                earned=result.earned,
                possible=result.possible,
                percent=result.percent,
                questions=result.questions,
                low_evidence=result.low_evidence,
                brier=result.brier,
                certain_count=result.certain_count,
                certain_wrong=result.certain_wrong,
            )
            for result in scores
        ],
    )
    total = sum(g.score for g in graded)
    attempt.percent = scoring.percent_of(total, len(graded))
    session.flush()


def finished_sections(
    session: Session, attempt: Attempt, answers: Mapping[int, Answer]
) -> list[scoring.SkillScore]:
    """Interim results of a whole diagnostic still being taken: each skill whose
    questions are all answered, scored as submitting would score it. Nothing is
    recorded: the attempt's results count only once it is submitted."""
    skill_of = dict(
        session.execute(
            select(Question.id, Question.skill_id).where(Question.id.in_(attempt.question_ids))
        ).all()
    )
    blocks: dict[str, list[int]] = {}
    for question_id in attempt.question_ids:
        blocks.setdefault(skill_of[question_id], []).append(question_id)
    done = [ids for ids in blocks.values() if all(q in answers for q in ids)]
    if not done:
        return []
    ids = [q for block in done for q in block]
    questions = session.scalars(select(Question).where(Question.id.in_(ids)))
    graded = [
        GradedAnswer(
            q.skill_id,
            shown_questions.answer_score(q, attempt.seed, answers[q.id]),
            answers[q.id].confidence,
        )
        for q in questions
    ]
    return scoring.score_skills(graded, level_rules(snapshot_of(session)))


def _record_self_ratings(
    session: Session,
    attempt: Attempt,
    questions: Mapping[int, Question],
    answers: Mapping[int, Answer],
) -> None:
    snapshot = snapshot_of(session)
    claims = {rating.id: rating.claims for rating in snapshot.self_ratings}
    level_ids = [level.id for level in snapshot.levels]
    claimed: dict[str, list[int]] = {}
    for question_id, answer in answers.items():
        if answer.rating_id in claims:
            skill = questions[question_id].skill_id
            claimed.setdefault(skill, []).append(level_ids.index(claims[answer.rating_id]))
    record_results(
        session,
        [
            NewResult(
                attempt_id=attempt.id,
                user_id=attempt.user_id,
                skill_id=skill_id,
                kind=QuizKind.SELF_ASSESSMENT.value,
                level_id=level_ids[scoring.self_rated_level_index(indexes)],
                created_at=_submitted_at(attempt),
                questions=len(indexes),
                possible=len(indexes),
            )
            for skill_id, indexes in claimed.items()
        ],
    )
    session.flush()
