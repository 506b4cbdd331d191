"""The organisation view for admins: every team, per skill, people at or above
target and the mean current level, from one grouped statement over everyone.

The current-level and target rules are services/standing.py's SQL forms; a test
holds this view to the team matrix cell by cell.
"""

from __future__ import annotations

import functools
from collections import defaultdict
from dataclasses import dataclass

from sqlalchemy import and_, case, func, select, true
from sqlalchemy.orm import Session

from skillgap.curriculum.snapshot import LevelInfo, SkillInfo, snapshot_of
from skillgap.db import for_large_aggregate
from skillgap.kinds import QuizKind
from skillgap.models import RoleTarget, Skill, SkillResult, TargetOverride, Team, User
from skillgap.services import people_cache
from skillgap.services.standing import current_level_sql, default_target, target_level_sql


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


def _per_person(levels: tuple[LevelInfo, ...]):
    """Per active team member and skill: the current level and the target, as
    level positions (level ids become positions inline: there are a handful).

    One index probe per person and skill (ix_skill_results_current covers it)
    finds both kinds' latest level; two probes, one per kind, took twice as long
    over 10,000 people."""
    position = {level.id: level.position for level in levels}
    default = default_target([level.id for level in levels])
    target = target_level_sql(TargetOverride.level_id, RoleTarget.level_id, default)

    def level_position(column):
        return case(position, value=column, else_=None)

    def latest_of(kind: QuizKind):
        return func.max(
            case((SkillResult.kind == kind.value, level_position(SkillResult.level_id)))
        )

    return (
        select(
            User.team_id.label("team_id"),
            Skill.id.label("skill_id"),
            current_level_sql(
                latest_of(QuizKind.DIAGNOSTIC), latest_of(QuizKind.SELF_ASSESSMENT), 0
            ).label("current"),
            # At most one override and one role target per cell: max() only
            # satisfies GROUP BY.
            func.max(level_position(target)).label("target"),
        )
        .select_from(User)
        # A LEFT JOIN keeps people the outer loop whatever the planner's
        # statistics say (SQLite does not reorder it): people outside, skills
        # inside, so each person's results are probed together.
        .outerjoin(Skill, true())
        .outerjoin(
            SkillResult,
            and_(
                SkillResult.user_id == User.id,
                SkillResult.skill_id == Skill.id,
                SkillResult.latest == true(),
            ),
        )
        .outerjoin(
            TargetOverride,
            and_(TargetOverride.user_id == User.id, TargetOverride.skill_id == Skill.id),
        )
        .outerjoin(
            RoleTarget,
            and_(RoleTarget.role_profile_id == User.role_profile, RoleTarget.skill_id == Skill.id),
        )
        .where(User.team_id.is_not(None), User.active)
        .group_by(User.id, Skill.id)
        .subquery()
    )


@functools.lru_cache(maxsize=4)
def _organisation_statement(levels: tuple[LevelInfo, ...]):
    """Per team and skill: people, mean current level, people with a target and
    people at or above it (``_per_person`` grouped by team)."""
    per_person = _per_person(levels)
    current, target = per_person.c.current, per_person.c.target
    return select(
        per_person.c.team_id,
        per_person.c.skill_id,
        func.count(),
        func.avg(current),
        func.count(target),
        func.sum(case((and_(target.is_not(None), current >= target), 1), else_=0)),
    ).group_by(per_person.c.team_id, per_person.c.skill_id)


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
        grouped = session.execute(_organisation_statement(tuple(levels))).all()
    per_team: dict[int, dict[str, TeamSkillAggregate]] = defaultdict(dict)
    people: dict[int, int] = {}
    for team_id, skill_id, count, mean, with_target, at_target in grouped:
        people[team_id] = count
        per_team[team_id][skill_id] = TeamSkillAggregate(
            int(at_target or 0), int(with_target or 0), round(float(mean), 2)
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
