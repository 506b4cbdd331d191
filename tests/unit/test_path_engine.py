"""The learning-path engine against exact expected paths, and its invariants."""

from __future__ import annotations

import random

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from skillgap.rules import path_engine
from skillgap.rules.path_engine import (
    ModuleInfo,
    Standing,
    plan_path,
    schedule,
    smallest_budget_that_fits,
)

LEVELS = ["Below entry", "Entry", "Intermediate", "Advanced"]


def module(
    id,
    skills,
    level,
    minutes,
    prerequisites=(),
    course="strategy",
    course_position=1,
    position=1,
    published=True,
):
    return ModuleInfo(
        id,
        id.title(),
        course,
        course_position,
        position,
        tuple(skills),
        level,
        minutes,
        tuple(prerequisites),
        published,
    )


CATALOGUE = [
    module("s1", ["strategy"], 1, 30, position=1),
    module("s2", ["strategy"], 1, 20, ["s1"], position=2),
    module("s3", ["strategy"], 2, 40, ["s2"], position=3),
    module("s4", ["strategy"], 3, 60, ["s3", "k2"], position=4),
    module("k1", ["kpis"], 1, 30, course="kpis", course_position=2, position=1),
    module("k2", ["kpis"], 2, 45, ["k1"], course="kpis", course_position=2, position=2),
    module("m1", ["metrics"], 1, 15, course="metrics", course_position=3, position=1),
    module("m2", ["metrics"], 2, 25, ["m1"], course="metrics", course_position=3, position=2),
    module("x1", ["metrics"], 2, 200, course="metrics", course_position=3, position=3),
    module("hidden", ["strategy"], 1, 10, course="strategy", position=9, published=False),
]
NAMES = {"strategy": "Strategy & planning", "kpis": "KPIs & measurement", "metrics": "Metrics"}


def standings(**levels: tuple[int, int] | tuple[int, int, bool]):
    """standings(strategy=(current, target[, verified]))"""
    return [Standing(skill, NAMES[skill], *values) for skill, values in levels.items()]


def ids(path) -> list[str]:
    return [step.module.id for step in path.steps]


def weeks(path) -> list[list[str]]:
    return [[step.module.id for step in week.steps] for week in path.weeks]


SCENARIOS = {
    "no gap gives an empty path": (
        standings(strategy=(2, 2), kpis=(3, 1)),
        [],
        120,
        [],
        [],
    ),
    "a one-level gap takes the modules up to the target": (
        standings(strategy=(0, 1)),
        [],
        120,
        ["s1", "s2"],
        [["s1", "s2"]],
    ),
    "prerequisites come first": (
        standings(strategy=(0, 2)),
        [],
        120,
        ["s1", "s2", "s3"],
        [["s1", "s2", "s3"]],
    ),
    "transitive prerequisites, across courses, come first": (
        standings(strategy=(2, 3)),
        [],
        120,
        ["s1", "s2", "k1", "s3", "k2", "s4"],
        [["s1", "s2", "k1", "s3"], ["k2", "s4"]],
    ),
    "completed prerequisites are skipped": (
        standings(strategy=(2, 3)),
        ["s1", "s2", "k1"],
        120,
        ["s3", "k2", "s4"],
        [["s3", "k2"], ["s4"]],
    ),
    "modules at or below the current level and above the target are excluded": (
        standings(strategy=(1, 2)),
        ["s1", "s2"],
        120,
        ["s3"],
        [["s3"]],
    ),
    "the larger gap goes first": (
        standings(strategy=(0, 1), kpis=(0, 2)),
        [],
        120,
        ["k1", "k2", "s1", "s2"],
        [["k1", "k2", "s1"], ["s2"]],
    ),
    "then the lower level, then course order": (
        standings(metrics=(0, 2)),
        [],
        500,
        ["m1", "m2", "x1"],
        [["m1", "m2", "x1"]],
    ),
    "a module longer than the budget gets a week of its own": (
        standings(metrics=(1, 2)),
        ["m1"],
        120,
        ["m2", "x1"],
        [["m2"], ["x1"]],
    ),
    "a smaller budget re-schedules the same steps": (
        standings(strategy=(2, 3)),
        [],
        60,
        ["s1", "s2", "k1", "s3", "k2", "s4"],
        [["s1", "s2"], ["k1"], ["s3"], ["k2"], ["s4"]],
    ),
    "unpublished modules are never on a path": (
        standings(strategy=(0, 1)),
        ["s1"],
        120,
        ["s2"],
        [["s2"]],
    ),
    "everything done leaves an empty path": (
        standings(strategy=(0, 1)),
        ["s1", "s2"],
        120,
        [],
        [],
    ),
}


