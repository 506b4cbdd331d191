"""The team skill matrix, its summary and trend, and the organisation view.

Skills, levels, role profiles and modules come from the in-memory curriculum
(content_cache). The people's data is one statement whatever the team size (no
query per person or per cell): it joins every member with every skill, their
latest diagnostic and self-assessment result (``SkillResult.latest``) and their
target (a manager's override, else the role profile's), and adds the team's
diagnostic history for the trend. The organisation view applies the same rule
per person and skill in the database, grouped by team (``_organisation_statement``).

The current-level and target rules come from services/standing.py, in Python for
the cells (``build_rows``) and in SQL for the organisation view.
"""

from __future__ import annotations

import functools
from collections import Counter, defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime

from sqlalchemy import (
    DateTime,
    and_,
    bindparam,
    case,
    extract,
    func,
    null,
    select,
    true,
    type_coerce,
    union_all,
)
from sqlalchemy.orm import Session, aliased

from skillgap.curriculum.snapshot import LevelInfo, SkillInfo, snapshot_of
from skillgap.db import for_large_aggregate
from skillgap.models import (
    Level,
    QuizKind,
    RoleTarget,
    Skill,
    SkillResult,
    TargetOverride,
    Team,
    User,
)
from skillgap.rules.scoring import PASS_PERCENT
from skillgap.services import people_cache
from skillgap.services.standing import (
    current_level_id,
    current_level_sql,
    latest_of_kind,
    target_level_sql,
)

SORTS = ("name", "gap")  # plus any skill id


@dataclass(frozen=True)
class Cell:
    level: LevelInfo
    percent: float | None
    verified: bool  # False: self-rated only, or nothing yet
    low_evidence: bool
    target: LevelInfo | None
    self_rated: LevelInfo | None
    # Worked out once here: summaries, sorting and the page ask for it often.
    gap: int = field(init=False, compare=False)

    def __post_init__(self) -> None:
        gap = max(0, self.target.position - self.level.position) if self.target else 0
        object.__setattr__(self, "gap", gap)

    @property
    def look(self) -> tuple:
        """What the page shows of this cell (team/cells.py renders each look once)."""
        return (
            self.level.position,
            self.level.name,
            self.percent,
            self.verified,
            self.low_evidence,
            self.self_rated is not None,
            self.gap,
        )

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
    total_gap: int = field(init=False, compare=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "total_gap", sum(cell.gap for cell in self.cells.values()))


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
    trend: tuple[list[str], dict[str, list[float | None]]] = ([], {})


# --- loading ---------------------------------------------------------------------


def _framework(session: Session) -> tuple[list[SkillInfo], list[LevelInfo]]:
    snapshot = snapshot_of(session)
    return list(snapshot.skills), list(snapshot.levels)


def _cells_query(member_filter, *member_columns, keep_members=False):  # type: ignore[no-untyped-def]
    """Every (member, skill) with the latest tested and self-rated level and the target.
    ``keep_members``: a member still gets a row (skill None) when there are no skills."""
    tested, rated = aliased(SkillResult), aliased(SkillResult)
    override, role = aliased(TargetOverride), aliased(RoleTarget)
    return (
        select(
            User.id.label("user_id"),
            User.team_id.label("team_id"),
            Skill.id.label("skill_id"),
            tested.level_id.label("tested_level"),
            tested.percent.label("percent"),
            tested.low_evidence.label("low_evidence"),
            rated.level_id.label("rated_level"),
            target_level_sql(override.level_id, role.level_id).label("target_level"),
            *member_columns,
        )
        .select_from(User)
        .join(Skill, true(), isouter=keep_members)
        .outerjoin(tested, latest_of_kind(tested, User.id, Skill.id, QuizKind.DIAGNOSTIC))
        .outerjoin(rated, latest_of_kind(rated, User.id, Skill.id, QuizKind.SELF_ASSESSMENT))
        .outerjoin(override, and_(override.user_id == User.id, override.skill_id == Skill.id))
        .outerjoin(role, and_(role.role_profile_id == User.role_profile, role.skill_id == Skill.id))
        .where(member_filter)
    )


