"""Calculated questions: a template with named variables, a formula and a
tolerance, and the concrete question each attempt gets from it.

Pure functions (no Flask, no database). An attempt's numbers come from its
seed and the question id, so the take page, a resumed attempt, grading and
the result page all compute the same instance and nothing is stored per
question. Numbers are Decimals: a value drawn from ``2.5..7.5 step 0.5`` is
exactly 3.5, and the tolerance test ``|given - answer| <= tolerance`` is exact
at its boundary instead of depending on binary rounding.

Formats (docs/calculated-questions.md): a variable is a range
``low..high step s`` or a list of choices ``7 | 14 | 28`` (a list of words is a
label: shown in the text, never calculated with), with an optional unit. The
answer has a unit and an absolute tolerance (in the answer's unit) or a
relative one (a share of the answer). Asked as ``choice``, the options are
the answer and the values named misconceptions give (wrong denominator,
percent vs points...), each kept only when it differs from the answer by more
than the tolerance.
"""

from __future__ import annotations

import math
import random
import re
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from itertools import product
from typing import Any

from skillgap.rules import formula
from skillgap.rules.messages import N_, Problem

TIMES = "\u00d7"  # the multiplication sign, as ROAS and frequency are written
UNITS = ("", "€", "$", "£", "%", "s", TIMES)
PREFIX_UNITS = ("€", "$", "£")
ASK = ("number", "choice")
PLACEHOLDER = re.compile(r"\{([a-z][a-z0-9_]*)\}")
ANSWER = "answer"  # the placeholder an explanation uses for the worked-out answer
MAX_STEPS = 100_000
MAX_INPUT = 40  # characters of a typed answer
SIGNIFICANT = Decimal("1e-12")
# When fewer than this many options survive (misconceptions that agree with the
# answer for these numbers are dropped), decimal-point slips fill the gap.
MIN_OPTIONS = 3
SAMPLE_DRAWS = 200  # random instances a template is checked on at import


class TemplateError(ValueError):
    """A template that cannot produce a fair question; the message names why."""


@dataclass(frozen=True)
class Variable:
    name: str
    low: Decimal | None = None  # a range low..high step step
    high: Decimal | None = None
    step: Decimal | None = None
    choices: tuple[str, ...] = ()  # or one of these
    unit: str = ""

    @property
    def is_label(self) -> bool:
        """Choices that are words: substituted into the text, never calculated with."""
        return bool(self.choices) and any(_decimal(c) is None for c in self.choices)

    @property
    def decimals(self) -> int:
        if self.step is not None:
            return _places(self.step)
        return max((_places(_decimal(c) or Decimal(0)) for c in self.choices), default=0)

    def draw(self, rng: random.Random) -> Decimal | str:
        if self.choices:
            choice = rng.choice(self.choices)
            return choice if self.is_label else Decimal(choice)
        assert self.low is not None and self.high is not None and self.step is not None
        steps = int((self.high - self.low) / self.step)
        return self.low + self.step * rng.randint(0, steps)

    def extremes(self) -> list[Decimal]:
        if self.choices:
            numbers = sorted(Decimal(c) for c in self.choices)
            return [numbers[0], numbers[-1]]
        assert self.low is not None and self.high is not None and self.step is not None
        steps = int((self.high - self.low) / self.step)
        return [self.low, self.low + self.step * steps]


@dataclass(frozen=True)
class Misconception:
    name: str  # "wrong denominator: divided by followers"
    expression: str


@dataclass(frozen=True)
class Template:
    expression: str
    variables: tuple[Variable, ...]
    unit: str = ""
    tolerance: Decimal = Decimal("0.01")
    relative: bool = False  # tolerance is a share of the answer (0.01 = 1%)
    ask: str = "number"
    misconceptions: tuple[Misconception, ...] = ()
    formula_id: str = ""  # the dictionary formula the expression comes from, if any

    @property
    def numeric(self) -> tuple[Variable, ...]:
        return tuple(v for v in self.variables if not v.is_label)

    def answer_decimals(self, answer: Decimal) -> int:
        """Places the answer is shown with: enough that rounding stays well inside
        the tolerance."""
        if not self.relative:
            return max(0, -math.floor(math.log10(self.tolerance)))
        significant = math.ceil(-math.log10(self.tolerance)) + 1
        if answer == 0:
            return significant
        return max(0, significant - 1 - math.floor(math.log10(abs(answer))))


@dataclass(frozen=True)
class Choice:
    value: Decimal
    text: str
    correct: bool
    misconception: str = ""


@dataclass(frozen=True)
class Instance:
    values: dict[str, Decimal | str]
    answer: Decimal
    shown_answer: str
    choices: tuple[Choice, ...]  # asked as choice: the answer first, then misconceptions

    @property
    def options(self) -> list[dict[str, Any]]:
        """The options as a question's options are stored (for the pages)."""
        return [{"text": c.text, "correct": c.correct} for c in self.choices]