@pytest.mark.parametrize("name", sorted(SCENARIOS))
def test_scenario(name):
    people, completed, budget, expected_ids, expected_weeks = SCENARIOS[name]
    path = plan_path(people, CATALOGUE, completed, budget, LEVELS)
    assert ids(path) == expected_ids
    assert weeks(path) == expected_weeks


def test_at_least_twelve_scenarios():
    assert len(SCENARIOS) >= 12


def test_every_step_explains_itself():
    path = plan_path(standings(strategy=(2, 3)), CATALOGUE, [], 120, LEVELS)
    reasons = {step.module.id: step.reason for step in path.steps}
    assert reasons["s4"] == "Strategy & planning: Intermediate → target Advanced"
    assert reasons["k2"] == "Prerequisite for S4"
    assert reasons["s1"] == "Prerequisite for S2"


def test_unverified_levels_are_used_but_marked():
    path = plan_path(standings(strategy=(0, 1, False)), CATALOGUE, [], 120, LEVELS)
    assert ids(path) == ["s1", "s2"]
    assert all(step.unverified for step in path.steps)
    assert path.steps[0].reason == (
        "Strategy & planning: Below entry → target Entry (not yet tested)"
    )


def test_finished_skills_invite_a_retake_and_list_what_was_done():
    path = plan_path(standings(strategy=(0, 1), kpis=(0, 1)), CATALOGUE, ["s1", "s2"], 120, LEVELS)
    assert [step.module.id for step in path.done] == ["s1", "s2"]
    assert path.ready_for_retake == ("strategy",)
    assert ids(path) == ["k1"]


def test_a_done_prerequisite_counts_as_a_done_step_and_the_total_stays():
    # Strategy from Entry to Intermediate: s3 (level 2) needs s2 then s1 (level 1).
    gaps = standings(strategy=(1, 2))
    before = plan_path(gaps, CATALOGUE, [], 120, LEVELS)
    after = plan_path(gaps, CATALOGUE, ["s1"], 120, LEVELS)
    assert ids(before) == ["s1", "s2", "s3"] and ids(after) == ["s2", "s3"]
    assert [step.module.id for step in after.done] == ["s1"]
    assert len(after.done) + len(after.steps) == len(before.steps)


def test_smallest_budget_that_fits():
    steps = plan_path(standings(strategy=(2, 3)), CATALOGUE, [], 60, LEVELS).steps  # 225 min
    assert len(schedule(steps, 60)) == 5
    assert smallest_budget_that_fits(steps, 2, 60) == 120
    assert smallest_budget_that_fits(steps, 1, 60) == 225 + (-225) % 15
    assert smallest_budget_that_fits(steps, 0, 60) is None


# --- properties over random graphs -------------------------------------------------


@st.composite
def random_inputs(draw):
    count = draw(st.integers(min_value=0, max_value=25))
    skills = ["a", "b", "c"]
    modules = []
    for index in range(count):
        prerequisites = (
            draw(st.lists(st.integers(0, max(index - 1, 0)), max_size=3)) if index else []
        )
        modules.append(
            ModuleInfo(
                id=f"m{index:02d}",
                title=f"M{index}",
                course_id=f"c{index % 4}",
                course_position=index % 4,
                position=index,
                skills=tuple(
                    draw(st.lists(st.sampled_from(skills), min_size=1, max_size=2, unique=True))
                ),
                level=draw(st.integers(1, 3)),
                minutes=draw(st.integers(5, 240)),
                prerequisites=tuple(sorted({f"m{p:02d}" for p in prerequisites})),
                published=draw(st.integers(0, 9)) > 0,  # about one in ten unpublished
            )
        )
    people = [
        Standing(
            skill,
            skill.upper(),
            draw(st.integers(0, 3)),
            draw(st.integers(0, 3)),
            draw(st.booleans()),
        )
        for skill in skills
    ]
    completed = draw(st.sets(st.sampled_from([m.id for m in modules]))) if modules else set()
    budget = draw(st.integers(15, 600))
    return people, modules, completed, budget


