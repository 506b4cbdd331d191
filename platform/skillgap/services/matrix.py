"""The team skill matrix, its summary and trend.

Skills, levels, role profiles and modules come from the curriculum snapshot.
The people's data is one statement whatever the team size (no
query per person or per cell): it joins every member with every skill, their
latest diagnostic and self-assessment result (``SkillResult.latest``) and their
target (a manager's override, else the role profile's), and adds the team's
diagnostic history for the trend. The current-level and target rules come from
services/standing.py (the organisation view, services/organisation.py, uses
their SQL forms).
"""

from __future__ import annotations

import functools
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import UTC, date

from flask_babel import gettext as _
from sqlalchemy import (
    DateTime,
    and_,
    bindparam,
    case,
    extract,
    func,
    null,
    select,
    type_coerce,
    union_all,
)
from sqlalchemy.orm import Session

from skillgap.curriculum import revisions
from skillgap.curriculum.snapshot import LevelInfo, SkillInfo, snapshot_of
from skillgap.models import (
    KeptLevel,
    LearningPlan,
    Level,
    QuizKind,
    SkillResult,
    Team,
    User,
)
from skillgap.rules.matrix_cells import (
    Cell,
    Row,
    SkillSummary,
    level_abbreviation,
    skill_labels,
    sort_rows,
    summarise,
    trend_series,
)
from skillgap.services import paths, people_cache
from skillgap.services.standing import (
    UNCERTAIN_BELOW,
    current_level_id,
    default_target,
)


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
    labels: dict[str, str] = field(default_factory=dict)  # skill id -> short column label

    @property
    def level_abbreviations(self) -> list[tuple[str, str]]:
        """(abbreviation, full name) per level, for the page's key to the cells."""
        return [(level_abbreviation(level.name), level.name) for level in self.levels]

    def below_target(self, skill_id: str) -> list[Row]:
        """The people (in the matrix's order) below their target in the skill."""
        return [row for row in self.rows if skill_id in row.cells and row.cells[skill_id].gap]


# --- loading ---------------------------------------------------------------------


def _framework(session: Session) -> tuple[list[SkillInfo], list[LevelInfo]]:
    snapshot = snapshot_of(session)
    return list(snapshot.skills), list(snapshot.levels)


def _cells_query(member_filter, *member_columns, keep_members=False):
    """Every (member, skill) with the latest tested and self-rated level and the
    target, as kept in current_levels (services/current_levels.py).
    ``keep_members``: a member still gets a row (skill None) when there are no skills."""
    kept = KeptLevel
    return (
        select(
            User.id.label("user_id"),
            User.team_id.label("team_id"),
            kept.skill_id.label("skill_id"),
            kept.tested_level_id.label("tested_level"),
            kept.percent.label("percent"),
            # 2: an adaptive level not decided yet (under 80% likely); 1: a fixed
            # form's low evidence; 0: neither (rules/matrix_cells.Cell).
            case((kept.certainty < UNCERTAIN_BELOW, 2), (kept.low_evidence, 1), else_=0).label(
                "low_evidence"
            ),
            kept.self_level_id.label("rated_level"),
            kept.target_level_id.label("target_level"),
            *member_columns,
        )
        .select_from(User)
        .join(kept, kept.user_id == User.id, isouter=keep_members)
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
                low_evidence=low == 1 if tested else False,
                uncertain=low == 2 if tested else False,
                target=level_by_id.get(target or ""),
                self_rated=level_by_id.get(rated or ""),
            )
        rows.append(Row(user_id, name, email, profile, cells, last_login_at))
    return rows


@functools.cache
def _team_statement(by_profile: bool, with_history: bool):
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


