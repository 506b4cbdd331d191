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

from flask_babel import gettext as _

from skillgap.content.errors import ErrorList, grouped
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
    fields, variables, wrong, content = _read_lines(content, shown, errors)
    first = min([n for n, _value in fields.values()] or [content[0][0] if content else 1])
    if ("calc" in fields) == ("formula" in fields):
        errors.add(
            shown,
            first,
            _("a calculated question has one 'formula: <dictionary id>' or 'calc: ...'"),
        )
    if len(variables) > MAX_VARIABLES:
        errors.add(
            shown,
            first,
            _("a calculated question has at most %(most)s variables", most=MAX_VARIABLES),
        )
    unit = _unit(fields, shown, errors)
    tolerance, relative = _tolerance(fields, shown, first, errors)
    ask = fields.get("ask", (0, "number"))
    if ask[1] not in calculated.ASK:
        errors.add(shown, ask[0], _("ask: is 'number' or 'choice', got %(ask)s", ask=repr(ask[1])))
    formula_id = fields.get("formula", (0, ""))[1]
    if formula_id and not SLUG.match(formula_id):
        errors.add(
            shown,
            fields["formula"][0],
            _("%(formula_id)s is not a formula id", formula_id=repr(formula_id)),
        )
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


def _read_lines(
    content: list[tuple[int, str]], shown: str, errors: ErrorList
) -> tuple[dict[str, tuple[int, str]], list[Variable], list[Misconception], list[tuple[int, str]]]:
    """The ``key: value`` lines at the start of ``content``: the fields by key
    (with their line), the variables, the misconceptions, and the lines after."""
    fields: dict[str, tuple[int, str]] = {}
    variables: list[Variable] = []
    wrong: list[Misconception] = []
    while content and (match := CALC_LINE.match(content[0][1])):
        number, (key, value) = content[0][0], match.groups()
        content = content[1:]
        if key == "var":
            variable = _variable(value, shown, number, errors)
            if variable is not None and variable.name in {v.name for v in variables}:
                errors.add(
                    shown,
                    number,
                    _("the variable %(name)s is defined twice", name=repr(variable.name)),
                )
            elif variable is not None:
                variables.append(variable)
        elif key == "wrong":
            name, _equals, expression = value.rpartition("=")
            if not name.strip() or not expression.strip():
                errors.add(shown, number, _("write 'wrong: <the misconception> = <expression>'"))
            else:
                wrong.append(Misconception(name.strip(), expression.strip()))
        elif key in fields:
            errors.add(shown, number, _("%(key)s: is given twice", key=key))
        else:
            fields[key] = (number, value)
    return fields, variables, wrong, content


def _variable(value: str, shown: str, number: int, errors: ErrorList) -> Variable | None:
    name, equals, definition = value.partition("=")
    name, definition = name.strip(), definition.strip()
    if not equals or not NAME.match(name):
        errors.add(
            shown,
            number,
            _("write 'var: <name> = <low>..<high> step <step> [unit]' or 'a | b | c'"),
        )
        return None
    if name == calculated.ANSWER:
        errors.add(shown, number, _("'answer' is the worked-out answer's name; pick another"))
        return None
    if "|" in definition:
        choices = tuple(c.strip() for c in definition.split("|"))
        if len(choices) > MAX_CHOICES or not all(choices):
            errors.add(shown, number, _("give 2 to %(most)s choices, none empty", most=MAX_CHOICES))
            return None
        return Variable(name, choices=choices)
    match = RANGE.match(definition)
    numbers = [_number(match.group(i)) for i in (1, 2, 3)] if match else []
    if not match or None in numbers:
        errors.add(
            shown,
            number,
            _(
                "%(name)s: expected '<low>..<high> step <step>', got %(definition)s",
                name=name,
                definition=repr(definition),
            ),
        )
        return None
    low, high, step = numbers
    assert low is not None and high is not None and step is not None
    unit = match.group(4) or ""
    if problem := _range_problem(name, low, high, step, unit):
        errors.add(shown, number, problem)
        return None
    return Variable(name, low, high, step, unit=unit)


def _range_problem(name: str, low: Decimal, high: Decimal, step: Decimal, unit: str) -> str | None:
    """Why ``<low>..<high> step <step> [unit]`` cannot be a variable's range, if it cannot."""
    if unit not in calculated.UNITS:
        return _(
            "%(name)s: unit must be one of %(units)s, got %(unit)s",
            name=name,
            units=UNIT_NAMES,
            unit=repr(unit),
        )
    if step <= 0 or high < low:
        return _("%(name)s: the range needs low <= high and a step above 0", name=name)
    if (high - low) / step > calculated.MAX_STEPS:
        return _("%(name)s: at most %(most)s steps", name=name, most=grouped(calculated.MAX_STEPS))
    if (high - low) % step != 0:
        return _(
            "%(name)s: %(high)s is not reached from %(low)s in steps of %(step)s",
            name=name,
            high=high,
            low=low,
            step=step,
        )
    return None


def _unit(fields: dict[str, tuple[int, str]], shown: str, errors: ErrorList) -> str | None:
    if "unit" not in fields:
        return None
    number, unit = fields["unit"]
    if unit not in calculated.UNITS:
        errors.add(
            shown,
            number,
            _(
                "unit: must be one of %(units)s (or left out), got %(unit)s",
                units=UNIT_NAMES,
                unit=repr(unit),
            ),
        )
    return unit


def _tolerance(
    fields: dict[str, tuple[int, str]], shown: str, first: int, errors: ErrorList
) -> tuple[Decimal, bool]:
    if "tolerance" not in fields:
        errors.add(shown, first, _("a calculated question needs a 'tolerance:' line"))
        return Decimal(0), False
    number, text = fields["tolerance"]
    relative = RELATIVE.match(text)
    value = _number(relative.group(1) if relative else text)
    if value is None or value <= 0 or (relative and value >= 100):
        errors.add(
            shown,
            number,
            _("tolerance: is a number above 0 (in the answer's unit) or '<n>% of the answer'"),
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
            _(
                "unknown formula %(formula_id)s (the formulas are in courses/metrics/formulas.yml)",
                formula_id=repr(template.formula_id),
            ),
        )
        return question
    unit = template.unit or UNIT_OF_FORMULA.get(spec.unit, "")
    template = replace(template, expression=spec.expression, unit=unit)
    try:
        formula.names(spec.expression)
    except formula.FormulaError as error:
        errors.add(
            shown, question.line, _("formula %(id)s: %(error)s", id=repr(spec.id), error=error)
        )
        return question
    for problem in calculated.check(template):
        errors.add(
            shown,
            question.line,
            _("formula %(id)s: %(problem)s", id=repr(spec.id), problem=problem),
        )
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
                errors.add(
                    shown, line, _("{%(found)s} is not a variable of this question", found=found)
                )
    for name in sorted(names - set(calculated.PLACEHOLDER.findall(question))):
        errors.add(
            shown,
            line,
            _(
                "the variable %(quoted)s is not shown in the question: add {%(name)s}",
                quoted=repr(name),
                name=name,
            ),
        )
