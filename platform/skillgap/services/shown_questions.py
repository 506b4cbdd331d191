"""A question as one attempt shows it: for a calculated question, the text,
options and explanation with the attempt's own numbers (rules/calculated.py);
for any other, the stored text and options.

The instance is derived from the attempt's seed and the question id, so the
take page, a resume, grading and the result page agree without storing it.
It is cached per (question, template, seed): a results page asks for it
several times per question.
"""

from __future__ import annotations

import functools
import json
from decimal import Decimal
from typing import Any

from flask_babel import gettext as _

from skillgap.i18n import uses_decimal_comma
from skillgap.models import Answer, Question
from skillgap.rules import calculated, scoring


@functools.lru_cache(maxsize=4096)
def _made(
    question_id: int, template_json: str, seed: int | None
) -> tuple[calculated.Template, calculated.Instance]:
    template = calculated.from_json(json.loads(template_json))
    return template, calculated.instance(template, seed, question_id)


def instance_of(
    question: Question, seed: int | None
) -> tuple[calculated.Template, calculated.Instance] | None:
    if question.template is None:
        return None
    return _made(question.id, json.dumps(question.template, sort_keys=True), seed)


def options_of(question: Question, seed: int | None) -> list[dict[str, Any]]:
    """The options in their canonical order (shuffled for showing by option_order)."""
    made = instance_of(question, seed)
    return question.options if made is None else made[1].options


def text_of(question: Question, seed: int | None) -> str:
    made = instance_of(question, seed)
    return question.text if made is None else calculated.fill(question.text, *made)


def explanation_of(question: Question, seed: int | None) -> str:
    made = instance_of(question, seed)
    return question.explanation if made is None else calculated.fill(question.explanation, *made)


def asks_number(question: Question) -> bool:
    """A calculated question answered by typing a number (not among options)."""
    return question.template is not None and question.template.get("ask", "number") == "number"


def number_score(question: Question, seed: int | None, response: str | None) -> float:
    """1 when the typed number is within the tolerance of this attempt's answer."""
    made = instance_of(question, seed)
    if made is None or response is None:
        return 0.0
    try:
        given = _number(response)
    except ValueError:
        return 0.0
    template, instance = made
    return 1.0 if calculated.accepted(template, instance.answer, given) else 0.0


def number_problem(response: str | None) -> str:
    """Why a typed answer is not a number ('' when it is, or when nothing was typed)."""
    if not response:
        return ""
    try:
        _number(response)
    except calculated.NumberProblem as problem:
        return _(problem.message, **problem.values)
    return ""


def _number(response: str) -> Decimal:
    """The typed number, read as the reader writes numbers (a Dutch decimal comma)."""
    return calculated.parse_number(response, decimal_comma=uses_decimal_comma())


def accepted_range(question: Question, seed: int | None) -> str:
    """'2.30% to 2.40%': what counted as right, for the result page."""
    made = instance_of(question, seed)
    if made is None:
        return ""
    template, instance = made
    allowed = template.tolerance * abs(instance.answer) if template.relative else template.tolerance
    places = template.answer_decimals(instance.answer) + (1 if template.relative else 0)
    low, high = (instance.answer - allowed, instance.answer + allowed)
    return _(
        "%(low)s to %(high)s",
        low=calculated.format_value(low, template.unit, places),
        high=calculated.format_value(high, template.unit, places),
    )


def misconception(question: Question, seed: int | None, response: str | None) -> str:
    """The named misconception a wrong typed number matches, if any."""
    made = instance_of(question, seed)
    if made is None or not response:
        return ""
    try:
        given = _number(response)
    except ValueError:
        return ""
    template, instance = made
    if calculated.accepted(template, instance.answer, given):
        return ""
    return calculated.misconception_of(template, instance, given)


def chosen_misconception(question: Question, seed: int | None, chosen: list[int]) -> str:
    """Asked as choice: the misconception behind the option picked, if any."""
    made = instance_of(question, seed)
    if made is None or not chosen or chosen[0] >= len(made[1].choices):
        return ""
    return made[1].choices[chosen[0]].misconception


def shown_answer(question: Question, seed: int | None) -> str:
    made = instance_of(question, seed)
    return "" if made is None else made[1].shown_answer


def answer_value(question: Question, seed: int | None) -> Decimal | None:
    made = instance_of(question, seed)
    return None if made is None else made[1].answer


def answer_score(question: Question, seed: int | None, answer: Answer | None) -> float:
    """An answer's score, 0 or 1: a typed number against this attempt's instance,
    chosen options against the key (multiple response all or nothing)."""
    if answer is None:
        return 0.0
    if asks_number(question):
        return number_score(question, seed, answer.response)
    options = options_of(question, seed)
    correct = {index for index, option in enumerate(options) if option["correct"]}
    return scoring.question_score(correct, answer.chosen)