def team_matrix(
    session: Session,
    team: Team,
    sort: str = "name",
    profile: str | None = None,
    with_history: bool = False,
) -> Matrix:
    """The team's matrix from one statement; the framework, role profiles and modules
    come from the curriculum snapshot. The trend is kept in the
    process until results or teams change: its part of the statement (a year of
    the team's results, ranked per month) is most of the statement's time."""
    skills, levels = _framework(session)
    members: dict[int, tuple] = {}
    cell_rows = []
    history = []
    trend_key = f"team-trend:{team.id}"
    trend = people_cache.kept(session, trend_key) if with_history else None
    statement = _team_statement(bool(profile), with_history and trend is None)
    for row in session.execute(
        statement,
        {
            "team_id": team.id,
            "profile": profile,
            "default_target": default_target([level.id for level in levels]),
        },
    ).all():
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
    matrix = Matrix(
        team, skills, levels, sort_rows(rows, sort), labels=skill_labels(skills, short_labels())
    )
    matrix.summaries = summarise(rows, skills)
    matrix.top_gaps = _top_gaps(session, matrix)
    snapshot = snapshot_of(session)
    matrix.role_profiles = list(snapshot.role_profiles)
    if with_history:
        matrix.trend = trend or people_cache.keep(session, trend_key, trend_series(history))
    return matrix


def _top_gaps(session: Session, matrix: Matrix) -> list[tuple[SkillSummary, list[tuple[str, str]]]]:
    """The three skills with the largest total gap, each with up to three published
    modules at levels the team is missing: the skill's own modules first, then
    those that only touch it (from the curriculum snapshot: no query)."""
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
            if cell.gap and cell.target is not None:  # a gap needs a target
                wanted_levels[summary.skill.id].update(
                    range(cell.level.position + 1, cell.target.position + 1)
                )
    level_position = {level.id: level.position for level in matrix.levels}
    modules: dict[str, list[tuple[tuple, str, str]]] = defaultdict(list)
    wanted_skills = {s.skill.id for s in top}
    for module in snapshot_of(session).visible_modules(sees_drafts=False):
        for skill in module.skills:
            position = level_position[module.level.id]
            if skill.id in wanted_skills and position in wanted_levels[skill.id]:
                # The skill's own modules first (a module's first skill is the one
                # it teaches; the others it touches): for a Strategy gap, not a
                # Content & creative module that mentions strategy. Then the lowest
                # missing level first, in course order.
                own = module.skills[0].id == skill.id
                order = (not own, position, module.course.position, module.position)
                modules[skill.id].append((order, module.id, module.title))
    return [(s, [(m, t) for _, m, t in sorted(modules[s.skill.id])[:3]]) for s in top]


# --- acting on a gap ---------------------------------------------------------------


def set_gap_targets(
    session: Session,
    matrix: Matrix,
    skill_id: str,
    target_id: str | None,
    due_date: date | None,
    set_by: User,
) -> list[Row]:
    """From a top gap, in one step: for everyone in ``matrix`` below target in the
    skill, the target in that skill (``target_id``; None keeps each person's) and
    the due date of their path (None keeps each person's). The person page's own
    functions do the writing, with the same audit entries, so a target set here
    is the same as one set there. Returns the people changed."""
    people = matrix.below_target(skill_id)
    # Their plans in one query: set_due_date then finds each one in the session.
    ids = [row.user_id for row in people]
    session.scalars(select(LearningPlan).where(LearningPlan.user_id.in_(ids))).all()
    for row in people:
        if target_id is not None:
            paths.set_target_overrides(session, row.user_id, {skill_id: target_id}, set_by)
            revisions.record(session, set_by, "path.targets", row.email, f"{skill_id}: {target_id}")
        if due_date is not None:
            paths.set_due_date(session, row.user_id, due_date, set_by)
            revisions.record(session, set_by, "path.due_date", row.email, str(due_date))
    return people


def short_labels() -> dict[str, str]:
    """The shipped skills' matrix column labels in the reader's language (at most
    ten characters; a soft hyphen where a long one may break)."""
    return {
        "strategy-planning": _("Strategy"),
        "kpis-measurement": _("KPIs"),
        "audience-personas": _("Audience"),
        "platform-metrics": _("Metrics"),
        "customer-care": _("Care"),
        "content-creative": _("Content"),
        "social-listening": _("Listen\u00ading"),
        "social-commerce": _("Com\u00admerce"),
        "paid-social": _("Paid"),
        "community-management": _("Commu\u00adnity"),
        "team-wellbeing": _("Well\u00adbeing"),
        "governance": _("Govern\u00adance"),
    }
