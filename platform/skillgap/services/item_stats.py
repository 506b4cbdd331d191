"""Item statistics for admins: how each question behaves across submitted attempts.

- answers: how many people answered it;
- facility: percent of those answers that were right (too hard < 20%, too easy > 95%);
- discrimination: point-biserial correlation between the item score (0/1) and
  the rest-of-test score (the attempt's other points); below 0 means people who
  do well overall tend to get it wrong, which usually means a flawed key or
  an ambiguous question.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session

from skillgap.models import Answer, Attempt, AttemptState, Question

TOO_HARD_BELOW = 20.0
TOO_EASY_ABOVE = 95.0


def point_biserial(pairs: Sequence[tuple[float, float]]) -> float | None:
    """r_pb = (M1 - M0) / s * sqrt(p q) over (item score, rest score) pairs, with s the
    population standard deviation of the rest scores. None when it is undefined
    (everyone right, everyone wrong, or no spread in the rest scores)."""
    n = len(pairs)
    if n < 2:
        return None
    right = [rest for item, rest in pairs if item == 1]
    wrong = [rest for item, rest in pairs if item != 1]
    if not right or not wrong:
        return None
    rests = [rest for _, rest in pairs]
    mean = sum(rests) / n
    spread = math.sqrt(sum((rest - mean) ** 2 for rest in rests) / n)
    if spread == 0:
        return None
    p = len(right) / n
    difference = sum(right) / len(right) - sum(wrong) / len(wrong)
    return round(difference / spread * math.sqrt(p * (1 - p)), 4)


@dataclass(frozen=True)
class ItemStat:
    question: Question
    answers: int
    facility: float | None  # percent right among answers
    discrimination: float | None

    @property
    def flags(self) -> list[str]:
        flags = []
        if self.facility is not None and self.facility < TOO_HARD_BELOW:
            flags.append("very hard (under 20% right)")
        if self.facility is not None and self.facility > TOO_EASY_ABOVE:
            flags.append("very easy (over 95% right)")
        if self.discrimination is not None and self.discrimination < 0:
            flags.append("negative discrimination: check the key and wording")
        return flags


def item_statistics(session: Session, quiz_id: str) -> list[ItemStat]:
    """One plain-column query for every graded answer to the quiz's questions (for a
    bank: its items, on whatever form they were asked), then arithmetic. A bank
    item's versions count as one item (grouped by their stable id); the rest
    score is the attempt's other points on the same quiz or bank."""
    rows = session.execute(
        select(Answer.attempt_id, Answer.question_id, Answer.score)
        .join(Attempt, Attempt.id == Answer.attempt_id)
        .join(Question, Question.id == Answer.question_id)
        .where(
            Question.quiz_id == quiz_id,
            Attempt.state != AttemptState.OPEN.value,
            Answer.score.is_not(None),
        )
    ).all()
    questions = list(
        session.scalars(
            select(Question)
            .where(Question.quiz_id == quiz_id)
            .order_by(Question.active.desc(), Question.position, Question.id.desc())
        )
    )
    key_of = {q.id: q.item_id or str(q.id) for q in questions}
    totals: dict[int, float] = {}
    for attempt_id, _question_id, score in rows:  # scored answers only: score is a number
        totals[attempt_id] = totals.get(attempt_id, 0.0) + float(score or 0)
    per_item: dict[str, list[tuple[float, float]]] = {}
    for attempt_id, question_id, score in rows:
        rest = totals[attempt_id] - float(score or 0)
        per_item.setdefault(key_of[question_id], []).append((float(score or 0), rest))
    stats = []
    shown: set[str] = set()
    for question in questions:  # active versions first: each item shown once
        key = key_of[question.id]
        pairs = per_item.get(key, [])
        if key in shown or (not question.active and not pairs):
            continue
        shown.add(key)
        facility = round(100 * sum(i for i, _ in pairs) / len(pairs), 2) if pairs else None
        stats.append(ItemStat(question, len(pairs), facility, point_biserial(pairs)))
    return stats
