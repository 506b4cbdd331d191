"""The metric dictionary as learners use it: search, one entry's page with
what cites it, and the calculator of a formula. Reads the curriculum snapshot
(which holds the dictionary) and, for citing questions, the database."""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from sqlalchemy import or_, select
from sqlalchemy.orm import Session

from skillgap.content import citations
from skillgap.content.metrics import Entry, FormulaSpec
from skillgap.curriculum.snapshot import MetricFileInfo, ModuleEntry, Snapshot, snapshot_of
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
    not a number, or negative where it counts something."""
    values, errors, numbers = {}, {}, {}
    for item in spec.inputs:
        text = (entered.get(item.name) or "").strip()[:40]
        values[item.name] = text
        number = parse_number(text)
        if not text:
            errors[item.name] = f"Enter {item.label.split(':')[0].lower()}."
        elif number is None:
            errors[item.name] = "Enter a number, like 12000 or 12,000.5."
        elif number < 0 and item.counts in NON_NEGATIVE:
            errors[item.name] = "This counts something, so it cannot be negative."
        else:
            numbers[item.name] = number
    if errors:
        return Calculation(values, errors)
    try:
        return Calculation(values, {}, formula.evaluate(spec.expression, numbers))
    except formula.FormulaError as error:
        return Calculation(values, {}, problem=str(error).capitalize() + ".")


def parse_number(text: str) -> float | None:
    text = text.replace("\u00a0", "").replace(" ", "")
    if not NUMBER.match(text):
        return None
    number = float(text.replace(",", ""))
    return number if abs(number) <= MAX_INPUT else None


def formatted(value: float, unit: str) -> str:
    if unit == "percent":
        return f"{value:,.2f}%"
    if unit == "seconds":
        return f"{value:,.1f} seconds"
    if unit == "count":
        return f"{value:,.0f}"
    return f"{value:,.2f}"
