"""Scoring rules, as pure functions (no database, no Flask).

- Per skill: percent = points earned / points possible over that skill's
  questions in one attempt; level = the highest level whose min_percent <= percent.
- A skill measured by fewer than 5 questions is low evidence.
- Calibration = self-rated level index - tested level index: > 0 over-confident,
  < 0 under-confident, 0 calibrated.
- Confidence (0.33 / 0.67 / 1.0) never changes the score; it gives a Brier
  score and a count of answers that were certain but wrong.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from enum import StrEnum

LOW_EVIDENCE_BELOW = 5
PASS_PERCENT = 60.0  # a module check is passed at entry level

# How sure the person was; the keys are the form values.
CONFIDENCE_LEVELS = {"guessing": 0.33, "fairly-sure": 0.67, "certain": 1.0}
CONFIDENCE_LABELS = {"guessing": "Guessing", "fairly-sure": "Fairly sure", "certain": "Certain"}
CERTAIN = 1.0


@dataclass(frozen=True)
class LevelRule:
    id: str
    name: str
    min_percent: float


def level_for(percent: float, levels: Sequence[LevelRule]) -> LevelRule:
    """The highest level whose min_percent <= percent. ``levels`` lowest first."""
    reached = levels[0]
    for level in levels:
        if percent >= level.min_percent:
            reached = level
    return reached


def percent_of(earned: float, possible: float) -> float:
    # Multiply first and round away float noise, so 3 of 5 is exactly 60.0.
    return round(earned * 100 / possible, 6) if possible else 0.0


def question_score(correct: set[int], chosen: Iterable[int]) -> float:
    """1 for exactly the correct option set, else 0 (multiple response is all-or-nothing)."""
    return 1.0 if correct and set(chosen) == correct else 0.0


@dataclass(frozen=True)
class GradedAnswer:
    skill_id: str
    score: float  # 0 or 1; an unanswered question scores 0
    confidence: float | None = None  # None when not given (or not asked)


@dataclass(frozen=True)
class SkillScore:
    skill_id: str
    earned: float
    possible: float
    percent: float
    level: LevelRule
    questions: int
    low_evidence: bool
    brier: float | None
    certain_count: int
    certain_wrong: int


def score_skills(answers: Sequence[GradedAnswer], levels: Sequence[LevelRule]) -> list[SkillScore]:
    by_skill: dict[str, list[GradedAnswer]] = {}
    for answer in answers:
        by_skill.setdefault(answer.skill_id, []).append(answer)
    scores = []
    for skill_id, skill_answers in by_skill.items():
        earned = sum(a.score for a in skill_answers)
        possible = float(len(skill_answers))
        percent = percent_of(earned, possible)
        rated = [a for a in skill_answers if a.confidence is not None]
        certain = [a for a in rated if a.confidence == CERTAIN]
        scores.append(
            SkillScore(
                skill_id=skill_id,
                earned=earned,
                possible=possible,
                percent=percent,
                level=level_for(percent, levels),
                questions=len(skill_answers),
                low_evidence=len(skill_answers) < LOW_EVIDENCE_BELOW,
                brier=brier_score([(a.confidence, a.score) for a in rated]),  # type: ignore[misc]
                certain_count=len(certain),
                certain_wrong=sum(1 for a in certain if a.score == 0),
            )
        )
    return scores


def brier_score(pairs: Sequence[tuple[float, float]]) -> float | None:
    """Mean of (confidence - outcome)^2: 0 is perfectly calibrated confidence,
    1 is certain and always wrong. None without any rated answer."""
    if not pairs:
        return None
    return round(sum((confidence - outcome) ** 2 for confidence, outcome in pairs) / len(pairs), 6)


class Calibration(StrEnum):
    OVER = "over-confident"
    CALIBRATED = "calibrated"
    UNDER = "under-confident"


def calibration(self_level_index: int, tested_level_index: int) -> Calibration:
    difference = self_level_index - tested_level_index
    if difference > 0:
        return Calibration.OVER
    if difference < 0:
        return Calibration.UNDER
    return Calibration.CALIBRATED


def self_rated_level_index(claimed_indexes: Sequence[int]) -> int:
    """Several statements per skill: the mean claimed level, rounded to the
    nearest level, ties rounded down (claims are not given the benefit of the doubt)."""
    mean = sum(claimed_indexes) / len(claimed_indexes)
    return math.ceil(mean - 0.5)
