"""Reading and validating the metric dictionary: courses/metrics/<platform>.yml
(each platform's metrics) and courses/metrics/formulas.yml (cross-platform
formulas). The format is in docs/metrics.md. Every problem is collected as
``file:line: reason``; a file with any problem yields nothing.
"""

from __future__ import annotations

import dataclasses
import json
import re
from dataclasses import dataclass
from datetime import date
from typing import Any

from flask_babel import gettext as _

from skillgap.content.errors import ErrorList
from skillgap.content.metric_checks import Change, EntryChecks
from skillgap.content.source import YamlProblem, load_yaml, size_problem
from skillgap.rules import formula

FORMULAS_FILE = "formulas"
COUNTS = ("people", "times", "amount", "rate", "time")
SCOPES = ("organic", "paid", "both")
UNITS = ("percent", "ratio", "currency", "count", "seconds")
METRIC_KEYS = {
    "id", "name", "counts", "scope", "where", "api_field", "formula", "definition", "source",
    "source_title", "checked", "reviewed", "review_after", "changes",
}  # fmt: skip
FORMULA_KEYS = {
    "id", "name", "expression", "unit", "inputs", "definition", "source", "source_title",
    "checked", "reviewed", "review_after", "changes",
}  # fmt: skip
# How long a platform fact is trusted before someone reads its source again.
REVIEW_MONTHS = 6
INPUT_NAME = re.compile(r"^[a-z][a-z0-9_]*$")


@dataclass(frozen=True)
class Entry:
    """What metrics and formulas share: a definition with its source and dates."""

    id: str  # a metric's is platform.metric; a formula's is its own id
    name: str
    definition: str
    source: str
    source_title: str
    checked: date
    reviewed: date
    review_after: date
    changes: tuple[Change, ...]
    file: str  # the platform id, or "formulas"
    line: int
    # The day a stored edit last changed what the entry means (its definition,
    # formula or what it counts); set by curriculum/dictionary.py, None until then.
    changed_on: date | None = None

    @property
    def meaning(self) -> tuple[object, ...]:
        """What citing content depends on: an edit to any of these flags it for review."""
        return tuple(
            getattr(self, name, None)
            for name in ("definition", "counts", "scope", "formula", "expression", "unit", "inputs")
        )

    @property
    def definition_changed(self) -> date | None:
        """The latest change to what the entry means: a dictionary edit, or a
        platform change in its log (dated by month: its first day)."""
        logged = [
            date.fromisoformat(c.date if len(c.date) > 7 else f"{c.date}-01") for c in self.changes
        ]
        days = [d for d in (*logged, self.changed_on) if d is not None]
        return max(days) if days else None

    @property
    def summary(self) -> str:
        """The definition's first sentence, for lists."""
        end = self.definition.find(". ")
        return self.definition if end < 0 else self.definition[: end + 1]


@dataclass(frozen=True)
class MetricSpec(Entry):
    counts: str = "times"
    scope: str = "organic"
    where: str = ""
    api_field: str = ""
    formula: str = ""  # how a derived rate is worked out, as the platform says it


@dataclass(frozen=True)
class FormulaInput:
    name: str
    label: str
    counts: str


@dataclass(frozen=True)
class FormulaSpec(Entry):
    expression: str = ""
    unit: str = "ratio"
    inputs: tuple[FormulaInput, ...] = ()


@dataclass(frozen=True)
class MetricFileSpec:
    id: str  # the platform ("instagram"), or "formulas"
    name: str
    path: str
    source: str
    metrics: tuple[MetricSpec, ...] = ()
    formulas: tuple[FormulaSpec, ...] = ()

    @property
    def entries(self) -> tuple[Entry, ...]:
        return (*self.metrics, *self.formulas)


def parse_metric_file(
    text: str, shown: str, file_id: str, errors: ErrorList, today: date | None = None
) -> MetricFileSpec | None:
    """One dictionary file's text; problems go to ``errors`` as ``shown:line: reason``."""
    problem = size_problem(text)
    if problem:
        errors.add(shown, 1, problem)
        return None
    try:
        doc = load_yaml(text)
    except YamlProblem as error:
        errors.add(shown, error.line, error.reason)
        return None
    before = len(errors)
    reader = _Reader(doc, shown, errors, today or date.today(), file_id)
    if not isinstance(doc.data, dict):
        errors.add(shown, 1, _("a metric file is a mapping (see docs/metrics.md)"))
        return None
    if file_id == FORMULAS_FILE:
        reader.unknown_keys((), doc.data, {"formulas"})
        spec = MetricFileSpec(file_id, "Formulas", shown, text, formulas=reader.formulas())
    else:
        reader.unknown_keys((), doc.data, {"platform", "name", "metrics"})
        if doc.data.get("platform") != file_id:
            errors.add(
                shown,
                doc.line_of("platform"),
                _(
                    "platform must be the file's name, %(file_id)s, got %(platform)s",
                    file_id=repr(file_id),
                    platform=repr(doc.data.get("platform")),
                ),
            )
        name = reader.text((), doc.data, "name")
        spec = MetricFileSpec(file_id, name, shown, text, metrics=reader.metrics())
    return spec if len(errors) == before else None


