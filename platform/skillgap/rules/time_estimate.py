"""How long an assessment takes, from what it asks a person to read and do.

An estimate a person can plan their week around has to come from the questions
themselves, not a number typed into a file: each question costs the time to
read its stem and options carefully, plus the time to answer. The rates:

- ``WORDS_PER_MINUTE = 180``: careful reading of a test item. Silent reading
  of English non-fiction averages about 238 words a minute (Brysbaert, "How
  many words do we read per minute?", Journal of Memory and Language 109,
  2019); reading to choose between close options is slower, so we assume
  three quarters of that.
- ``ANSWER_SECONDS = 6``: picking an option (or rating a statement) after reading.
- ``CONFIDENCE_SECONDS = 3``: the diagnostic's "how sure are you?" click.
- ``WORKING_SECONDS = 60``: a calculated question worked out on paper or a
  calculator, on top of reading it.

A measured median from submitted attempts would be better still; until enough
attempts exist, these rates keep the estimate honest about the text's length.
"""

from __future__ import annotations

import math
import re
from collections.abc import Iterable

WORDS_PER_MINUTE = 180
ANSWER_SECONDS = 6.0
CONFIDENCE_SECONDS = 3.0
WORKING_SECONDS = 60.0

_WORD = re.compile(r"\S+")  # a word is what spaces separate ("60%", "cost-per-result")


def word_count(texts: Iterable[str]) -> int:
    return sum(len(_WORD.findall(text)) for text in texts)


def question_seconds(words: int, *, confidence: bool = False, calculated: bool = False) -> float:
    """Seconds to read a question of ``words`` words (stem and options) and answer it."""
    seconds = words * 60 / WORDS_PER_MINUTE + ANSWER_SECONDS
    if confidence:
        seconds += CONFIDENCE_SECONDS
    if calculated:
        seconds += WORKING_SECONDS
    return seconds


def minutes(seconds: float) -> int:
    """Whole minutes to plan for: rounded up, never zero for a real assessment."""
    return max(1, math.ceil(seconds / 60 - 0.25)) if seconds > 0 else 0


def minutes_left(total_seconds: float, questions: int, answered: int) -> int:
    """What is left of an attempt, in proportion to its unanswered questions."""
    if questions <= 0 or answered >= questions:
        return 0
    return minutes(total_seconds * (questions - answered) / questions)
