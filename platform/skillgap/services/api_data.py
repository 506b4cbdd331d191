"""What the read-only API (/api/v1) returns, as plain dicts, page by page.

Every page is keyset-paginated (``WHERE id > :after ORDER BY id LIMIT n+1``),
never OFFSET, so the last page of 10,000 people costs what the first does
(bench/api.py). Each function runs a fixed number of statements whatever the
page size: the page's rows, then what hangs off them for all of the page at
once (an ``IN`` over the page's ids, at most 500). Current levels and targets
are services/standing.py's rules, applied by ``standings`` exactly as the
person pages apply them; the team matrix is services/matrix.py's.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import and_, func, or_, select, true
from sqlalchemy.orm import Session

from skillgap.curriculum.snapshot import Snapshot, snapshot_of
from skillgap.kinds import QuizKind
from skillgap.models import SkillResult, TargetOverride, Team, User, team_managers
from skillgap.services import matrix as team_matrices
from skillgap.services.standing import standings

MAX_PAGE = 500  # also the most ids in one IN list (standing.USERS_PER_STATEMENT)


@dataclass(frozen=True)
class Page:
    items: list[dict[str, Any]]
    has_more: bool
    last_key: Any = None  # the keyset value of the last item, for the next cursor


def _page(items: list[dict[str, Any]], limit: int, key) -> Page:
    has_more = len(items) > limit
    items = items[:limit]
    return Page(items, has_more, key(items[-1]) if items else None)


def measured_by(result: Any) -> str:
    """ "adaptive" for an IRT result (it has an ability estimate), else "fixed"."""
    return "adaptive" if result.theta is not None else "fixed"


def _iso(moment: datetime | None) -> str | None:
    return None if moment is None else moment.isoformat().replace("+00:00", "Z")


# --- people ------------------------------------------------------------------------


def people_page(session: Session, after: int, limit: int) -> Page:
    """People by id after ``after``: team, role profile, and per skill the current
    level, its source and certainty, and the target. Three statements."""
    limit = min(limit, MAX_PAGE)
    rows = session.execute(
        select(User, Team.name.label("team_name"))
        .outerjoin(Team, Team.id == User.team_id)
        .where(User.id > after)
        .order_by(User.id)
        .limit(limit + 1)
    ).all()
    people = [row[0] for row in rows[:limit]]
    team_names = {row[0].id: row.team_name for row in rows}
    ids = [person.id for person in people]
    latest: dict[int, dict[str, dict[str, SkillResult]]] = defaultdict(lambda: defaultdict(dict))
    overrides: dict[int, dict[str, str]] = defaultdict(dict)
    if ids:
        for result in session.scalars(
            select(SkillResult).where(
                SkillResult.user_id.in_(ids),
                SkillResult.latest == true(),
                SkillResult.kind.in_([QuizKind.DIAGNOSTIC.value, QuizKind.SELF_ASSESSMENT.value]),
            )
        ):
            latest[result.user_id][result.kind][result.skill_id] = result
        for override in session.scalars(
            select(TargetOverride).where(TargetOverride.user_id.in_(ids))
        ):
            overrides[override.user_id][override.skill_id] = override.level_id
    snapshot = snapshot_of(session, localized=False)
    items = [
        _person(snapshot, person, team_names[person.id], latest[person.id], overrides[person.id])
        for person in people
    ]
    return Page(items, len(rows) > limit, ids[-1] if ids else None)


def _person(
    snapshot: Snapshot,
    person: User,
    team_name: str | None,
    latest: dict[str, dict[str, SkillResult]],
    overrides: dict[str, str],
) -> dict[str, Any]:
    tested = latest.get(QuizKind.DIAGNOSTIC.value, {})
    skills = []
    for standing in standings(snapshot, person.role_profile, latest, overrides):
        result = tested.get(standing.skill.id) if standing.verified else None
        skills.append(
            {
                "skill_id": standing.skill.id,
                "level_id": standing.current.id,
                "source": "diagnostic"
                if standing.verified
                else ("self-assessment" if standing.self_rated else "none"),
                "measured_by": measured_by(result) if result is not None else None,
                "percent": standing.percent,
                "certainty": standing.certainty,
                "uncertain": standing.uncertain,
                "low_evidence": standing.low_evidence,
                "measured_at": _iso(result.created_at) if result is not None else None,
                "self_rated_level_id": standing.self_rated.id if standing.self_rated else None,
                "target_level_id": standing.target.id,
                "target_source": standing.target_source,
                "gap": standing.gap,
            }
        )
    profile = person.role_profile
    return {
        "id": person.id,
        "name": person.name,
        "email": person.email,
        "role": person.role_enum.value,
        "active": person.active,
        "team": None if person.team_id is None else {"id": person.team_id, "name": team_name},
        "role_profile": None
        if not profile
        else {"id": profile, "name": snapshot.role_profile_name(profile)},
        "last_login_at": _iso(person.last_login_at),
        "skills": skills,
    }


# --- teams -------------------------------------------------------------------------


def teams_page(session: Session, after: int, limit: int) -> Page:
    """Teams by id after ``after``, with managers and active member count. Three statements."""
    limit = min(limit, MAX_PAGE)
    teams = list(
        session.execute(
            select(Team.id, Team.name).where(Team.id > after).order_by(Team.id).limit(limit + 1)
        ).all()
    )
    ids = [team.id for team in teams[:limit]]
    managers: dict[int, list[int]] = defaultdict(list)
    members: dict[int, int] = {}
    if ids:
        for team_id, user_id in session.execute(
            select(team_managers.c.team_id, team_managers.c.user_id)
            .where(team_managers.c.team_id.in_(ids))
            .order_by(team_managers.c.user_id)
        ):
            managers[team_id].append(user_id)
        members = dict(
            session.execute(  # type: ignore[arg-type]
                select(User.team_id, func.count())
                .where(User.team_id.in_(ids), User.active)
                .group_by(User.team_id)
            ).all()
        )
    items = [
        {
            "id": team.id,
            "name": team.name,
            "manager_ids": managers[team.id],
            "member_count": members.get(team.id, 0),
        }
        for team in teams
    ]
    return _page(items, limit, lambda item: item["id"])


def team_matrix(session: Session, team_id: int) -> dict[str, Any] | None:
    """The team's matrix as the matrix page shows it (services/matrix.py), or None."""
    team = session.get(Team, team_id)
    if team is None:
        return None
    matrix = team_matrices.team_matrix(session, team)
    rows = []
    for row in sorted(matrix.rows, key=lambda r: r.user_id):
        cells = []
        for skill in matrix.skills:
            cell = row.cells[skill.id]
            cells.append(
                {
                    "skill_id": skill.id,
                    "level_id": cell.level.id,
                    "verified": cell.verified,
                    "percent": cell.percent,
                    "uncertain": cell.uncertain,
                    "low_evidence": cell.low_evidence,
                    "self_rated_level_id": cell.self_rated.id if cell.self_rated else None,
                    "target_level_id": cell.target.id if cell.target else None,
                    "gap": cell.gap,
                }
            )
        rows.append(
            {
                "person_id": row.user_id,
                "name": row.name,
                "email": row.email,
                "role_profile_id": row.role_profile or None,
                "total_gap": row.total_gap,
                "cells": cells,
            }
        )
    return {
        "team": {"id": team.id, "name": team.name},
        "skill_ids": [skill.id for skill in matrix.skills],
        "data": rows,
    }