@dataclass
class _Reader(EntryChecks):
    file_id: str

    def common(self, key: str, index: int, item: dict) -> dict[str, Any]:
        path = (key, index)
        source = self.text(path, item, "source")
        if source and not source.startswith("https://"):
            self.error((*path, "source"), _("source must be an https:// address"))
        checked = self.day(path, item, "checked")
        reviewed = self.day(path, item, "reviewed", checked)
        review_after = self.day(path, item, "review_after", months_later(reviewed, REVIEW_MONTHS))
        return {
            "name": self.text(path, item, "name"),
            "definition": self.text(path, item, "definition"),
            "source": source,
            "source_title": self.text(path, item, "source_title"),
            "checked": checked,
            "reviewed": reviewed,
            "review_after": review_after,
            "changes": self.changes(path, item),
            "file": self.file_id,
            "line": self.doc.line_of(*path),
        }

    def metrics(self) -> tuple[MetricSpec, ...]:
        metrics = []
        for index, item in self.entries("metrics"):
            path = ("metrics", index)
            self.unknown_keys(path, item, METRIC_KEYS)
            metrics.append(
                MetricSpec(
                    id=f"{self.file_id}.{item['id']}",
                    counts=self.choice(path, item, "counts", COUNTS),
                    scope=self.choice(path, item, "scope", SCOPES),
                    where=self.text(path, item, "where"),
                    api_field=self.text(path, item, "api_field", required=False),
                    formula=self.text(path, item, "formula", required=False),
                    **self.common("metrics", index, item),
                )
            )
        return tuple(metrics)

    def formulas(self) -> tuple[FormulaSpec, ...]:
        formulas = []
        for index, item in self.entries("formulas"):
            path = ("formulas", index)
            self.unknown_keys(path, item, FORMULA_KEYS)
            inputs = self.inputs(path, item)
            expression = self.text(path, item, "expression")
            if expression:
                try:
                    used = formula.names(expression)
                except formula.FormulaError as error:
                    self.error((*path, "expression"), str(error))
                else:
                    declared = {i.name for i in inputs}
                    if used != declared:
                        self.error(
                            (*path, "expression"),
                            _(
                                "the expression uses %(used)s but the inputs are %(inputs)s",
                                used=", ".join(sorted(used)) or _("no inputs"),
                                inputs=", ".join(sorted(declared)) or _("none"),
                            ),
                        )
            formulas.append(
                FormulaSpec(
                    id=str(item["id"]),
                    expression=expression,
                    unit=self.choice(path, item, "unit", UNITS),
                    inputs=inputs,
                    **self.common("formulas", index, item),
                )
            )
        return tuple(formulas)

    def inputs(self, path: tuple, item: dict) -> tuple[FormulaInput, ...]:
        value = item.get("inputs")
        if not isinstance(value, list) or not value:
            self.error(
                (*path, "inputs"), _("inputs must be a non-empty list of {name, label, counts}")
            )
            return ()
        inputs, seen = [], set()
        for index, entry in enumerate(value):
            where = (*path, "inputs", index)
            if not isinstance(entry, dict):
                self.error(where, _("each input is {name, label, counts}"))
                continue
            name = entry.get("name")
            if not isinstance(name, str) or not INPUT_NAME.match(name):
                self.error(
                    where,
                    _(
                        "an input name is lower_case_with_underscores, got %(name)s",
                        name=repr(name),
                    ),
                )
                continue
            if name in seen:
                self.error(where, _("duplicate input %(name)s", name=repr(name)))
            seen.add(name)
            inputs.append(
                FormulaInput(
                    name,
                    self.text(where, entry, "label"),
                    self.choice(where, entry, "counts", COUNTS),
                )
            )
        return tuple(inputs)


def months_later(day: date, months: int) -> date:
    """The same day ``months`` calendar months later (the month's last day if shorter)."""
    month = day.month - 1 + months
    year, month = day.year + month // 12, month % 12 + 1
    for last in (31, 30, 29, 28):
        try:
            return date(year, month, min(day.day, last))
        except ValueError:
            continue
    raise AssertionError("unreachable")


def entries_by_id(files: list[MetricFileSpec]) -> dict[str, Entry]:
    return {entry.id: entry for spec in files for entry in spec.entries}


def to_json(entry: Entry) -> dict[str, Any]:
    """An entry as stored in metric_files.entries (dates as ISO text)."""
    data = json.loads(json.dumps(dataclasses.asdict(entry), default=str))  # lists, as stored
    data["kind"] = "formula" if isinstance(entry, FormulaSpec) else "metric"
    return data


def from_json(data: dict[str, Any]) -> Entry:
    values = dict(data)
    kind = values.pop("kind")
    for key in ("checked", "reviewed", "review_after"):
        values[key] = date.fromisoformat(values[key])
    changed = values.get("changed_on")
    values["changed_on"] = date.fromisoformat(changed) if changed else None
    values["changes"] = tuple(Change(**change) for change in values["changes"])
    if kind == "formula":
        values["inputs"] = tuple(FormulaInput(**entry) for entry in values["inputs"])
        return FormulaSpec(**values)
    return MetricSpec(**values)
