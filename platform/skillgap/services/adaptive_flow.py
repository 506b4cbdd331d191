"""Starting, advancing and scoring an adaptive attempt (services/adaptive.py
holds the engine's pieces: the bank, its parameters, choosing, estimating)."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import TYPE_CHECKING, Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from skillgap.content.bank import bank_quiz_id
from skillgap.curriculum.snapshot import QuizInfo, snapshot_of
from skillgap.models import Answer, Attempt, Question
from skillgap.rules import scoring
from skillgap.rules.scoring import GradedAnswer
from skillgap.services import attempt_forms, shown_questions
from skillgap.services.standing import NewResult

if TYPE_CHECKING:
    from skillgap.rules import irt
    from skillgap.services import adaptive

# The engine (services/adaptive.py, rules/irt.py) needs numpy, a fifth of the
# app's start-up time: it is imported by the functions that use it, on first use.


@dataclass(frozen=True)
class AdaptivePlan:
    question_ids: list[int]
    state: dict[str, Any]
    skipped: dict[str, datetime] = field(default_factory=dict)
    share: float = 1.0  # of the whole diagnostic's skills (a section's share of the time)


def plan(
    session: Session,
    user_id: int,
    quiz: QuizInfo,
    skill_id: str | None,
    now: datetime,
    retake_interval: timedelta,
    seed: int,
) -> AdaptivePlan:
    """The skills to measure (framework order; those measured within the re-take
    interval left out) and the first item of the first one."""
    from skillgap.services import adaptive

    snapshot = snapshot_of(session)
    banked = [s.id for s in snapshot.skills if bank_quiz_id(s.id) in snapshot.quizzes]
    skills = [skill_id] if skill_id is not None else banked
    closed = attempt_forms.next_attempts(session, user_id, skills, now, retake_interval)
    open_skills = [s for s in skills if s not in closed]
    state = adaptive.new_state(session, quiz, open_skills)
    state["avoid"] = {
        skill: sorted(items)
        for skill, items in attempt_forms.recently_seen(session, user_id, quiz.id).items()
    }
    if not open_skills:
        return AdaptivePlan([], state, closed)
    probe = Attempt(seed=seed, question_ids=[])
    avoid = set(state["avoid"].get(open_skills[0], []))
    found = adaptive.evidence(session, probe, state, open_skills[0])
    first = adaptive.choose(probe, state, open_skills[0], found, avoid)
    ids = [first] if first is not None else []
    return AdaptivePlan(ids, state, closed, len(open_skills) / max(len(banked), 1))


def current_question(attempt: Attempt) -> int | None:
    return attempt.question_ids[-1] if attempt.question_ids else None


def advance(session: Session, attempt: Attempt) -> bool:
    """After the current question is answered: the next item of this skill, or the
    first of the next skill once this one's level is clear; True when every skill
    is done (the attempt is then submitted by the caller)."""
    from skillgap.rules import irt
    from skillgap.services import adaptive

    state = dict(attempt.adaptive or {})
    state["asked"] = dict(state["asked"])
    state["finished"] = list(state["finished"])
    current = current_question(attempt)
    if current is not None:  # final from now on: graded once, kept with the state
        score = adaptive.scores_of(session, attempt, [current]).get(current)
        if score is not None:
            state["scores"] = {**state.get("scores", {}), str(current): score}
    rule = irt.Stopping(*state["stopping"])
    while (skill := adaptive.current_skill(state)) is not None:
        found = adaptive.evidence(session, attempt, state, skill)
        if found.used and _stops(found, rule, snapshot_of(session).levels):
            _finish(state, skill, found)
            continue
        avoid = set(state.get("avoid", {}).get(skill, []))
        chosen = adaptive.choose(attempt, state, skill, found, avoid)
        if chosen is None:  # the bank is used up: the level stands as it is
            _finish(state, skill, found)
            continue
        attempt.question_ids = [*attempt.question_ids, chosen]
        attempt.adaptive = state
        session.flush()
        return False
    attempt.adaptive = state
    session.flush()
    return True


def _finish(state: dict[str, Any], skill: str, found: adaptive.Evidence) -> None:
    """The skill's block is over: its estimate is kept for the take page
    ("Sections done"); the result is recorded, from the same answers, on submit."""
    state["finished"].append(skill)
    estimate = found.estimate
    settled = {**state.get("settled", {})}
    settled[skill] = [round(estimate.domain, 2), estimate.level, round(estimate.probability, 4)]
    state["settled"] = settled


def _stops(found: adaptive.Evidence, rule: irt.Stopping, levels) -> bool:
    """The stopping rule (rules/irt.finished: certainty, bounds, curtailment)."""
    from skillgap.rules import irt

    return irt.finished(
        found.weights,
        found.curve,
        [level.min_percent for level in levels],
        [item.a for item in found.items],
        [item.b for item in found.items],
        found.used,
        rule,
    )


def results(session: Session, attempt: Attempt, kind: str) -> list[NewResult]:
    """Per skill with answers: the level on the domain-score scale, its certainty
    and interval; the confidence figures as for a fixed form."""
    from skillgap.services import adaptive

    state = attempt.adaptive or {}
    levels = snapshot_of(session).levels
    answers = {
        a.question_id: a
        for a in session.scalars(select(Answer).where(Answer.attempt_id == attempt.id))
    }
    questions = {
        q.id: q for q in session.scalars(select(Question).where(Question.id.in_(list(answers))))
    }
    made = []
    for skill in state.get("skills", []):
        answered = [q for q in adaptive.asked_in(state, skill) if q in answers]
        if not answered:
            continue
        estimate = adaptive.estimate_for(session, attempt, state, skill)
        graded = []
        for question_id in answered:
            answer = answers[question_id]
            score = shown_questions.answer_score(questions[question_id], attempt.seed, answer)
            answer.score = score
            graded.append(GradedAnswer(skill, score, answer.confidence))
        rules = [scoring.LevelRule(lv.id, lv.name, lv.min_percent) for lv in levels]
        figures = scoring.score_skills(graded, rules)[0]
        assert attempt.submitted_at is not None
        made.append(
            NewResult(
                attempt_id=attempt.id,
                user_id=attempt.user_id,
                skill_id=skill,
                kind=kind,
                level_id=levels[estimate.level].id,
                created_at=attempt.submitted_at,
                earned=figures.earned,
                possible=figures.possible,
                percent=round(estimate.domain, 2),
                questions=len(answered),
                brier=figures.brier,
                certain_count=figures.certain_count,
                certain_wrong=figures.certain_wrong,
                theta=round(estimate.theta, 4),
                theta_se=round(estimate.se, 4),
                domain_low=round(estimate.low, 2),
                domain_high=round(estimate.high, 2),
                level_probabilities=[round(p, 4) for p in estimate.probabilities],
                certainty=round(estimate.probability, 4),
            )
        )
    return made