# --- the framework -----------------------------------------------------------------


def skills(session: Session) -> list[dict[str, Any]]:
    return [
        {"id": s.id, "name": s.name, "description": s.description, "position": s.position}
        for s in snapshot_of(session, localized=False).skills
    ]


def levels(session: Session) -> list[dict[str, Any]]:
    return [
        {
            "id": level.id,
            "name": level.name,
            "min_percent": level.min_percent,
            "position": level.position,
        }
        for level in snapshot_of(session, localized=False).levels
    ]


# --- results -----------------------------------------------------------------------


def results_page(
    session: Session, since: datetime | None, after: tuple[datetime, int] | None, limit: int
) -> Page:
    """Results recorded at or after ``since`` and after the keyset ``after``
    (recorded time, id), oldest first. One statement."""
    limit = min(limit, MAX_PAGE)
    query = select(SkillResult).order_by(SkillResult.created_at, SkillResult.id)
    if since is not None:
        query = query.where(SkillResult.created_at >= since)
    if after is not None:
        at, result_id = after
        query = query.where(
            or_(
                SkillResult.created_at > at,
                and_(SkillResult.created_at == at, SkillResult.id > result_id),
            )
        )
    found = list(session.scalars(query.limit(limit + 1)))
    shown = found[:limit]
    last = (shown[-1].created_at, shown[-1].id) if shown else None
    return Page([_result(result) for result in shown], len(found) > limit, last)


def _result(result: SkillResult) -> dict[str, Any]:
    adaptive = result.theta is not None
    tested = result.kind != QuizKind.SELF_ASSESSMENT.value
    return {
        "id": result.id,
        "person_id": result.user_id,
        "attempt_id": result.attempt_id,
        "skill_id": result.skill_id,
        "kind": str(result.kind),
        "level_id": result.level_id,
        "measured_by": measured_by(result) if tested else None,
        "percent": result.percent,
        "questions": result.questions,
        "low_evidence": result.low_evidence,
        "certainty": result.certainty if adaptive else None,
        "theta": result.theta,
        "theta_se": result.theta_se,
        "domain_low": result.domain_low,
        "domain_high": result.domain_high,
        "level_probabilities": result.level_probabilities,
        "latest": result.latest,
        "recorded_at": _iso(result.created_at),
    }
