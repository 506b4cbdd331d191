"""The time an assessment is said to take comes from what it asks to be read
and done (rules/time_estimate.py); figures worked out by hand."""

from __future__ import annotations

from skillgap.curriculum.quiz_times import section_seconds
from skillgap.rules import time_estimate


def test_reading_and_answering_a_question():
    # 90 words at 180 a minute is 30 s, plus 6 s to answer.
    assert time_estimate.question_seconds(90) == 36
    assert time_estimate.question_seconds(90, confidence=True) == 39
    assert time_estimate.question_seconds(90, calculated=True) == 96


def test_words_are_what_spaces_separate():
    assert time_estimate.word_count(["A 60% engagement-rate", "  and  more "]) == 5
    assert time_estimate.word_count([]) == 0


def test_minutes_round_up_but_not_for_a_few_seconds_over():
    assert time_estimate.minutes(0) == 0
    assert time_estimate.minutes(10) == 1  # never "0 minutes" for a real assessment
    assert time_estimate.minutes(60) == 1
    assert time_estimate.minutes(70) == 1  # 1.17 min: within a quarter minute
    assert time_estimate.minutes(90) == 2
    assert time_estimate.minutes(9 * 60 + 1) == 9


def test_minutes_left_follow_the_unanswered_share():
    assert time_estimate.minutes_left(20 * 60, 40, 0) == 20
    assert time_estimate.minutes_left(20 * 60, 40, 30) == 5
    assert time_estimate.minutes_left(20 * 60, 40, 40) == 0
    assert time_estimate.minutes_left(20 * 60, 0, 0) == 0


def test_a_drawn_section_costs_its_count_at_the_bank_mean_and_a_confidence_click_each():
    seconds = {("bank-a", "a"): [30.0, 50.0], ("bank-b", "b"): [20.0]}
    drawn = section_seconds("diagnostic", "diagnostic", {"a": 10, "b": 2}, True, seconds)
    assert drawn == {"a": 10 * 40 + 10 * 3, "b": 2 * 20 + 2 * 3}


def test_a_fixed_quiz_costs_its_own_questions():
    seconds = {("check", "a"): [30.0, 50.0], ("other", "a"): [999.0]}
    assert section_seconds("check", "check", {"a": 2}, False, seconds) == {"a": 80.0}
