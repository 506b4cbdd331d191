"""Reading a calculated question's lines in a quiz or bank file.

After ``skill:`` (and ``name:``, or a bank item's ``id:``/``level:``), a
calculated question has these lines instead of options (format and examples
in docs/calculated-questions.md)::

    formula: cpm                         a dictionary formula (courses/metrics/formulas.yml)
    calc: cost / impressions * 1000      ...or an expression of its own
    var: cost = 400..6000 step 50 €      a range, with an optional unit
    var: platform = Instagram | Facebook a label (or numbers: 7 | 14 | 28)
                                         (no var: lines: fixed numbers, as from GIFT)
    unit: €                              the answer's unit
    tolerance: 0.01                      absolute, in the answer's unit
    tolerance: 1% of the answer          ...or relative
    ask: choice                          options from the misconceptions (default: number)
    wrong: forgot the 1,000 = cost / impressions

A ``formula:`` id is resolved against the dictionary after every file is read
(``resolve_formulas``), so a quiz can use any formula the dictionary defines.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import replace
from decimal import Decimal
from typing import TYPE_CHECKING

from skillgap.content.errors import ErrorList
from skillgap.content.metrics import FormulaSpec
from skillgap.content.source import SLUG
from skillgap.rules import calculated, formula
from skillgap.rules.calculated import Misconception, Template, Variable

if TYPE_CHECKING:  # quizzes.py reads its calculated lines with this module
    from skillgap.content.quizzes import QuestionSpec, QuizSpec

CALC_LINE = re.compile(r"^(calc|formula|var|unit|tolerance|ask|wrong):\s*(.*?)\s*$")
RANGE = re.compile(r"^(-?[\d.]+)\s*\.\.\s*(-?[\d.]+)\s+step\s+([\d.]+)(?:\s+(\S+))?$")
NAME = re.compile(r"^[a-z][a-z0-9_]*$")
RELATIVE = re.compile(r"^([\d.]+)\s*%\s+of the answer$")
UNIT_NAMES = " ".join(unit for unit in calculated.UNITS if unit)
MAX_VARIABLES = 8
MAX_CHOICES = 20
# The dictionary's units, as a calculated answer shows them.
UNIT_OF_FORMULA = {"percent": "%", "ratio": "", "count": "", "seconds": "s"}


def starts_calculated(content: list[tuple[int, str]]) -> bool:
    return bool(content) and bool(CALC_LINE.match(content[0][1]))


def parse_calc_lines(
    content: list[tuple[int, str]], shown: str, errors: ErrorList
) -> tuple[Template | None, list[tuple[int, str]]]:
    """The template these lines define (its expression empty while a
    ``formula:`` id awaits resolving), and the lines after them."""
    before = len(errors)
    fields: dict[str, tuple[int, str]] = {}
    variables: list[Variable] = []
    wrong: list[Misconception] = []
    while content and (match := CALC_LINE.match(content[0][1])):
        number, (key, value) = content[0][0], match.groups()
        content = content[1:]
        if key == "var":
            variable = _variable(value, shown, number, errors)
            if variable is not None and variable.name in {v.name for v in variables}:
                errors.add(shown, number, f"the variable {variable.name!r} is defined twice")
            elif variable is not None:
                variables.append(variable)
        elif key == "wrong":
            name, _, expression = value.rpartition("=")
            if not name.strip() or not expression.strip():
                errors.add(shown, number, "write 'wrong: <the misconception> = <expression>'")
            else:
                wrong.append(Misconception(name.strip(), expression.strip()))
        elif key in fields:
            errors.add(shown, number, f"{key}: is given twice")
        else:
            fields[key] = (number, value)
    first = min([n for n, _ in fields.values()] or [content[0][0] if content else 1])
    if ("calc" in fields) == ("formula" in fields):
        errors.add(
            shown, first, "a calculated question has one 'formula: <dictionary id>' or 'calc: ...'"
        )
    if len(variables) > MAX_VARIABLES:
        errors.add(shown, first, f"a calculated question has at most {MAX_VARIABLES} variables")
    unit = _unit(fields, shown, errors)
    tolerance, relative = _tolerance(fields, shown, first, errors)
    ask = fields.get("ask", (0, "number"))
    if ask[1] not in calculated.ASK:
        errors.add(shown, ask[0], f"ask: is 'number' or 'choice', got {ask[1]!r}")
    formula_id = fields.get("formula", (0, ""))[1]
    if formula_id and not SLUG.match(formula_id):
        errors.add(shown, fields["formula"][0], f"{formula_id!r} is not a formula id")
    if len(errors) > before:
        return None, content
    template = Template(
        expression=fields.get("calc", (0, ""))[1],
        variables=tuple(variables),
        unit=unit if unit is not None else "",
        tolerance=tolerance,
        relative=relative,
        ask=ask[1],
        misconceptions=tuple(wrong),
        formula_id=formula_id,
    )
    if template.expression:
        for problem in calculated.check(template):
            errors.add(shown, fields["calc"][0], problem)
    return template, content


def _variable(value: str, shown: str, number: int, errors: ErrorList) -> Variable | None:
    name, equals, definition = value.partition("=")
    name, definition = name.strip(), definition.strip()
    if not equals or not NAME.match(name):
        errors.add(
            shown, number, "write 'var: <name> = <low>..<high> step <step> [unit]' or 'a | b | c'"
        )
        return None
    if name == calculated.ANSWER:
        errors.add(shown, number, "'answer' is the worked-out answer's name; pick another")
        return None
    if "|" in definition:
        choices = tuple(c.strip() for c in definition.split("|"))
        if len(choices) > MAX_CHOICES or not all(choices):
            errors.add(shown, number, f"give 2 to {MAX_CHOICES} choices, none empty")
            return None
        return Variable(name, choices=choices)
    match = RANGE.match(definition)
    numbers = [_number(match.group(i)) for i in (1, 2, 3)] if match else []
    if not match or None in numbers:
        errors.add(
            shown, number, f"{name}: expected '<low>..<high> step <step>', got {definition!r}"
        )
        return None
    low, high, step = numbers
    assert low is not None and high is not None and step is not None
    unit = match.group(4) or ""
    if unit not in calculated.UNITS:
        errors.add(shown, number, f"{name}: unit must be one of {UNIT_NAMES}, got {unit!r}")
        return None
    if step <= 0 or high < low:
        errors.add(shown, number, f"{name}: the range needs low <= high and a step above 0")
        return None
    if (high - low) / step > calculated.MAX_STEPS:
        errors.add(shown, number, f"{name}: at most {calculated.MAX_STEPS:,} steps")
        return None
    if (high - low) % step != 0:
        errors.add(shown, number, f"{name}: {high} is not reached from {low} in steps of {step}")
        return None
    return Variable(name, low, high, step, unit=unit)


def _unit(fields: dict[str, tuple[int, str]], shown: str, errors: ErrorList) -> str | None:
    if "unit" not in fields:
        return None
    number, unit = fields["unit"]
    if unit not in calculated.UNITS:
        errors.add(shown, number, f"unit: must be one of {UNIT_NAMES} (or left out), got {unit!r}")
    return unit


def _tolerance(
    fields: dict[str, tuple[int, str]], shown: str, first: int, errors: ErrorList
) -> tuple[Decimal, bool]:
    if "tolerance" not in fields:
        errors.add(shown, first, "a calculated question needs a 'tolerance:' line")
        return Decimal(0), False
    number, text = fields["tolerance"]
    relative = RELATIVE.match(text)
    value = _number(relative.group(1) if relative else text)
    if value is None or value <= 0 or (relative and value >= 100):
        errors.add(
            shown,
            number,
            "tolerance: is a number above 0 (in the answer's unit) or '<n>% of the answer'",
        )
        return Decimal(0), False
    return (value / 100, True) if relative else (value, False)


def _number(text: str) -> Decimal | None:
    try:
        return Decimal(text)
    except ArithmeticError:
        return None


def resolve_formulas(
    quizzes: list[QuizSpec], formulas: Mapping[str, FormulaSpec], errors: ErrorList
) -> list[QuizSpec]:
    """Fill in each ``formula:`` question's expression from the dictionary, then
    check it like any other template. Unknown ids are ``file:line`` errors."""
    resolved = []
    for quiz in quizzes:
        questions = [_resolve(quiz.path, q, formulas, errors) for q in quiz.questions]
        resolved.append(replace(quiz, questions=questions))
    return resolved


def _resolve(
    shown: str, question: QuestionSpec, formulas: Mapping[str, FormulaSpec], errors: ErrorList
) -> QuestionSpec:
    template = question.template
    if template is None or not template.formula_id or template.expression:
        return question
    spec = formulas.get(template.formula_id)
    if spec is None:
        errors.add(
            shown,
            question.line,
            f"unknown formula {template.formula_id!r} (the formulas are in "
            "courses/metrics/formulas.yml)",
        )
        return question
    unit = template.unit or UNIT_OF_FORMULA.get(spec.unit, "")
    template = replace(template, expression=spec.expression, unit=unit)
    try:
        formula.names(spec.expression)
    except formula.FormulaError as error:
        errors.add(shown, question.line, f"formula {spec.id!r}: {error}")
        return question
    for problem in calculated.check(template):
        errors.add(shown, question.line, f"formula {spec.id!r}: {problem}")
    return replace(question, template=template)


def check_placeholders(
    shown: str, line: int, texts: list[str], template: Template, errors: ErrorList
) -> None:
    """Every ``{name}`` is a variable (or ``{answer}`` in the explanation), and every
    variable appears in the question, or nobody could work the answer out."""
    question = texts[0]
    names = {v.name for v in template.variables}
    for index, text in enumerate(texts):
        for found in calculated.PLACEHOLDER.findall(text):
            allowed = names | ({calculated.ANSWER} if index else set())
            if found not in allowed:
                errors.add(shown, line, f"{{{found}}} is not a variable of this question")
    for name in sorted(names - set(calculated.PLACEHOLDER.findall(question))):
        errors.add(
            shown, line, f"the variable {name!r} is not shown in the question: add {{{name}}}"
        )
