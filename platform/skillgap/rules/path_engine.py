"""The learning-path engine: pure functions, no Flask and no database.

Rules (../shared/design.md, "Learning paths"):

1. Gap per skill = target level index - current level index (negative -> 0).
2. Candidates: published modules that teach a skill with a gap, whose level is
   above the current level and at most the target, not yet completed.
3. Every uncompleted prerequisite is added, transitively.
4. Order: prerequisites first (topological); among modules ready at the same
   time, larger gap first, then lower level, then course order, then id.
   A prerequisite added for another module carries the largest gap it unlocks.
5. Weeks: steps in order, a new week whenever the next step would overflow the
   weekly budget; a module longer than the budget gets a week of its own. A
   week the person paused holds nothing and a lighter week only what fits its
   own budget (a module longer than it waits for the next full week), so every
   later step moves on by the weeks paused.
6. Every step says why it is there.

Deterministic: the output depends only on the inputs (sorted everywhere).
"""

from __future__ import annotations

import heapq
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field


@dataclass(frozen=True)
class ModuleInfo:
    id: str
    title: str
    course_id: str
    course_position: int
    position: int  # order within the course
    skills: tuple[str, ...]
    level: int  # index of the level the module teaches up to
    minutes: int
    prerequisites: tuple[str, ...] = ()
    published: bool = True

    @property
    def course_order(self) -> tuple[int, str, int]:
        return (self.course_position, self.course_id, self.position)


@dataclass(frozen=True)
class Standing:
    """Where a person is in one skill and where they should be."""

    skill_id: str
    skill_name: str
    current: int  # level index
    target: int  # level index (role target, or a manager's override)
    verified: bool = True  # False: the current level is self-rated only (or unknown)

    @property
    def gap(self) -> int:
        return max(0, self.target - self.current)


@dataclass(frozen=True)
class Step:
    module: ModuleInfo
    gap: int
    reason: str
    skills: tuple[str, ...]  # the gap skills this step works on (empty: prerequisite only)
    unverified: bool  # a reason rests on a self-rated (untested) level
    done: bool = False


@dataclass(frozen=True)
class Week:
    number: int  # 1 = this week
    steps: tuple[Step, ...]
    budget: int = 0  # minutes this week: the weekly budget, a lighter one, or 0 (paused)

    @property
    def paused(self) -> bool:
        return self.budget == 0

    @property
    def minutes(self) -> int:
        return sum(step.module.minutes for step in self.steps)


@dataclass(frozen=True)
class LearningPath:
    steps: tuple[Step, ...]  # remaining, in order
    weeks: tuple[Week, ...]
    done: tuple[Step, ...] = ()  # steps of the same plan already completed
    ready_for_retake: tuple[str, ...] = ()  # gap skills whose path modules are all done
    gaps: Mapping[str, int] = field(default_factory=dict)

    @property
    def total_minutes(self) -> int:
        return sum(step.module.minutes for step in self.steps)


@dataclass(frozen=True)
class Wording:
    """The sentences a step's reason is made of. The engine is pure, so it takes
    them in: services/paths.py passes them in the reader's language."""

    gap: str = "%(skill)s: %(current)s → target %(target)s"
    untested: str = "%(reason)s (not yet tested)"
    prerequisite: str = "Prerequisite for %(modules)s"
    separator: str = "; "


ENGLISH = Wording()


def describe(standing: Standing, level_names: Sequence[str], wording: Wording = ENGLISH) -> str:
    text = wording.gap % {
        "skill": standing.skill_name,
        "current": level_names[standing.current],
        "target": level_names[standing.target],
    }
    return text if standing.verified else wording.untested % {"reason": text}


def plan_path(
    standings: Iterable[Standing],
    modules: Iterable[ModuleInfo],
    completed: Iterable[str],
    weekly_minutes: int,
    level_names: Sequence[str],
    changed_weeks: Mapping[int, int] | None = None,
    wording: Wording = ENGLISH,
) -> LearningPath:
    """The person's path: remaining steps in order, scheduled into weeks
    (``changed_weeks``: paused and lighter weeks, as for ``schedule``)."""
    by_skill = {s.skill_id: s for s in standings}
    catalogue = {m.id: m for m in modules if m.published}
    completed_ids = set(completed)

    def teaches(module: ModuleInfo) -> list[Standing]:
        """The gap skills this module closes part of (level above current, at most target)."""
        return [
            by_skill[skill]
            for skill in module.skills
            if skill in by_skill
            and by_skill[skill].gap > 0
            and by_skill[skill].current < module.level <= by_skill[skill].target
        ]

    in_range = {m.id: teaches(m) for m in catalogue.values()}
    in_range = {module_id: skills for module_id, skills in in_range.items() if skills}
    wanted = {module_id for module_id in in_range if module_id not in completed_ids}
    needed = _with_prerequisites(wanted, catalogue, completed_ids)
    steps = _order(needed, catalogue, in_range, level_names, wording)
    # Done steps: gap modules done, and done prerequisites of any gap module (the
    # total of done and remaining steps stays the same as the person progresses).
    done_ids = _with_prerequisites(set(in_range), catalogue, set()) & completed_ids
    done_steps = tuple(
        _step(catalogue[module_id], in_range.get(module_id, []), level_names, wording, done=True)
        for module_id in sorted(done_ids, key=lambda m: (catalogue[m].course_order, m))
    )
    remaining_skills = {skill for step in steps for skill in step.skills}
    ready = tuple(
        skill_id
        for skill_id, standing in sorted(by_skill.items())
        if standing.gap > 0
        and skill_id not in remaining_skills
        and any(skill_id in (s.skill_id for s in skills) for skills in in_range.values())
    )
    return LearningPath(
        steps=steps,
        weeks=schedule(steps, weekly_minutes, changed_weeks),
        done=done_steps,
        ready_for_retake=ready,
        gaps={skill_id: standing.gap for skill_id, standing in sorted(by_skill.items())},
    )


