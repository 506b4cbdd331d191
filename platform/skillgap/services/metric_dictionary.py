"""The metric dictionary as learners use it: search, one entry's page with
what cites it, and the calculator of a formula. Reads the curriculum snapshot
(which holds the dictionary) and, for citing questions, the database."""

from __future__ import annotations

import ast
import re
from dataclasses import dataclass, field

from flask_babel import gettext as _
from sqlalchemy import or_, select
from sqlalchemy.orm import Session

from skillgap.content import citations
from skillgap.content.metrics import Entry, FormulaSpec
from skillgap.curriculum.snapshot import MetricFileInfo, ModuleEntry, Snapshot, snapshot_of
from skillgap.i18n import number, percent, uses_decimal_comma
from skillgap.models import Question
from skillgap.rules import formula

# Inputs that count things (people, showings, money, time) cannot be negative.
NON_NEGATIVE = ("people", "times", "amount", "time")
MAX_INPUT = 1e15
NUMBER = re.compile(r"^[+-]?(\d{1,3}(,\d{3})+|\d+)(\.\d+)?$|^[+-]?\.\d+$")


@dataclass(frozen=True)
class SearchResult:
    query: str
    platform: str
    files: list[tuple[MetricFileInfo, list[Entry]]]  # only files with a match

    @property
    def count(self) -> int:
        return sum(len(entries) for _, entries in self.files)


def search(session: Session, query: str = "", platform: str = "") -> SearchResult:
    """Entries whose id, name or definition has every word of ``query``, in the
    file ``platform`` if one is named ("formulas" for the formulas)."""
    words = [w for w in query.lower().split() if w][:10]
    files = []
    for file in snapshot_of(session).metric_files:
        if platform and file.id != platform:
            continue
        found = [e for e in file.entries if all(w in _haystack(e) for w in words)]
        if found:
            files.append((file, found))
    return SearchResult(query, platform, files)


def files(session: Session) -> tuple[MetricFileInfo, ...]:
    return snapshot_of(session).metric_files


def _haystack(entry: Entry) -> str:
    return f"{entry.id} {entry.name} {entry.definition}".lower()


@dataclass(frozen=True)
class EntryPage:
    entry: Entry
    file: MetricFileInfo
    modules: list[ModuleEntry]  # published modules citing it
    questions: list[tuple[str, str]]  # (quiz id, question text) citing it
    related: list[Entry] = field(default_factory=list)  # formulas a metric's inputs feed

    @property
    def is_formula(self) -> bool:
        return isinstance(self.entry, FormulaSpec)


def entry_page(session: Session, entry_id: str) -> EntryPage | None:
    snapshot = snapshot_of(session)
    entry = snapshot.metrics.get(entry_id)
    if entry is None:
        return None
    file = next(f for f in snapshot.metric_files if f.id == entry.file)
    modules = list(snapshot.citing_modules.get(entry_id, ()))
    questions = list(_citing_questions(session).get(entry_id, ()))
    return EntryPage(entry, file, modules, questions)


def _citing_questions(session: Session) -> dict[str, list[tuple[str, str]]]:
    """Entry id -> (quiz, question text) of active questions citing it (or, for a
    calculated question, calculating with it), read once
    per curriculum snapshot (questions change only with the content version)."""
    snapshot = snapshot_of(session)
    if snapshot in _QUESTION_MEMO:
        return _QUESTION_MEMO[snapshot]
    rows = session.execute(
        select(Question.quiz_id, Question.text, Question.explanation, Question.template).where(
            Question.active,
            or_(
                Question.text.contains("[[metric:"),
                Question.explanation.contains("[[metric:"),
                Question.template.is_not(None),
            ),
        )
    )
    found: dict[str, list[tuple[str, str]]] = {}
    for quiz_id, text, explanation, template in rows:
        cited = citations.cited_ids(f"{text}\n{explanation}")
        if template and template.get("formula_id"):  # a calculated question's formula
            cited = [*cited, template["formula_id"]]
        for entry_id in dict.fromkeys(cited):
            found.setdefault(entry_id, []).append((quiz_id, text))
    _QUESTION_MEMO.clear()  # only the current snapshot's
    _QUESTION_MEMO[snapshot] = found
    return found


