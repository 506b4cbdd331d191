"""Scoring rules, checked against values worked out by hand."""

from __future__ import annotations

import pytest

from skillgap.rules.scoring import (
    Calibration,
    GradedAnswer,
    LevelRule,
    brier_score,
    calibration,
    level_for,
    percent_of,
    question_score,
    score_skills,
    self_rated_level_index,
)

LEVELS = [
    LevelRule("below-entry", "Below entry", 0),
    LevelRule("entry", "Entry", 60),
    LevelRule("intermediate", "Intermediate", 75),
    LevelRule("advanced", "Advanced", 90),
]


@pytest.mark.parametrize(
    ("percent", "level"),
    [
        (0, "below-entry"),
        (59.99, "below-entry"),
        (60, "entry"),
        (74.99, "entry"),
        (75, "intermediate"),
        (89.99, "intermediate"),
        (90, "advanced"),
        (100, "advanced"),
    ],
)
def test_level_boundaries(percent: float, level: str) -> None:
    assert level_for(percent, LEVELS).id == level


@pytest.mark.parametrize(
    ("earned", "possible", "level"),
    [
        (3, 5, "entry"),
        (9, 15, "entry"),
        (29, 100, "below-entry"),
        (3, 4, "intermediate"),
        (9, 10, "advanced"),
    ],
)
def test_percent_has_no_float_noise_at_the_thresholds(earned, possible, level) -> None:
    assert level_for(percent_of(earned, possible), LEVELS).id == level


def test_multiple_response_is_all_or_nothing() -> None:
    correct = {0, 2}
    assert question_score(correct, [0, 2]) == 1
    assert question_score(correct, [2, 0]) == 1
    assert question_score(correct, [0]) == 0  # one of two right is still wrong
    assert question_score(correct, [0, 1, 2]) == 0  # an extra wrong option
    assert question_score(correct, []) == 0
    assert question_score({1}, [1]) == 1


@pytest.mark.parametrize(
    ("self_index", "tested_index", "expected"),
    [(3, 1, Calibration.OVER), (1, 1, Calibration.CALIBRATED), (0, 2, Calibration.UNDER)],
)
def test_calibration_sign(self_index, tested_index, expected) -> None:
    assert calibration(self_index, tested_index) is expected


def test_low_evidence_below_five_questions() -> None:
    four = [GradedAnswer("a", 1)] * 4
    five = [GradedAnswer("b", 1)] * 5
    scores = {s.skill_id: s for s in score_skills(four + five, LEVELS)}
    assert scores["a"].low_evidence is True
    assert scores["b"].low_evidence is False


def test_per_skill_percent_and_level() -> None:
    answers = (
        [GradedAnswer("kpi", 1)] * 7
        + [GradedAnswer("kpi", 0)] * 3
        + [GradedAnswer("metrics", 1)] * 9
        + [GradedAnswer("metrics", 0)]
    )
    scores = {s.skill_id: s for s in score_skills(answers, LEVELS)}
    assert (scores["kpi"].earned, scores["kpi"].possible, scores["kpi"].percent) == (7, 10, 70)
    assert scores["kpi"].level.id == "entry"
    assert scores["metrics"].percent == 90 and scores["metrics"].level.id == "advanced"


def test_brier_and_certain_but_wrong_match_hand_computation() -> None:
    # certain & right, certain & wrong, fairly sure & wrong, guessing & right, no confidence & wrong
    answers = [
        GradedAnswer("s", 1, 1.0),
        GradedAnswer("s", 0, 1.0),
        GradedAnswer("s", 0, 0.67),
        GradedAnswer("s", 1, 0.33),
        GradedAnswer("s", 0, None),
    ]
    (score,) = score_skills(answers, LEVELS)
    # ((1-1)^2 + (1-0)^2 + (0.67-0)^2 + (0.33-1)^2) / 4 = (0 + 1 + 0.4489 + 0.4489) / 4
    assert score.brier == pytest.approx(0.47445)
    assert score.certain_count == 2 and score.certain_wrong == 1
    assert score.percent == 40 and score.questions == 5  # confidence never changes the score


def test_brier_bounds() -> None:
    assert brier_score([]) is None
    assert brier_score([(1.0, 1.0), (1.0, 1.0)]) == 0
    assert brier_score([(1.0, 0.0)]) == 1


@pytest.mark.parametrize(
    ("claims", "index"), [([3, 3], 3), ([1, 2], 1), ([2, 3, 3], 3), ([0, 3], 1), ([2], 2)]
)
def test_self_rating_combines_statements_rounding_ties_down(claims, index) -> None:
    assert self_rated_level_index(claims) == index
