"""The standing rules (services/standing.py) on constructed data: the current
level, the target, and a person's standing per skill from a snapshot."""

from __future__ import annotations

from dataclasses import dataclass

from skillgap.curriculum.snapshot import LevelInfo, SkillInfo, Snapshot
from skillgap.rules.path_engine import Standing, plan_path
from skillgap.services.standing import current_level, current_level_id, standings, target_levels
from tests.unit.test_path_engine import CATALOGUE, LEVELS, NAMES, ids

LEVEL_INFO = tuple(
    LevelInfo(level_id, name, percent, position)
    for position, (level_id, name, percent) in enumerate(
        [("below-entry", "Below entry", 0), ("entry", "Entry", 60),
         ("intermediate", "Intermediate", 75), ("advanced", "Advanced", 90)]
    )
)  # fmt: skip


@dataclass(frozen=True)
class Result:
    level_id: str
    percent: float | None = None
    low_evidence: bool = False
    attempt_id: int = 1


def snapshot(role_targets=None) -> Snapshot:  # type: ignore[no-untyped-def]
    return Snapshot(
        version=1,
        levels=LEVEL_INFO,
        skills=(SkillInfo("plan", "Planning", "", 0), SkillInfo("kpis", "KPIs", "", 1)),
        courses={},
        modules={},
        role_targets=role_targets or {},
        role_profiles=(("manager", "Manager"),),
    )


def test_tested_beats_self_rated_beats_the_lowest_level():
    assert current_level_id("entry", "advanced", "below-entry") == "entry"
    assert current_level_id(None, "advanced", "below-entry") == "advanced"
    assert current_level_id(None, None, "below-entry") == "below-entry"
    tested = current_level("plan", Result("entry", 65.0, True, 7), "advanced", "below-entry")
    assert (tested.level_id, tested.verified, tested.percent, tested.low_evidence) == (
        "entry", True, 65.0, True,
    )  # fmt: skip
    assert tested.attempt_id == 7
    rated = current_level("plan", None, "advanced", "below-entry")
    assert (rated.level_id, rated.verified, rated.percent) == ("advanced", False, None)


def test_manager_override_beats_the_role_target():
    targets = target_levels({"kpis": 2, "strategy": 1}, {"kpis": 1})
    assert targets == {"kpis": 1, "strategy": 1}
    people = [Standing("kpis", NAMES["kpis"], 0, targets["kpis"])]
    assert ids(plan_path(people, CATALOGUE, [], 120, LEVELS)) == ["k1"]
    role_only = [Standing("kpis", NAMES["kpis"], 0, 2)]
    assert ids(plan_path(role_only, CATALOGUE, [], 120, LEVELS)) == ["k1", "k2"]


def test_standings_per_skill_with_sources_of_targets():
    shot = snapshot({"manager": {"plan": "intermediate", "kpis": "entry"}})
    latest = {
        "diagnostic": {"plan": Result("entry", 62.5)},
        "self-assessment": {"plan": Result("advanced"), "kpis": Result("intermediate")},
    }
    rows = {s.skill.id: s for s in standings(shot, "manager", latest, {"kpis": "advanced"})}
    plan, kpis = rows["plan"], rows["kpis"]
    assert (plan.current.id, plan.verified, plan.self_rated.id, plan.percent) == (
        "entry", True, "advanced", 62.5,
    )  # fmt: skip
    assert (plan.target.id, plan.target_source, plan.gap) == ("intermediate", "role", 1)
    assert (kpis.current.id, kpis.verified, kpis.target.id, kpis.target_source) == (
        "intermediate", False, "advanced", "manager",
    )  # fmt: skip
    nobody = {s.skill.id: s for s in standings(shot, None, {}, {})}
    assert nobody["plan"].current.id == "below-entry"
    # No role profile: the default target, entry level, so a gap rather than "on target".
    assert (nobody["plan"].target.id, nobody["plan"].target_source) == ("entry", "default")
    assert nobody["plan"].gap == 1
    assert standings(Snapshot(None, (), (), {}, {}, {}, ()), None, {}, {}) == []
