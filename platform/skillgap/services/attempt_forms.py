"""The form an attempt asks: which questions, in which order.

- A diagnostic with a blueprint draws, per skill, the blueprint's number of
  items of each level from the skill's bank (rules/form_draw.py), avoiding the
  items the person saw in their previous ``RECENT_ATTEMPTS`` attempts of that
  skill while the bank allows. Skills come in framework order, one block each,
  the items shuffled within the block.
- A quiz with its own questions (a module check, an older fixed diagnostic)
  asks all of them (or one skill's), in an order of its own per attempt.
- Re-take interval: a skill measured less than ``retake_interval`` ago is not
  measured again. A one-skill section inside the interval is refused with the
  date it opens; a full diagnostic leaves such skills out and keeps their
  results.
"""

from __future__ import annotations

import random
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session

from skillgap.content.bank import bank_quiz_id
from skillgap.curriculum.snapshot import QuizInfo, snapshot_of
from skillgap.kinds import AttemptState, QuizKind
from skillgap.models import Attempt, Question, SkillResult
from skillgap.rules.form_draw import PoolItem, draw_items, shuffled

RECENT_ATTEMPTS = 2  # items of this many previous attempts of a skill are avoided
ATTEMPTS_LOOKED_AT = 30  # how far back to look for them


@dataclass(frozen=True)
class FormPlan:
    question_ids: list[int]
    seed: int
    skipped: dict[str, datetime] = field(default_factory=dict)  # skill -> when it opens
    full_size: int = 0  # questions of the whole quiz (a section's share of the time limit)


def next_attempts(
    session: Session, user_id: int, skill_ids: list[str], now: datetime, interval: timedelta
) -> dict[str, datetime]:
    """Skills measured by a diagnostic less than ``interval`` ago -> when they open."""
    if interval <= timedelta(0) or not skill_ids:
        return {}
    rows = session.execute(
        select(SkillResult.skill_id, SkillResult.created_at).where(
            SkillResult.user_id == user_id,
            SkillResult.kind == QuizKind.DIAGNOSTIC.value,
            SkillResult.latest,
            SkillResult.skill_id.in_(skill_ids),
        )
    )
    return {skill: when + interval for skill, when in rows if when + interval > now}


def plan_form(
    session: Session,
    user_id: int,
    quiz: QuizInfo,
    skill_id: str | None,
    now: datetime,
    retake_interval: timedelta,
) -> FormPlan:
    seed = random.SystemRandom().randrange(2**31)
    rng = random.Random(seed)
    if quiz.blueprint is None:
        return _fixed_form(session, quiz, skill_id, seed)
    snapshot = snapshot_of(session)
    banked = [s.id for s in snapshot.skills if bank_quiz_id(s.id) in snapshot.quizzes]
    skills = [skill_id] if skill_id is not None else banked
    closed = next_attempts(session, user_id, skills, now, retake_interval)
    recent = recently_seen(session, user_id, quiz.id)
    pools = _pools(session, [s for s in skills if s not in closed])
    question_ids: list[int] = []
    for skill in skills:
        if skill in closed:
            continue
        per_level = quiz.blueprint.get(skill, quiz.blueprint.get("default", {}))
        drawn = draw_items(pools.get(skill, []), per_level, recent.get(skill, set()), rng)
        question_ids += [item.question_id for item in drawn]
    full_size = sum(
        sum(quiz.blueprint.get(s, quiz.blueprint.get("default", {})).values()) for s in banked
    )
    return FormPlan(question_ids, seed, closed, full_size)


def _fixed_form(session: Session, quiz: QuizInfo, skill_id: str | None, seed: int) -> FormPlan:
    query = select(Question.id).where(Question.quiz_id == quiz.id, Question.active)
    if skill_id is not None:
        query = query.where(Question.skill_id == skill_id)
    ids = list(session.scalars(query.order_by(Question.position)))
    if quiz.kind != QuizKind.SELF_ASSESSMENT:  # statements stay in the scale's reading order
        ids = shuffled(seed, ids)
    return FormPlan(ids, seed, {}, quiz.question_count)


def _pools(session: Session, skill_ids: list[str]) -> dict[str, list[PoolItem]]:
    """Each skill's bank items (their active versions)."""
    rows = session.execute(
        select(Question.skill_id, Question.id, Question.item_id, Question.level_id).where(
            Question.quiz_id.in_([bank_quiz_id(skill) for skill in skill_ids]),
            Question.active,
        )
    )
    pools: dict[str, list[PoolItem]] = {}
    for skill, question_id, item_id, level in rows:
        pools.setdefault(skill, []).append(
            PoolItem(question_id, item_id or str(question_id), level or "")
        )
    return pools


def recently_seen(session: Session, user_id: int, quiz_id: str) -> dict[str, set[str]]:
    """Per skill, the items of the person's previous attempts of that skill."""
    attempts = list(
        session.scalars(
            select(Attempt.question_ids)
            .where(
                Attempt.user_id == user_id,
                Attempt.quiz_id == quiz_id,
                Attempt.state != AttemptState.OPEN.value,
            )
            .order_by(Attempt.started_at.desc(), Attempt.id.desc())
            .limit(ATTEMPTS_LOOKED_AT)
        )
    )
    shown = {question_id for ids in attempts for question_id in ids}
    about = {
        question_id: (skill, item_id or str(question_id))
        for question_id, skill, item_id in session.execute(
            select(Question.id, Question.skill_id, Question.item_id).where(Question.id.in_(shown))
        )
    }
    seen: dict[str, set[str]] = {}
    counted: dict[str, int] = {}
    for ids in attempts:  # newest first
        per_skill: dict[str, set[str]] = {}
        for question_id in ids:
            if question_id in about:
                skill, item = about[question_id]
                per_skill.setdefault(skill, set()).add(item)
        for skill, items in per_skill.items():
            if counted.get(skill, 0) < RECENT_ATTEMPTS:
                seen.setdefault(skill, set()).update(items)
                counted[skill] = counted.get(skill, 0) + 1
    return seen
