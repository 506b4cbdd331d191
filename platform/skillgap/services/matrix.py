"""The team skill matrix, its summary and trend, and the organisation view.

Everything here is a fixed number of plain-column queries, whatever the team
size (no query per person or per cell), followed by arithmetic in Python:
members; skills; levels; role targets; overrides; the latest diagnostic and
self-assessment result per person and skill (one windowed query); and, for the
trend, the diagnostic history.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import datetime

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from skillgap.models import (
    Course,
    Level,
    Module,
    QuizKind,
    RoleProfile,
    RoleTarget,
    Skill,
    SkillResult,
    TargetOverride,
    Team,
    User,
    module_skills,
)
from skillgap.services.scoring import PASS_PERCENT

SORTS = ("name", "gap")  # plus any skill id


@dataclass(frozen=True)
class LevelInfo:
    id: str
    name: str
    position: int


@dataclass(frozen=True)
class SkillInfo:
    id: str
    name: str


@dataclass(frozen=True)
class Cell:
    level: LevelInfo
    percent: float | None
    verified: bool  # False: self-rated only, or nothing yet
    low_evidence: bool
    target: LevelInfo | None
    self_rated: LevelInfo | None

    @property
    def gap(self) -> int:
        return max(0, self.target.position - self.level.position) if self.target else 0

    @property
    def over_confident(self) -> bool:
        return bool(
            self.verified and self.self_rated and self.self_rated.position > self.level.position
        )

    @property
    def entry_competent(self) -> bool:
        return self.verified and self.percent is not None and self.percent >= PASS_PERCENT


@dataclass(frozen=True)
class Row:
    user_id: int
    name: str
    email: str
    role_profile: str | None
    cells: dict[str, Cell]
    last_login_at: datetime | None = None

    @property
    def total_gap(self) -> int:
        return sum(cell.gap for cell in self.cells.values())


@dataclass(frozen=True)
class SkillSummary:
    skill: SkillInfo
    distribution: dict[str, int]  # level id -> people
    below_target: int
    with_target: int
    over_confident: int
    with_both: int  # tested and self-rated
    entry_competent: int
    people: int
    total_gap: int


@dataclass
class Matrix:
    team: Team
    skills: list[SkillInfo]
    levels: list[LevelInfo]
    rows: list[Row]
    summaries: list[SkillSummary] = field(default_factory=list)
    top_gaps: list[tuple[SkillSummary, list[tuple[str, str]]]] = field(default_factory=list)
    role_profiles: list[tuple[str, str]] = field(default_factory=list)


# --- loading ---------------------------------------------------------------------


def _framework(session: Session) -> tuple[list[SkillInfo], list[LevelInfo]]:
    skills = [
        SkillInfo(i, n)
        for i, n in session.execute(select(Skill.id, Skill.name).order_by(Skill.position))
    ]
    levels = [
        LevelInfo(i, n, p)
        for i, n, p in session.execute(
            select(Level.id, Level.name, Level.position).order_by(Level.position)
        )
    ]
    return skills, levels


def _latest_results(session: Session, member_filter) -> list[tuple]:  # type: ignore[no-untyped-def]
    """(user, skill, kind, level, percent, low_evidence) of the latest diagnostic and
    self-assessment result per person and skill: one windowed query."""
    ranked = (
        select(
            SkillResult.user_id,
            SkillResult.skill_id,
            SkillResult.kind,
            SkillResult.level_id,
            SkillResult.percent,
            SkillResult.low_evidence,
            func.row_number()
            .over(
                partition_by=(SkillResult.user_id, SkillResult.skill_id, SkillResult.kind),
                order_by=(SkillResult.created_at.desc(), SkillResult.id.desc()),
            )
            .label("rank"),
        )
        .join(User, User.id == SkillResult.user_id)
        .where(
            member_filter,
            SkillResult.kind.in_([QuizKind.DIAGNOSTIC.value, QuizKind.SELF_ASSESSMENT.value]),
        )
        .subquery()
    )
    return list(
        session.execute(
            select(
                ranked.c.user_id,
                ranked.c.skill_id,
                ranked.c.kind,
                ranked.c.level_id,
                ranked.c.percent,
                ranked.c.low_evidence,
            ).where(ranked.c.rank == 1)
        )
    )


def build_rows(
    members: Sequence[tuple],  # (id, name, email, role profile, last sign-in)
    skills: Sequence[SkillInfo],
    levels: Sequence[LevelInfo],
    role_targets: Iterable[tuple[str, str, str]],
    overrides: Iterable[tuple[int, str, str]],
    latest: Iterable[tuple],
) -> list[Row]:
    """Pure: the matrix rows from plain values (current level as design.md defines it)."""
    level_by_id = {level.id: level for level in levels}
    lowest = levels[0] if levels else None  # no framework imported: rows without cells
    targets_by_profile: dict[str, dict[str, str]] = defaultdict(dict)
    for profile, skill, level in role_targets:
        targets_by_profile[profile][skill] = level
    override_by_user: dict[int, dict[str, str]] = defaultdict(dict)
    for user_id, skill, level in overrides:
        override_by_user[user_id][skill] = level
    tested: dict[tuple[int, str], tuple] = {}
    rated: dict[tuple[int, str], str] = {}
    for user_id, skill, kind, level, percent, low in latest:
        if kind == QuizKind.DIAGNOSTIC:
            tested[(user_id, skill)] = (level, percent, low)
        else:
            rated[(user_id, skill)] = level
    rows = []
    for user_id, name, email, profile, last_login_at in members:
        targets = {**targets_by_profile.get(profile or "", {}), **override_by_user.get(user_id, {})}
        cells = {}
        for skill in skills:
            key = (user_id, skill.id)
            self_level = level_by_id.get(rated.get(key, ""))
            if key in tested:
                level_id, percent, low = tested[key]
                cell = Cell(
                    level_by_id[level_id],
                    percent,
                    True,
                    bool(low),
                    level_by_id.get(targets.get(skill.id, "")),
                    self_level,
                )
            elif lowest is not None:
                cell = Cell(
                    self_level or lowest,
                    None,
                    False,
                    False,
                    level_by_id.get(targets.get(skill.id, "")),
                    self_level,
                )
            else:
                continue
            cells[skill.id] = cell
        rows.append(Row(user_id, name, email, profile, cells, last_login_at))
    return rows


def summarise(rows: Sequence[Row], skills: Sequence[SkillInfo]) -> list[SkillSummary]:
    summaries = []
    for skill in skills:
        cells = [row.cells[skill.id] for row in rows]
        summaries.append(
            SkillSummary(
                skill=skill,
                distribution=dict(Counter(cell.level.id for cell in cells)),
                below_target=sum(1 for c in cells if c.gap > 0),
                with_target=sum(1 for c in cells if c.target is not None),
                over_confident=sum(1 for c in cells if c.over_confident),
                with_both=sum(1 for c in cells if c.verified and c.self_rated),
                entry_competent=sum(1 for c in cells if c.entry_competent),
                people=len(cells),
                total_gap=sum(c.gap for c in cells),
            )
        )
    return summaries


def sort_rows(rows: list[Row], sort: str) -> list[Row]:
    if sort == "gap":
        return sorted(rows, key=lambda r: (-r.total_gap, r.name.lower(), r.user_id))
    if rows and sort in rows[0].cells:  # a skill: weakest first, then biggest gap
        return sorted(
            rows,
            key=lambda r: (
                r.cells[sort].level.position,
                -r.cells[sort].gap,
                r.name.lower(),
                r.user_id,
            ),
        )
    return sorted(rows, key=lambda r: (r.name.lower(), r.user_id))


def team_matrix(
    session: Session, team: Team, sort: str = "name", profile: str | None = None
) -> Matrix:
    skills, levels = _framework(session)
    in_team = User.team_id == team.id
    member_query = select(
        User.id, User.name, User.email, User.role_profile, User.last_login_at
    ).where(in_team, User.active)
    if profile:
        member_query = member_query.where(User.role_profile == profile)
    members = list(session.execute(member_query))
    role_targets = session.execute(
        select(RoleTarget.role_profile_id, RoleTarget.skill_id, RoleTarget.level_id)
    )
    overrides = session.execute(
        select(TargetOverride.user_id, TargetOverride.skill_id, TargetOverride.level_id)
        .join(User, User.id == TargetOverride.user_id)
        .where(in_team)
    )
    rows = build_rows(
        members, skills, levels, role_targets, overrides, _latest_results(session, in_team)
    )
    matrix = Matrix(team, skills, levels, sort_rows(rows, sort))
    matrix.summaries = summarise(rows, skills)
    matrix.top_gaps = _top_gaps(session, matrix)
    matrix.role_profiles = list(
        session.execute(select(RoleProfile.id, RoleProfile.name).order_by(RoleProfile.position))
    )
    return matrix


def _top_gaps(session: Session, matrix: Matrix) -> list[tuple[SkillSummary, list[tuple[str, str]]]]:
    """The three skills with the largest total gap, each with up to three modules that
    teach it at levels the team is missing (one query for all three)."""
    top = [
        s
        for s in sorted(matrix.summaries, key=lambda s: (-s.total_gap, s.skill.name))
        if s.total_gap > 0
    ][:3]
    if not top:
        return []
    wanted_levels: dict[str, set[int]] = defaultdict(set)
    for row in matrix.rows:
        for summary in top:
            cell = row.cells[summary.skill.id]
            if cell.gap:
                wanted_levels[summary.skill.id].update(
                    range(cell.level.position + 1, cell.target.position + 1)
                )  # type: ignore[union-attr]
    level_position = {level.id: level.position for level in matrix.levels}
    rows = session.execute(
        select(module_skills.c.skill_id, Module.id, Module.title, Module.level_id)
        .join(Module, Module.id == module_skills.c.module_id)
        .join(Course, Course.id == Module.course_id)
        .where(
            module_skills.c.skill_id.in_([s.skill.id for s in top]),
            Module.published,
            Course.published,
        )
        .order_by(Module.level_id, Course.position, Module.position)
    )
    modules: dict[str, list[tuple[int, str, str]]] = defaultdict(list)
    for skill_id, module_id, title, level_id in rows:
        if level_position[level_id] in wanted_levels[skill_id]:
            modules[skill_id].append((level_position[level_id], module_id, title))
    return [(s, [(m, t) for _, m, t in sorted(modules[s.skill.id])[:3]]) for s in top]


# --- trend ------------------------------------------------------------------------


def team_trend(session: Session, team: Team) -> tuple[list[str], dict[str, list[float | None]]]:
    """Per skill, the team's mean tested level (index) per month: for each person, their
    latest result in that month. Months with no result for a skill are None."""
    rows = session.execute(
        select(SkillResult.user_id, SkillResult.skill_id, SkillResult.created_at, Level.position)
        .join(User, User.id == SkillResult.user_id)
        .join(Level, Level.id == SkillResult.level_id)
        .where(User.team_id == team.id, SkillResult.kind == QuizKind.DIAGNOSTIC.value)
        .order_by(SkillResult.created_at, SkillResult.id)
    )
    return monthly_means(rows)


def monthly_means(
    rows: Iterable[tuple[int, str, datetime, int]],
) -> tuple[list[str], dict[str, list[float | None]]]:
    """Pure: rows of (user, skill, when, level index), oldest first."""
    latest: dict[tuple[str, str], dict[int, int]] = defaultdict(dict)
    for user_id, skill_id, when, position in rows:
        latest[(f"{when:%Y-%m}", skill_id)][user_id] = position  # later rows win
    months = sorted({month for month, _ in latest})
    skills = sorted({skill for _, skill in latest})
    series = {
        skill: [
            round(sum(v) / len(v), 2)
            if (v := list(latest.get((month, skill), {}).values()))
            else None
            for month in months
        ]
        for skill in skills
    }
    return months, series


# --- organisation -----------------------------------------------------------------


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


def organisation(session: Session) -> tuple[list[SkillInfo], list[LevelInfo], list[TeamAggregate]]:
    """Every team, per skill: how many are at or above target, and the mean current level."""
    skills, levels = _framework(session)
    teams = list(session.execute(select(Team.id, Team.name).order_by(Team.name)))
    if not levels:
        return skills, levels, []
    in_a_team = User.team_id.is_not(None) & User.active
    members = list(
        session.execute(
            select(
                User.id, User.name, User.email, User.role_profile, User.last_login_at, User.team_id
            ).where(in_a_team)
        )
    )
    team_of = {m[0]: m[5] for m in members}
    role_targets = session.execute(
        select(RoleTarget.role_profile_id, RoleTarget.skill_id, RoleTarget.level_id)
    )
    overrides = session.execute(
        select(TargetOverride.user_id, TargetOverride.skill_id, TargetOverride.level_id)
    )
    rows = build_rows(
        [m[:5] for m in members],
        skills,
        levels,
        role_targets,
        overrides,
        _latest_results(session, in_a_team),
    )
    by_team: dict[int, list[Row]] = defaultdict(list)
    for row in rows:
        by_team[team_of[row.user_id]].append(row)
    aggregates = []
    for team_id, team_name in teams:
        team_rows = by_team.get(team_id, [])
        per_skill = {}
        for skill in skills:
            cells = [r.cells[skill.id] for r in team_rows]
            targeted = [c for c in cells if c.target is not None]
            per_skill[skill.id] = TeamSkillAggregate(
                at_or_above_target=sum(1 for c in targeted if c.gap == 0),
                with_target=len(targeted),
                mean_level=round(sum(c.level.position for c in cells) / len(cells), 2)
                if cells
                else None,
            )
        aggregates.append(TeamAggregate(team_id, team_name, len(team_rows), per_skill))
    return skills, levels, aggregates