def build_rows(
    members: Sequence[tuple],  # (id, name, email, role profile, last sign-in)
    skills: Sequence[SkillInfo],
    levels: Sequence[LevelInfo],
    cell_rows: Iterable[tuple],  # (user, team, skill, tested, percent, low, rated, target)
) -> list[Row]:
    """Pure: the matrix rows from plain values (current level as design.md defines it)."""
    level_by_id = {level.id: level for level in levels}
    if not levels:
        return [Row(m[0], m[1], m[2], m[3], {}, m[4]) for m in members]  # no framework yet
    lowest = levels[0]
    found: dict[tuple[int, str], tuple] = {}
    for row in cell_rows:
        found[(row[0], row[2])] = row
    rows = []
    for user_id, name, email, profile, last_login_at in members:
        cells = {}
        for skill in skills:
            _u, _t, _s, tested, percent, low, rated, target = found.get(
                (user_id, skill.id), (None,) * 8
            )
            cells[skill.id] = Cell(
                level=level_by_id[current_level_id(tested, rated, lowest.id)],
                percent=percent if tested else None,
                verified=tested is not None,
                low_evidence=bool(low) if tested else False,
                target=level_by_id.get(target or ""),
                self_rated=level_by_id.get(rated or ""),
            )
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


@functools.cache
def _team_statement(by_profile: bool, with_history: bool):  # type: ignore[no-untyped-def]
    """Members, their cells and, with ``with_history``, the team's diagnostic history,
    in one statement (a UNION ALL; history rows have ``history_at`` set). Built once
    per variant, with parameters ``team_id`` and ``profile``: building this join
    costs more than running it."""
    members_filter = and_(User.team_id == bindparam("team_id"), User.active)
    if by_profile:
        members_filter = and_(members_filter, User.role_profile == bindparam("profile"))
    cells = _cells_query(
        members_filter,
        User.name.label("name"),
        User.email.label("email"),
        User.role_profile.label("role_profile"),
        # Plain DateTime (naive UTC), not UTCDateTime: its per-value Python
        # conversion was a fifth of this page's time; team_matrix converts once.
        type_coerce(User.last_login_at, DateTime()).label("last_login_at"),
        null().label("history_month"),
        null().label("history_mean"),
        keep_members=True,
    )
    if not with_history:
        return cells
    # The trend, worked out in the database: per skill and month, the mean of
    # each member's latest diagnostic level in that month (12 months of history
    # are thousands of rows; the trend is a few dozen).
    year = extract("year", SkillResult.created_at)
    month = extract("month", SkillResult.created_at)
    ranked = (
        select(
            SkillResult.skill_id,
            (year * 100 + month).label("month"),
            Level.position,
            func.row_number()
            .over(
                partition_by=(SkillResult.user_id, SkillResult.skill_id, year, month),
                order_by=(SkillResult.created_at.desc(), SkillResult.id.desc()),
            )
            .label("newest_first"),
        )
        .join(User, User.id == SkillResult.user_id)
        .join(Level, Level.id == SkillResult.level_id)
        .where(User.team_id == bindparam("team_id"), SkillResult.kind == QuizKind.DIAGNOSTIC.value)
        .subquery()
    )
    history = (
        select(
            null(),  # user
            null(),  # team
            ranked.c.skill_id,
            *(null() for _ in range(5)),  # tested, percent, low evidence, rated, target
            *(null() for _ in range(4)),  # name, email, role profile, last sign-in
            ranked.c.month,
            func.avg(ranked.c.position),
        )
        .where(ranked.c.newest_first == 1)
        .group_by(ranked.c.skill_id, ranked.c.month)
    )
    return union_all(cells, history)


def trend_series(
    rows: Iterable[tuple[str, int, float]],
) -> tuple[list[str], dict[str, list[float | None]]]:
    """Pure: (skill, year * 100 + month, mean level) rows as months and a series per
    skill, None where a skill has no result in a month."""
    means = {(skill, int(month)): round(float(mean), 2) for skill, month, mean in rows}
    month_numbers = sorted({month for _, month in means})
    months = [f"{number // 100:04d}-{number % 100:02d}" for number in month_numbers]
    skills = sorted({skill for skill, _ in means})
    series = {skill: [means.get((skill, number)) for number in month_numbers] for skill in skills}
    return months, series


