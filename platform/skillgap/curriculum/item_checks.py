"""Checks of one item edited in the browser against the rest of the database:
what the file importer checks across all files at once (prerequisites, check
quizzes, citations, formulas), for the single item being saved."""

from __future__ import annotations

from flask_babel import gettext as _
from sqlalchemy import select
from sqlalchemy.orm import Session

from skillgap.content import citations
from skillgap.content.calculated import resolve_formulas
from skillgap.content.errors import ErrorList
from skillgap.content.metrics import FormulaSpec, MetricFileSpec
from skillgap.content.prerequisites import find_cycles
from skillgap.content.quizzes import QuizSpec
from skillgap.curriculum.snapshot import snapshot_of
from skillgap.models import Module, Quiz, module_prerequisites


def with_formulas(session: Session, spec: QuizSpec, errors: ErrorList) -> QuizSpec:
    """Calculated questions' ``formula:`` ids resolved against today's dictionary."""
    formulas = {
        entry_id: entry
        for entry_id, entry in snapshot_of(session).metrics.items()
        if isinstance(entry, FormulaSpec)
    }
    return resolve_formulas([spec], formulas, errors)[0]


def check_still_cited(session: Session, spec: MetricFileSpec, errors: ErrorList) -> None:
    """A dictionary edit may not remove an entry that a module still cites."""
    snapshot = snapshot_of(session)
    kept = {entry.id for entry in spec.entries}
    removed = {e.id for e in snapshot.metrics.values() if e.file == spec.id} - kept
    for module in snapshot.modules.values():
        for cited in sorted(removed & set(citations.cited_ids(module.body_html))):
            errors.add(
                spec.path,
                1,
                _(
                    "%(cited)s is cited by module %(id)s: keep it or edit the module",
                    cited=repr(cited),
                    id=repr(module.id),
                ),
            )


def check_module_links(session: Session, spec, errors: ErrorList) -> None:
    line = spec.lines.get("prerequisites", 1)
    known = set(session.scalars(select(Module.id)))
    for prerequisite in spec.prerequisites:
        if prerequisite == spec.id:
            errors.add(spec.path, line, _("a module cannot be its own prerequisite"))
        elif prerequisite not in known:
            errors.add(
                spec.path,
                line,
                _("unknown prerequisite %(prerequisite)s", prerequisite=repr(prerequisite)),
            )
    if spec.check is not None and session.get(Quiz, spec.check) is None:
        errors.add(
            spec.path,
            spec.lines.get("check", 1),
            _("unknown check quiz %(check)s", check=repr(spec.check)),
        )
    graph: dict[str, list[str]] = {}
    for module_id, prerequisite_id in session.execute(select(module_prerequisites)):
        graph.setdefault(module_id, []).append(prerequisite_id)
    graph[spec.id] = [p for p in spec.prerequisites if p in known and p != spec.id]
    for cycle in find_cycles(graph):
        if spec.id in cycle:
            errors.add(
                spec.path,
                line,
                _("prerequisites form a cycle: %(values)s", values=" -> ".join([*cycle, cycle[0]])),
            )
