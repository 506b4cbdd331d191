"""Matrix arithmetic on plain values: current level, gaps, summary, sort, trend."""

from __future__ import annotations

from skillgap.curriculum.snapshot import LevelInfo, SkillInfo
from skillgap.rules.matrix_cells import sort_rows, summarise, trend_series
from skillgap.services.matrix import build_rows

LEVELS = [
    LevelInfo("below-entry", "Below entry", 0.0, 0),
    LevelInfo("entry", "Entry", 60.0, 1),
    LevelInfo("intermediate", "Intermediate", 75.0, 2),
    LevelInfo("advanced", "Advanced", 90.0, 3),
]
SKILLS = [SkillInfo("plan", "Planning", "", 0), SkillInfo("kpi", "KPIs", "", 1)]
MEMBERS = [
    (1, "Ann", "a@x.org", "manager", None),
    (2, "bob", "b@x.org", "manager", None),
    (3, "Cy", "c@x.org", None, None),
]
# (user, team, skill, latest tested level, percent, low evidence, latest self-rating, target):
# what the one joined query returns. Bob's KPI target "advanced" is a manager's override.
CELLS = [
    (1, 9, "plan", "entry", 64.0, False, "advanced", "intermediate"),
    (1, 9, "kpi", "intermediate", 80.0, True, None, "entry"),
    (2, 9, "plan", None, None, None, "intermediate", "intermediate"),
    (2, 9, "kpi", None, None, None, None, "advanced"),
    (3, 9, "plan", None, None, None, None, None),
    (3, 9, "kpi", "below-entry", 40.0, False, "below-entry", None),
]


def rows():
    return build_rows(MEMBERS, SKILLS, LEVELS, CELLS)


def test_cells_follow_the_current_level_rules():
    ann, bob, cy = rows()
    assert (ann.cells["plan"].level.id, ann.cells["plan"].verified, ann.cells["plan"].gap) == (
        "entry",
        True,
        1,
    )
    assert ann.cells["plan"].over_confident and ann.cells["plan"].entry_competent
    assert ann.cells["kpi"].low_evidence and ann.cells["kpi"].gap == 0
    # Bob: self-rating only (unverified) for planning, nothing for KPIs; manager override.
    assert (bob.cells["plan"].level.id, bob.cells["plan"].verified) == ("intermediate", False)
    assert bob.cells["plan"].gap == 0 and not bob.cells["plan"].over_confident
    assert (bob.cells["kpi"].level.id, bob.cells["kpi"].target.id, bob.cells["kpi"].gap) == (
        "below-entry",
        "advanced",
        3,
    )
    assert cy.cells["kpi"].target is None and cy.cells["kpi"].gap == 0  # no role profile
    assert [r.total_gap for r in (ann, bob, cy)] == [1, 3, 0]


def test_summary_counts():
    plan, kpi = summarise(rows(), SKILLS)
    assert plan.distribution == {"entry": 1, "intermediate": 1, "below-entry": 1}
    assert (plan.below_target, plan.with_target) == (1, 2)
    assert (plan.over_confident, plan.with_both, plan.entry_competent) == (1, 1, 1)
    assert (kpi.below_target, kpi.with_target, kpi.total_gap) == (1, 2, 3)
    assert (kpi.over_confident, kpi.with_both, kpi.entry_competent) == (0, 1, 1)


def test_sorting():
    assert [r.name for r in sort_rows(rows(), "name")] == ["Ann", "bob", "Cy"]
    assert [r.name for r in sort_rows(rows(), "gap")] == ["bob", "Ann", "Cy"]
    # A skill: lowest tested score first (Cy 40%, Ann 80%), the untested last (bob).
    assert [r.name for r in sort_rows(rows(), "kpi")] == ["Cy", "Ann", "bob"]
    # Overall: lowest mean tested score first (Cy 40, Ann 72), then the untested.
    assert [r.name for r in sort_rows(rows(), "weakest")] == ["Cy", "Ann", "bob"]
    assert [r.name for r in sort_rows(rows(), "nonsense")] == ["Ann", "bob", "Cy"]


def test_trend_series_lists_months_in_order_with_gaps_as_none():
    months, series = trend_series([("plan", 202611, 3), ("plan", 202609, 1.5), ("kpi", 202611, 1)])
    assert months == ["2026-09", "2026-11"]
    assert series == {"plan": [1.5, 3.0], "kpi": [None, 1.0]}