# -- building and checking ----------------------------------------------------


def instance(template: Template, seed: int | None, question_id: int) -> Instance:
    """The question one attempt asks: its numbers, answer and (as choice) options."""
    rng = random.Random(f"{seed}:{question_id}:numbers")
    values = {v.name: v.draw(rng) for v in template.variables}
    return _instance(template, values)


def _instance(template: Template, values: dict[str, Decimal | str]) -> Instance:
    numbers = {k: float(v) for k, v in values.items() if isinstance(v, Decimal)}
    answer = _exact(formula.evaluate(template.expression, numbers))
    decimals = template.answer_decimals(answer)
    shown = format_value(answer, template.unit, decimals)
    choices: tuple[Choice, ...] = ()
    if template.ask == "choice":
        choices = _choices(template, numbers, answer, decimals)
    return Instance(values, answer, shown, choices)


def _choices(
    template: Template, numbers: dict[str, float], answer: Decimal, decimals: int
) -> tuple[Choice, ...]:
    kept = [Choice(answer, format_value(answer, template.unit, decimals), True)]
    candidates = [(m.name, _try(m.expression, numbers)) for m in template.misconceptions] + [
        ("decimal point slip: ten times too large", answer * 10),
        ("decimal point slip: ten times too small", answer / 10),
    ]
    for count, (name, value) in enumerate(candidates):
        if count >= len(template.misconceptions) and len(kept) >= MIN_OPTIONS:
            break
        if value is None or accepted(template, answer, value):
            continue
        text = format_value(value, template.unit, decimals)
        if any(text == choice.text for choice in kept):
            continue
        kept.append(Choice(value, text, False, name))
    return tuple(kept)


def _try(expression: str, numbers: dict[str, float]) -> Decimal | None:
    try:
        return _exact(formula.evaluate(expression, numbers))
    except formula.FormulaError:
        return None


def check(template: Template) -> list[str]:
    """Problems that make the template unfair or unusable, checked on the
    extremes of every range and on SAMPLE_DRAWS random instances."""
    problems: list[str] = []
    known = {v.name for v in template.numeric}
    labels = {v.name for v in template.variables if v.is_label}
    for expression, what in [(template.expression, "the formula")] + [
        (m.expression, f"the misconception {m.name!r}") for m in template.misconceptions
    ]:
        try:
            used = formula.names(expression)
        except formula.FormulaError as error:
            problems.append(f"{what}: {error}")
            continue
        for name in sorted(used - known):
            kind = "a label (words), not a number" if name in labels else "not a variable"
            problems.append(f"{what} uses {name!r}, which is {kind}")
    if problems:
        return problems
    if template.ask == "choice" and len(template.misconceptions) < 2:
        problems.append("asked as choice, a template needs at least two 'wrong:' misconceptions")
    corners = [
        dict(zip([v.name for v in template.numeric], combo, strict=True))
        for combo in product(*(v.extremes() for v in template.numeric[:8]))
    ]
    rng = random.Random("check")
    draws = [{v.name: v.draw(rng) for v in template.variables} for _ in range(SAMPLE_DRAWS)]
    for values in corners + draws:
        shown = ", ".join(f"{k} = {v}" for k, v in values.items())
        try:
            made = _instance(template, dict(values))
        except formula.FormulaError as error:
            return [*problems, f"with {shown}: {error}"]
        if template.ask == "choice" and len(made.choices) < MIN_OPTIONS:
            return [*problems, f"with {shown}: fewer than {MIN_OPTIONS} distinct options"]
    return problems


# -- answers ------------------------------------------------------------------


class NumberProblem(Problem):
    """Why a typed answer is not a number."""


def parse_number(text: str, decimal_comma: bool = False) -> Decimal:
    """A typed answer as a number. Accepts "1,250.50", "€1,250.5", "2.4%", "3,5"
    (a comma followed by other than three digits is a decimal comma), "1 250";
    raises NumberProblem with a message for the person otherwise.

    ``decimal_comma``: the reader writes numbers as Dutch does ("1.250,5"), so a
    point groups thousands and a comma is the decimal mark: the same typed
    characters mean the same number to the person whatever language they use."""
    cleaned = (text or "").strip()
    if decimal_comma:
        cleaned = cleaned.translate(str.maketrans(",.", ".,"))
    if not cleaned:
        raise NumberProblem(N_("Enter a number."))
    if len(cleaned) > MAX_INPUT:
        raise NumberProblem(N_("Enter a number of at most %(most)s characters."), most=MAX_INPUT)
    for mark in (*PREFIX_UNITS, "%", TIMES, " ", "\u00a0", "\u202f", "\u2009"):
        cleaned = cleaned.replace(mark, "")
    cleaned = cleaned.removesuffix("x").removesuffix("s").replace("\u2212", "-")
    if "," in cleaned and "." in cleaned:
        cleaned = cleaned.replace(",", "")  # 1,250.50: commas group thousands
    elif cleaned.count(",") == 1 and not re.fullmatch(r"-?[1-9]\d{0,2},\d{3}", cleaned):
        cleaned = cleaned.replace(",", ".")  # 3,5: a decimal comma
    elif re.fullmatch(r"-?[1-9]\d{0,2}(,\d{3})+", cleaned):
        cleaned = cleaned.replace(",", "")
    number = _decimal(cleaned)
    if number is None or not re.fullmatch(r"-?(\d+\.?\d*|\.\d+)", cleaned):
        raise NumberProblem(
            N_("“%(text)s” is not a number: write it like %(example)s"),
            text=text.strip()[:MAX_INPUT],
            example="1250,5" if decimal_comma else "1250.5",
        )
    return number