@settings(max_examples=300, deadline=None)
@given(random_inputs())
@pytest.mark.slow
def test_path_invariants(inputs):
    people, modules, completed, budget = inputs
    path = plan_path(people, modules, completed, budget, LEVELS)
    order = ids(path)
    assert len(order) == len(set(order))  # no module twice
    position = {module_id: index for index, module_id in enumerate(order)}
    by_id = {m.id: m for m in modules}
    for module_id in order:
        assert module_id not in completed and by_id[module_id].published
        for prerequisite in by_id[module_id].prerequisites:
            if prerequisite not in completed and by_id[prerequisite].published:
                assert position[prerequisite] < position[module_id]
    for week in path.weeks:
        assert week.minutes <= budget or len(week.steps) == 1
    assert [s.module.id for w in path.weeks for s in w.steps] == order
    shuffled_modules, shuffled_people = list(modules), list(people)
    random.Random(1).shuffle(shuffled_modules)
    random.Random(2).shuffle(shuffled_people)
    again = plan_path(shuffled_people, shuffled_modules, set(completed), budget, LEVELS)
    assert again == path  # same input, same output, whatever the order it comes in


# --- paused and lighter weeks (issue 22) -----------------------------------------


def _steps(*minutes: int) -> list:
    return [
        path_engine.Step(
            module=path_engine.ModuleInfo(f"m{i}", f"Module {i}", "c", 1, i, ("s",), 1, length),
            gap=1,
            reason="",
            skills=("s",),
            unverified=False,
        )
        for i, length in enumerate(minutes)
    ]


def _ids(weeks) -> list[list[str]]:
    return [[step.module.id for step in week.steps] for week in weeks]


def test_a_pause_moves_every_later_week_by_exactly_the_weeks_paused() -> None:
    steps = _steps(60, 60, 60, 60, 90, 30, 120)
    plain = path_engine.schedule(steps, 120)
    for first, length in ((1, 1), (1, 3), (2, 2), (3, 8)):
        paused = {first + n: 0 for n in range(length)}
        moved = path_engine.schedule(steps, 120, paused)
        assert len(moved) == len(plain) + length  # the finish moves by the pause
        assert all(moved[n - 1].paused and not moved[n - 1].steps for n in paused)
        kept = [week for week in moved if not week.paused]
        assert _ids(kept) == _ids(plain)  # every week's content, only later
        for week in plain:
            shift = length if week.number >= first else 0
            assert _ids([moved[week.number - 1 + shift]]) == _ids([week])


def test_a_lighter_week_holds_only_what_fits() -> None:
    steps = _steps(45, 45, 30, 60, 60)
    weeks = path_engine.schedule(steps, 120, {1: 60})
    assert weeks[0].budget == 60 and not weeks[0].paused
    assert _ids(weeks[:1]) == [["m0"]] and weeks[0].minutes <= 60  # 45 + 45 would not fit
    assert _ids(weeks[1:]) == [["m1", "m2"], ["m3", "m4"]]


def test_a_module_longer_than_a_lighter_week_waits_for_a_full_week() -> None:
    weeks = path_engine.schedule(_steps(90, 30), 120, {1: 60, 2: 30})
    assert _ids(weeks) == [[], [], ["m0", "m1"]]  # nothing fits 60, then 30; week 3 is full
    assert [w.budget for w in weeks] == [60, 30, 120]


def test_pauses_after_the_last_step_add_no_weeks() -> None:
    weeks = path_engine.schedule(_steps(60), 120, {2: 0, 3: 0})
    assert len(weeks) == 1


def test_the_budget_that_fits_keeps_the_pause() -> None:
    steps = _steps(60, 60, 60, 60)
    assert path_engine.smallest_budget_that_fits(steps, 2, 60) == 120
    assert path_engine.smallest_budget_that_fits(steps, 2, 60, changed_weeks={1: 0}) == 240
    assert path_engine.smallest_budget_that_fits(steps, 1, 60, changed_weeks={1: 0}) is None