def _with_prerequisites(
    wanted: set[str], catalogue: Mapping[str, ModuleInfo], completed_ids: set[str]
) -> set[str]:
    """Rule 3: the wanted modules and every uncompleted prerequisite, transitively."""
    needed: set[str] = set()
    stack = sorted(wanted)
    while stack:
        module_id = stack.pop()
        if module_id in needed:
            continue
        needed.add(module_id)
        for prerequisite in catalogue[module_id].prerequisites:
            if prerequisite in catalogue and prerequisite not in completed_ids:
                stack.append(prerequisite)
    return needed


def _step(
    module: ModuleInfo,
    skills: list[Standing],
    level_names: Sequence[str],
    wording: Wording = ENGLISH,
    done: bool = False,
) -> Step:
    skills = sorted(skills, key=lambda s: (-s.gap, s.skill_id))
    return Step(
        module=module,
        gap=skills[0].gap if skills else 0,
        reason=wording.separator.join(describe(s, level_names, wording) for s in skills),
        skills=tuple(s.skill_id for s in skills),
        unverified=any(not s.verified for s in skills),
        done=done,
    )


def _order(
    needed: set[str],
    catalogue: Mapping[str, ModuleInfo],
    in_range: Mapping[str, list[Standing]],
    level_names: Sequence[str],
    wording: Wording = ENGLISH,
) -> tuple[Step, ...]:
    """Kahn's topological order with the design's tie-break as the priority."""
    own_gap = {m: max((s.gap for s in in_range.get(m, [])), default=0) for m in needed}
    dependants: dict[str, list[str]] = {m: [] for m in needed}
    waiting_on: dict[str, int] = {}
    for module_id in sorted(needed):
        prerequisites = [p for p in catalogue[module_id].prerequisites if p in needed]
        waiting_on[module_id] = len(set(prerequisites))
        for prerequisite in sorted(set(prerequisites)):
            dependants[prerequisite].append(module_id)

    # A prerequisite carries the largest gap of anything it unlocks.
    effective_gap: dict[str, int] = {}

    def gap_of(module_id: str, seen: frozenset[str] = frozenset()) -> int:
        if module_id in effective_gap:
            return effective_gap[module_id]
        if module_id in seen:  # a cycle: content import refuses these; never loop
            return own_gap[module_id]
        best = max(
            [own_gap[module_id]] + [gap_of(d, seen | {module_id}) for d in dependants[module_id]]
        )
        effective_gap[module_id] = best
        return best

    def priority(module_id: str) -> tuple:
        module = catalogue[module_id]
        return (-gap_of(module_id), module.level, module.course_order, module_id)

    ready = [priority(m) for m in needed if waiting_on[m] == 0]
    heapq.heapify(ready)
    ordered: list[Step] = []
    while ready:
        module_id = heapq.heappop(ready)[-1]
        module = catalogue[module_id]
        skills = in_range.get(module_id, [])
        step = _step(module, skills, level_names, wording)
        if not skills:
            unlocks = sorted(catalogue[d].title for d in dependants[module_id])
            step = Step(
                module=module,
                gap=gap_of(module_id),
                reason=wording.prerequisite % {"modules": ", ".join(unlocks)},
                skills=(),
                unverified=False,
            )
        ordered.append(step)
        for dependant in dependants[module_id]:
            waiting_on[dependant] -= 1
            if waiting_on[dependant] == 0:
                heapq.heappush(ready, priority(dependant))
    return tuple(ordered)


def schedule(
    steps: Sequence[Step], weekly_minutes: int, changed_weeks: Mapping[int, int] | None = None
) -> tuple[Week, ...]:
    """Fill weeks in order (rule 5). ``changed_weeks`` maps a week number (1 =
    this week) to its own budget: 0 for a paused week, less for a lighter one."""
    changed = changed_weeks or {}
    weeks: list[Week] = []
    pending = list(steps)
    while pending:
        number = len(weeks) + 1
        budget = changed.get(number, weekly_minutes)
        taken = _fill(pending, budget, own_week_if_long=budget >= weekly_minutes)
        weeks.append(Week(number, tuple(taken), budget))
        del pending[: len(taken)]
    return tuple(weeks)


def _fill(pending: Sequence[Step], budget: int, own_week_if_long: bool) -> list[Step]:
    """The steps at the head of ``pending`` that one week of ``budget`` minutes
    holds; in a full week, a step longer than the budget fills it alone."""
    taken: list[Step] = []
    used = 0
    if budget <= 0:
        return taken  # paused
    for step in pending:
        minutes = step.module.minutes
        if used + minutes > budget and (taken or not own_week_if_long):
            break
        taken.append(step)
        used += minutes
        if used >= budget:
            break
    return taken


def smallest_budget_that_fits(
    steps: Sequence[Step],
    weeks_available: int,
    current_budget: int,
    maximum: int = 600,
    step_minutes: int = 15,
    changed_weeks: Mapping[int, int] | None = None,
) -> int | None:
    """The smallest weekly budget (a multiple of 15, up to ``maximum``) that finishes
    ``steps`` within ``weeks_available`` weeks, paused and lighter weeks kept as
    they are; None if even the maximum does not."""
    if weeks_available <= 0:
        return None
    budget = max(step_minutes, current_budget)
    budget += (-budget) % step_minutes
    while budget <= maximum:
        if len(schedule(steps, budget, changed_weeks)) <= weeks_available:
            return budget
        budget += step_minutes
    return None
