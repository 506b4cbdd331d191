"""Each quiz's estimated time per skill section, from its questions' length
(rules/time_estimate.py holds the rates). Read once per snapshot."""

from __future__ import annotations

from collections.abc import Mapping

from sqlalchemy import select
from sqlalchemy.orm import Session

from skillgap.content.bank import bank_quiz_id
from skillgap.kinds import QuestionKind, QuizKind
from skillgap.models import Question
from skillgap.rules import time_estimate

Seconds = dict[tuple[str, str], list[float]]  # (quiz, skill) -> seconds of each question


def question_seconds(session: Session) -> Seconds:
    """(quiz, skill) -> each active question's reading-and-answering seconds."""
    seconds: Seconds = {}
    for quiz_id, skill_id, kind, text, options, template in session.execute(
        select(
            Question.quiz_id,
            Question.skill_id,
            Question.kind,
            Question.text,
            Question.options,
            Question.template,
        ).where(Question.active)
    ):
        texts = [text, *(str(o.get("text", "")) for o in options or [])]
        calculated = kind == QuestionKind.CALCULATED
        if calculated and template:  # options are drawn per attempt: count the stem's length
            texts.append(str(template.get("ask", "")))
        words = time_estimate.word_count(texts)
        seconds.setdefault((quiz_id, skill_id), []).append(
            time_estimate.question_seconds(words, calculated=calculated)
        )
    return seconds


def section_seconds(
    quiz_id: str, kind: str, counts: Mapping[str, int], drawn: bool, seconds: Seconds
) -> dict[str, float]:
    """Seconds per skill section: a drawn diagnostic asks ``counts[skill]`` items of
    the skill's bank, each taken at the bank's mean; a fixed quiz asks its own."""
    if drawn:
        timed = {
            skill: count * _mean(seconds.get((bank_quiz_id(skill), skill), []))
            for skill, count in counts.items()
        }
    else:
        timed = {skill: sum(seconds.get((quiz_id, skill), [])) for skill in counts}
    if kind == QuizKind.DIAGNOSTIC:  # every answer also says how sure the person is
        timed = {
            skill: value + counts[skill] * time_estimate.CONFIDENCE_SECONDS
            for skill, value in timed.items()
        }
    return timed


def _mean(values: list[float]) -> float:
    return sum(values) / len(values) if values else 0.0
