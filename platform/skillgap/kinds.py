"""The kinds and states the domain is built on, as enums in one place.

Models store them (as strings), content files name them, pure rules compare
them; keeping them here, away from SQLAlchemy, lets the file readers and the
rules use them without importing the database layer.
"""

from __future__ import annotations

from enum import StrEnum


class QuizKind(StrEnum):
    DIAGNOSTIC = "diagnostic"
    SELF_ASSESSMENT = "self-assessment"
    CHECK = "check"
    BANK = "bank"  # a skill's item bank (quizzes/bank/<skill>.md); never taken itself


class QuestionKind(StrEnum):
    SINGLE = "single"  # one correct option
    MULTIPLE = "multiple"  # two or more correct options, scored all-or-nothing
    TRUE_FALSE = "true-false"
    RATING = "rating"  # a self-assessment statement rated on the self-rating scale
    # Numbers drawn per attempt from a template (rules/calculated.py): answered with
    # a number, or, asked as choice, among options from named misconceptions.
    CALCULATED = "calculated"


class AttemptState(StrEnum):
    OPEN = "open"
    SUBMITTED = "submitted"
    TIMED_OUT = "timed-out"  # submitted after the time limit; answers given in time count
