"""An adaptive diagnostic (``mode: adaptive``): the IRT engine (rules/irt.py)
chooses each item from the skill's bank.

Skills are taken in blocks, in framework order, not interleaved: a person
thinks about one subject at a time, a block can be left and resumed mid-skill,
a one-skill re-take is the same block on its own, and a skill's result is final
(and shown) the moment its block stops. Interleaving would balance fatigue
across skills, but the blocks are short (5 to 20 items).

The attempt's ``adaptive`` JSON holds the skills in order, those finished, the
calibration version of each skill's bank, the stopping rule, and each asked
question's (skill, a, b) as used, so a result can be explained and scored again
exactly. ``question_ids`` grows by one item at a time; only its last question
can be answered (an answered item is final once the next one is chosen).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from skillgap.content.bank import bank_quiz_id
from skillgap.curriculum import versions
from skillgap.curriculum.snapshot import QuizInfo, snapshot_of
from skillgap.models import Answer, Attempt, ItemCalibration, ItemParameter, Question
from skillgap.rules import irt
from skillgap.services import shown_questions


@dataclass(frozen=True)
class BankItem:
    question_id: int
    item_id: str
    level: str
    a: float
    b: float


def stopping_of(quiz: QuizInfo) -> irt.Stopping:
    return irt.Stopping(**(quiz.stopping or {}))


def current_version(session: Session, skill_id: str) -> int:
    """The newest calibration of a skill's bank; 0 (the level-tag priors) if none."""
    return (
        session.scalar(
            select(func.coalesce(func.max(ItemCalibration.version), 0)).where(
                ItemCalibration.skill_id == skill_id
            )
        )
        or 0
    )


BANKS_KEY = "adaptive-banks"  # session.info: (content version, skill, version) -> items


def bank_items(session: Session, skill_id: str, version: int) -> list[BankItem]:
    """The skill's active bank items with their parameters under ``version``
    (an item without a stored value keeps its prior). Kept for the session's
    session, under the content version it read: a step reads the bank more than
    once, and the demo takes hundreds of steps in one session."""
    banks = session.info.setdefault(BANKS_KEY, {})
    key = (versions.read(session).content, skill_id, version)
    if key not in banks:
        banks[key] = _load_bank(session, skill_id, version)
    return banks[key]


def _load_bank(session: Session, skill_id: str, version: int) -> list[BankItem]:
    stored = {}
    if version > 0:
        stored = {
            item: (a, b)
            for item, a, b in session.execute(
                select(ItemParameter.item_id, ItemParameter.a, ItemParameter.b).where(
                    ItemParameter.skill_id == skill_id, ItemParameter.version == version
                )
            )
        }
    rows = session.execute(
        select(Question.id, Question.item_id, Question.level_id)
        .where(Question.quiz_id == bank_quiz_id(skill_id), Question.active)
        .order_by(Question.position)
    )
    items = []
    for question_id, item_id, level in rows:
        key = item_id or str(question_id)
        a, b = stored.get(key) or irt.prior_parameters(level)
        items.append(BankItem(question_id, key, level or "", float(a), float(b)))
    return items


def new_state(session: Session, quiz: QuizInfo, skills: list[str]) -> dict[str, Any]:
    stopping = stopping_of(quiz)
    return {
        "skills": skills,
        "finished": [],
        "versions": {skill: current_version(session, skill) for skill in skills},
        "stopping": [stopping.min_items, stopping.max_items, stopping.certainty],
        "asked": {},  # question id -> [skill, a, b]
    }


def current_skill(state: dict[str, Any]) -> str | None:
    return next((s for s in state["skills"] if s not in state["finished"]), None)


def _rng(attempt: Attempt) -> np.random.Generator:
    # Seeded by the attempt and the step: a replayed request chooses the same item.
    return np.random.default_rng([attempt.seed or 0, len(attempt.question_ids)])


def asked_in(state: dict[str, Any], skill_id: str) -> list[int]:
    return [int(q) for q, (skill, _a, _b) in state["asked"].items() if skill == skill_id]


@dataclass(frozen=True)
class Evidence:
    """A skill's bank and what the answers so far say about the person."""

    items: list[BankItem]
    weights: irt.Array  # the posterior on irt.GRID
    curve: irt.Array  # the bank's domain-score curve
    estimate: irt.Estimate
    used: list[int]  # indexes (in items) of the items asked


def evidence(session: Session, attempt: Attempt, state: dict[str, Any], skill_id: str) -> Evidence:
    """The skill's estimate from its answered items, with the parameters they were
    asked with, read on the bank's domain-score curve of the same version. Scores
    of answers made final are kept in the state (graded once); the rest graded now."""
    items = bank_items(session, skill_id, state["versions"][skill_id])
    asked = asked_in(state, skill_id)
    kept = state.get("scores", {})
    scores = {q: float(kept[str(q)]) for q in asked if str(q) in kept}
    scores |= scores_of(session, attempt, [q for q in asked if q not in scores])
    answered = [q for q in asked if q in scores]
    weights = irt.posterior(
        [state["asked"][str(q)][1] for q in answered],
        [state["asked"][str(q)][2] for q in answered],
        [scores[q] for q in answered],
    )
    curve = irt.domain_curve([i.a for i in items], [i.b for i in items])
    min_percents = [level.min_percent for level in snapshot_of(session).levels]
    asked_ids = set(asked)
    used = [i for i, item in enumerate(items) if item.question_id in asked_ids]
    return Evidence(items, weights, curve, irt.estimate(weights, curve, min_percents), used)


def estimate_for(
    session: Session, attempt: Attempt, state: dict[str, Any], skill_id: str
) -> irt.Estimate:
    return evidence(session, attempt, state, skill_id).estimate


def choose(
    attempt: Attempt, state: dict[str, Any], skill_id: str, found: Evidence, avoid: set[str]
) -> int | None:
    """The next item of ``skill_id`` at the current estimate, or None if the bank
    is used up. Items in ``avoid`` (seen in recent attempts) are left out while
    enough others remain."""
    items, used = found.items, found.used
    avoided = [i for i, item in enumerate(items) if item.item_id in avoid and i not in used]
    enough = len(items) - len(used) - len(avoided) > 0
    used_or_avoided = used + avoided if enough else used
    a = np.array([item.a for item in items])
    b = np.array([item.b for item in items])
    theta = found.estimate.theta if used else 0.0
    index = irt.choose_next(
        a, b, [item.level for item in items], used_or_avoided, theta, _rng(attempt)
    )
    if index is None:
        return None
    item = items[index]
    state["asked"][str(item.question_id)] = [skill_id, item.a, item.b]
    return item.question_id


def scores_of(session: Session, attempt: Attempt, question_ids: list[int]) -> dict[int, float]:
    """Each answered question's score (0 or 1), graded as submitting grades it."""
    if not question_ids:
        return {}
    questions = {
        q.id: q for q in session.scalars(select(Question).where(Question.id.in_(question_ids)))
    }
    answers = session.scalars(
        select(Answer).where(Answer.attempt_id == attempt.id, Answer.question_id.in_(question_ids))
    )
    return {
        a.question_id: shown_questions.answer_score(questions[a.question_id], attempt.seed, a)
        for a in answers
    }