_QUESTION_MEMO: dict[Snapshot, dict[str, list[tuple[str, str]]]] = {}


@dataclass(frozen=True)
class Calculation:
    values: dict[str, str]  # what was entered, to show again
    errors: dict[str, str]  # input name -> message
    result: float | None = None
    problem: str | None = None  # a problem of the whole calculation (division by zero)

    @property
    def done(self) -> bool:
        return self.result is not None


def calculate(spec: FormulaSpec, entered: dict[str, str]) -> Calculation:
    """The formula on the numbers entered; a message per input that is empty,
    not a number, or negative where it counts something (in the reader's language
    and number notation; the input's own label is the dictionary's English)."""
    values, errors, numbers = {}, {}, {}
    decimal_comma = uses_decimal_comma()
    for item in spec.inputs:
        text = (entered.get(item.name) or "").strip()[:40]
        values[item.name] = text
        value = parse_number(text, decimal_comma)
        if not text:
            errors[item.name] = _("Enter %(input)s.", input=item.label.split(":")[0].lower())
        elif value is None:
            errors[item.name] = _(
                "Enter a number, like %(plain)s or %(grouped)s.",
                plain="12000",
                grouped=number(12000.5, 1),
            )
        elif value < 0 and item.counts in NON_NEGATIVE:
            errors[item.name] = _("This counts something, so it cannot be negative.")
        else:
            numbers[item.name] = value
    if errors:
        return Calculation(values, errors)
    try:
        return Calculation(values, {}, formula.evaluate(spec.expression, numbers))
    except formula.FormulaError:
        return Calculation(values, {}, problem=_calculation_problem(spec.expression, numbers))


def _calculation_problem(expression: str, numbers: dict[str, float]) -> str:
    """Why a formula whose inputs are all valid numbers has no value: a divisor
    that is zero (named by its expression), else numbers too large (the
    dictionary's formulas were checked when imported, so they parse)."""
    divisor = _zero_divisor(formula.parse(expression), numbers)
    if divisor is None:
        return _("The numbers are too large to calculate with.")
    message = _("%(divisor)s is zero, and a rate cannot divide by zero.", divisor=divisor)
    return message[:1].upper() + message[1:]


def _zero_divisor(node: ast.AST, numbers: dict[str, float]) -> str | None:
    """The first divisor, in the order formula.evaluate meets them, that is zero."""
    for child in ast.iter_child_nodes(node):
        found = _zero_divisor(child, numbers)
        if found is not None:
            return found
    if isinstance(node, ast.BinOp) and isinstance(node.op, ast.Div):
        divisor = ast.unparse(node.right)
        try:
            return divisor if formula.evaluate(divisor, numbers) == 0 else None
        except formula.FormulaError:
            return None
    return None


def parse_number(text: str, decimal_comma: bool = False) -> float | None:
    """A typed number: "12000", "12,000.5"; with ``decimal_comma`` (a Dutch
    reader) "12.000,5", so the same characters mean the same number to the
    person who typed them."""
    text = text.replace("\u00a0", "").replace(" ", "")
    if decimal_comma:
        text = text.translate(str.maketrans(",.", ".,"))
    if not NUMBER.match(text):
        return None
    value = float(text.replace(",", ""))
    return value if abs(value) <= MAX_INPUT else None


def formatted(value: float, unit: str) -> str:
    """A result in the reader's notation: 3.00% / 3,00%, 1,200 / 1.200."""
    if unit == "percent":
        return percent(value, 2)
    if unit == "seconds":
        return _("%(number)s seconds", number=number(value, 1))
    if unit == "count":
        return number(value, 0)
    return number(value, 2)