def team_matrix(
    session: Session,
    team: Team,
    sort: str = "name",
    profile: str | None = None,
    with_history: bool = False,
) -> Matrix:
    """The team's matrix from one statement; the framework, role profiles and modules
    come from the in-memory curriculum (content_cache). The trend is kept in the
    process until results or teams change: its part of the statement (a year of
    the team's results, ranked per month) is most of the statement's time."""
    skills, levels = _framework(session)
    members: dict[int, tuple] = {}
    cell_rows = []
    history = []
    trend_key = f"team-trend:{team.id}"
    trend = people_cache.kept(session, trend_key) if with_history else None
    statement = _team_statement(bool(profile), with_history and trend is None)
    for row in session.execute(statement, {"team_id": team.id, "profile": profile}).all():
        user_id, _team, skill_id, *_cell, name, email, role_profile, last_login, month, mean = row
        if month is not None:
            history.append((skill_id, month, mean))
            continue
        if user_id not in members:
            last_login = last_login and last_login.replace(tzinfo=UTC)
            members[user_id] = (user_id, name, email, role_profile, last_login)
        if skill_id is not None:
            cell_rows.append(row[:8])
    rows = build_rows(list(members.values()), skills, levels, cell_rows)
    matrix = Matrix(team, skills, levels, sort_rows(rows, sort))
    matrix.summaries = summarise(rows, skills)
    matrix.top_gaps = _top_gaps(session, matrix)
    snapshot = snapshot_of(session)
    matrix.role_profiles = list(snapshot.role_profiles)
    if with_history:
        matrix.trend = trend or people_cache.keep(session, trend_key, trend_series(history))
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
    modules: dict[str, list[tuple[int, str, str]]] = defaultdict(list)
    wanted_skills = {s.skill.id for s in top}
    for module in snapshot_of(session).visible_modules(sees_drafts=False):
        for skill in module.skills:
            if (
                skill.id in wanted_skills
                and level_position[module.level.id] in wanted_levels[skill.id]
            ):
                modules[skill.id].append((level_position[module.level.id], module.id, module.title))
    return [(s, [(m, t) for _, m, t in sorted(modules[s.skill.id])[:3]]) for s in top]


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


Organisation = tuple[list[SkillInfo], list[LevelInfo], list[TeamAggregate]]


@functools.lru_cache(maxsize=4)
def _organisation_statement(levels: tuple[LevelInfo, ...]):  # type: ignore[no-untyped-def]
    """Per team and skill: people, mean current level, people with a target and
    people at or above it. The current-level rule in SQL, per person and skill,
    then grouped by team.

    One index probe per person and skill (ix_skill_results_current covers it)
    finds both kinds' latest level; two probes, one per kind, took twice as long
    over 10,000 people. Level ids become positions inline (there are a handful).
    """
    position = {level.id: level.position for level in levels}

    def level_position(column):  # type: ignore[no-untyped-def]
        return case(position, value=column, else_=None)

    def latest_of(kind: QuizKind):  # type: ignore[no-untyped-def]
        return func.max(
            case((SkillResult.kind == kind.value, level_position(SkillResult.level_id)))
        )

    per_person = (
        select(
            User.team_id.label("team_id"),
            Skill.id.label("skill_id"),
            current_level_sql(
                latest_of(QuizKind.DIAGNOSTIC), latest_of(QuizKind.SELF_ASSESSMENT), 0
            ).label("current"),
            # At most one override and one role target per cell: max() only
            # satisfies GROUP BY.
            func.max(
                level_position(target_level_sql(TargetOverride.level_id, RoleTarget.level_id))
            ).label("target"),
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

    Computed once per change of the data it aggregates (data_versions) and kept
    in the process: over 10,000 people the grouped query takes about a quarter of a
    second, and admins look at this page far more often than it changes."""
    return people_cache.derived(session, "organisation", compute_organisation)


def compute_organisation(session: Session) -> Organisation:
    """One grouped query over everyone (the current-level rule written in SQL)."""
    skills, levels = _framework(session)
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
