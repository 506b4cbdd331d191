"""Checks across every module at once: unique ids, known prerequisites and check
quizzes, and no prerequisite cycles (a cycle would make a path impossible)."""

from __future__ import annotations

from flask_babel import gettext as _

from skillgap.content.errors import ErrorList
from skillgap.content.specs import ModuleSpec


def check_across_modules(modules: list[ModuleSpec], quiz_ids: set[str], errors: ErrorList) -> None:
    by_id: dict[str, ModuleSpec] = {}
    for module in modules:
        if module.id in by_id:
            errors.add(
                module.path,
                1,
                _(
                    "duplicate module id %(id)s: also %(path)s",
                    id=repr(module.id),
                    path=by_id[module.id].path,
                ),
            )
        else:
            by_id[module.id] = module
    for module in modules:
        line = module.lines.get("prerequisites", 1)
        for prerequisite in module.prerequisites:
            if prerequisite == module.id:
                errors.add(module.path, line, _("a module cannot be its own prerequisite"))
            elif prerequisite not in by_id:
                errors.add(
                    module.path,
                    line,
                    _("unknown prerequisite %(prerequisite)s", prerequisite=repr(prerequisite)),
                )
        if module.check is not None and module.check not in quiz_ids:
            errors.add(
                module.path,
                module.lines.get("check", 1),
                _("unknown check quiz %(check)s", check=repr(module.check)),
            )
    for cycle in find_cycles(
        {m.id: [p for p in m.prerequisites if p in by_id and p != m.id] for m in by_id.values()}
    ):
        first = by_id[cycle[0]]
        errors.add(
            first.path,
            first.lines.get("prerequisites", 1),
            _("prerequisites form a cycle: %(values)s", values=" -> ".join([*cycle, cycle[0]])),
        )


def find_cycles(graph: dict[str, list[str]]) -> list[list[str]]:
    """Each cycle in a prerequisite graph once, starting from its smallest id.
    Iterative, so a deep chain cannot hit the recursion limit."""
    cycles: set[tuple[str, ...]] = set()
    state: dict[str, int] = {}  # 1 = on the current path, 2 = done
    for start in sorted(graph):
        if state.get(start):
            continue
        path: list[str] = []
        stack: list[tuple[str, int]] = [(start, 0)]
        while stack:
            node, edge = stack.pop()
            if edge == 0:
                state[node] = 1
                path.append(node)
            targets = sorted(graph.get(node, []))
            if edge < len(targets):
                stack.append((node, edge + 1))
                target = targets[edge]
                if state.get(target) == 1:
                    cycle = path[path.index(target) :]
                    smallest = cycle.index(min(cycle))
                    cycles.add(tuple(cycle[smallest:] + cycle[:smallest]))
                elif not state.get(target):
                    stack.append((target, 0))
            else:
                state[node] = 2
                path.pop()
    return [list(cycle) for cycle in sorted(cycles)]