def accepted(template: Template, answer: Decimal, given: Decimal) -> bool:
    """Within the tolerance, boundaries included."""
    allowed = template.tolerance * abs(answer) if template.relative else template.tolerance
    return abs(given - answer) <= allowed


def misconception_of(template: Template, made: Instance, given: Decimal) -> str:
    """The named misconception a wrong number matches, if any (for feedback)."""
    numbers = {k: float(v) for k, v in made.values.items() if isinstance(v, Decimal)}
    for misconception in template.misconceptions:
        value = _try(misconception.expression, numbers)
        if value is not None and accepted(template, value, given):
            return misconception.name
    return ""


# -- showing ------------------------------------------------------------------


def fill(text: str, template: Template, made: Instance) -> str:
    """``text`` with each ``{name}`` replaced by the instance's value, shown with
    its unit (``{answer}``: the answer)."""
    by_name = {v.name: v for v in template.variables}

    def value(match: re.Match[str]) -> str:
        name = match.group(1)
        if name == ANSWER:
            return made.shown_answer
        if name not in made.values:
            return match.group(0)
        drawn = made.values[name]
        if isinstance(drawn, str):
            return drawn
        variable = by_name[name]
        return format_value(drawn, variable.unit, variable.decimals)

    return PLACEHOLDER.sub(value, text)


def format_value(value: Decimal, unit: str, decimals: int) -> str:
    """1250.5 with unit € and 2 places: "€1,250.50"; 2.345 with % and 1: "2.3%"."""
    quantum = Decimal(1).scaleb(-decimals)
    rounded = value.quantize(quantum)
    if rounded == 0:
        rounded = abs(rounded)  # no "-0.0"
    number = f"{rounded:,.{decimals}f}"
    if unit in PREFIX_UNITS:
        return f"-{unit}{number[1:]}" if number.startswith("-") else f"{unit}{number}"
    if unit == "s":
        return f"{number} s"
    return f"{number}{unit}"


# -- storage ------------------------------------------------------------------


def to_json(template: Template) -> dict[str, Any]:
    return {
        "expression": template.expression,
        "formula_id": template.formula_id,
        "unit": template.unit,
        "tolerance": str(template.tolerance),
        "relative": template.relative,
        "ask": template.ask,
        "variables": [
            {
                "name": v.name,
                "low": None if v.low is None else str(v.low),
                "high": None if v.high is None else str(v.high),
                "step": None if v.step is None else str(v.step),
                "choices": list(v.choices),
                "unit": v.unit,
            }
            for v in template.variables
        ],
        "misconceptions": [
            {"name": m.name, "expression": m.expression} for m in template.misconceptions
        ],
    }


def from_json(data: dict[str, Any]) -> Template:
    def number(value: str | None) -> Decimal | None:
        return None if value is None else Decimal(value)

    return Template(
        expression=data["expression"],
        formula_id=data.get("formula_id", ""),
        unit=data.get("unit", ""),
        tolerance=Decimal(data["tolerance"]),
        relative=bool(data.get("relative")),
        ask=data.get("ask", "number"),
        variables=tuple(
            Variable(
                v["name"],
                number(v.get("low")),
                number(v.get("high")),
                number(v.get("step")),
                tuple(v.get("choices") or ()),
                v.get("unit", ""),
            )
            for v in data["variables"]
        ),
        misconceptions=tuple(
            Misconception(m["name"], m["expression"]) for m in data.get("misconceptions", [])
        ),
    )


# -- helpers ------------------------------------------------------------------


def _exact(value: float) -> Decimal:
    """A float result as a Decimal of 12 significant digits, so 0.1 * 3 is 0.3 and
    the tolerance boundary is where the author put it."""
    if value == 0:
        return Decimal(0)
    return Decimal(format(value, ".12g"))


def _decimal(text: str) -> Decimal | None:
    try:
        number = Decimal(text.strip())
    except InvalidOperation:
        return None
    return number if number.is_finite() else None


def _places(number: Decimal) -> int:
    exponent = number.normalize().as_tuple().exponent
    return max(0, -exponent) if isinstance(exponent, int) else 0
