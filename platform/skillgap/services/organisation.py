"""The organisation view for admins: every team, per skill, people at or above
target and the mean current level, from one grouped statement over everyone.

The current level and target of each person and skill are the kept rows
(services/current_levels.py: the rules of services/standing.py, kept in step
with every change); a test holds this view to the team matrix cell by cell.
"""

from __future__ import annotations

import functools
from collections import defaultdict
from dataclasses import dataclass

from sqlalchemy import and_, case, func, select
from sqlalchemy.orm import Session

from skillgap.curriculum.snapshot import LevelInfo, SkillInfo, snapshot_of
from skillgap.db import for_large_aggregate
from skillgap.models import KeptLevel, Team
from skillgap.services import people_cache


@dataclass(frozen=True)
class TeamSkillAggregate:
    at_or_above_target: int
    with_target: int
    mean_level: float | None


@dataclass(frozen=True)
class TeamAggregate:
    team_id: int
    team_name: str
    people: int
    skills: dict[str, TeamSkillAggregate]


Organisation = tuple[list[SkillInfo], list[LevelInfo], list[TeamAggregate]]


@functools.lru_cache(maxsize=1)
def _organisation_statement():
    """Per team and skill: people, mean current level, people with a target and
    people at or above it, from the kept rows alone (services/current_levels.py:
    each holds the person's team, active flag and both levels' positions, and
    one index covers the whole grouped read)."""
    current, target = KeptLevel.level_position, KeptLevel.target_position
    return (
        select(
            KeptLevel.team_id,
            KeptLevel.skill_id,
            func.count(),
            func.avg(current),
            func.count(target),
            func.sum(case((and_(target.is_not(None), current >= target), 1), else_=0)),
        )
        .where(KeptLevel.team_id.is_not(None), KeptLevel.active)
        .group_by(KeptLevel.team_id, KeptLevel.skill_id)
    )


def organisation(session: Session) -> Organisation:
    """Every team, per skill: people at or above target, and the mean current level.

    Computed once per change of the data it aggregates (curriculum/versions.py) and kept
    in the process: over 10,000 people the grouped query takes about a quarter of a
    second, and admins look at this page far more often than it changes."""
    return people_cache.derived(session, "organisation", compute_organisation)


def compute_organisation(session: Session) -> Organisation:
    """One grouped query over everyone (the current-level rule written in SQL)."""
    snapshot = snapshot_of(session)
    skills, levels = list(snapshot.skills), list(snapshot.levels)
    teams = list(session.execute(select(Team.id, Team.name).order_by(Team.name)))
    if not levels:
        return skills, levels, []
    with for_large_aggregate(session):
        grouped = session.execute(_organisation_statement()).all()
    per_team: dict[int, dict[str, TeamSkillAggregate]] = defaultdict(dict)
    people: dict[int, int] = {}
    for team_id, skill_id, count, mean, with_target, at_target in grouped:
        people[team_id] = count
        per_team[team_id][skill_id] = TeamSkillAggregate(
            int(at_target or 0),
            int(with_target or 0),
            None if mean is None else round(float(mean), 2),
        )
    empty = TeamSkillAggregate(0, 0, None)
    return (
        skills,
        levels,
        [
            TeamAggregate(
                team_id,
                name,
                people.get(team_id, 0),
                {skill.id: per_team[team_id].get(skill.id, empty) for skill in skills},
            )
            for team_id, name in teams
        ],
    )
