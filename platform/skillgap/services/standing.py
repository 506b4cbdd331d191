"""Where a person stands in each skill: the current-level rule, the target rule,
and the one writer of results that keeps both honest.

Each rule is written once here, in the two forms the application needs, side
by side: Python for one person's pages (dashboard, path, results) and for the
matrix cells built from plain rows; SQL for the statements that apply it to
many people at once (the team matrix's joins, the organisation view). A test
holds the two to the same answers (tests/functional/test_matrix.py: the
organisation view equals the team matrix cell by cell).

- Current level (design.md): the latest submitted diagnostic result for the
  skill; else the latest self-rating, marked unverified; else the lowest level,
  unverified.
- Target: a manager's override; else the role profile's target; else the
  default target, entry level (DMI's entry-level competency): nobody is "on
  target" below entry just because no one gave them a role profile.
- Latest: per (person, skill, kind) exactly one result is flagged ``latest``,
  the newest by submission time (then id). ``record_results`` is the only code
  that adds results and keeps the flag; a partial unique index (migration
  0010) refuses a second latest row.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any, Protocol

from sqlalchemy import ColumnElement, and_, exists, func, insert, or_, true, update
from sqlalchemy.orm import Session, aliased

from skillgap.curriculum.snapshot import LevelInfo, SkillInfo, Snapshot
from skillgap.kinds import QuizKind
from skillgap.models import SkillResult

# --- the rules, in Python ----------------------------------------------------------

UNCERTAIN_BELOW = 0.8  # an adaptive level less likely than this is "not decided yet"


class ResultLike(Protocol):
    @property
    def level_id(self) -> str: ...
    @property
    def percent(self) -> float | None: ...
    @property
    def low_evidence(self) -> bool: ...
    @property
    def attempt_id(self) -> int: ...


@dataclass(frozen=True)
class CurrentLevel:
    skill_id: str
    level_id: str
    verified: bool  # True: from a diagnostic; False: self-rated only, or nothing yet
    percent: float | None = None
    low_evidence: bool = False
    attempt_id: int | None = None


def current_level_id(tested: str | None, self_rated: str | None, lowest: str) -> str:
    """The current-level rule itself, over level ids (``current_level_sql`` is its
    twin in SQL): the tested level, else the self-rated one, else the lowest."""
    return tested or self_rated or lowest


def current_level(
    skill_id: str, tested: ResultLike | None, self_rated_level: str | None, lowest_level: str
) -> CurrentLevel:
    """The current level of one skill, with what the tested result says of it."""
    tested_level = tested.level_id if tested is not None else None
    level_id = current_level_id(tested_level, self_rated_level, lowest_level)
    if tested is not None:
        return CurrentLevel(
            skill_id, level_id, True, tested.percent, tested.low_evidence, tested.attempt_id
        )
    return CurrentLevel(skill_id, level_id, False)


def target_levels(role_targets: Mapping[str, Any], overrides: Mapping[str, Any]) -> dict[str, Any]:
    """The target rule for every skill at once: a manager's override beats the role
    profile's target (values are level ids or positions, whichever the caller uses)."""
    return {**role_targets, **overrides}


def default_target(level_ids: Sequence[str]) -> str | None:
    """The target of a skill with neither an override nor a role-profile target:
    the first level above the lowest (entry)."""
    return level_ids[1] if len(level_ids) > 1 else None


def target_source(skill_id: str, targets: Mapping[str, Any], overrides: Mapping[str, Any]) -> str:
    if skill_id in overrides:
        return "manager"
    return "role" if targets.get(skill_id) else "default"


# --- the rules, in SQL -------------------------------------------------------------


def latest_of_kind(result: Any, user_id: Any, skill_id: Any, kind: QuizKind) -> ColumnElement[bool]:
    """Join condition: ``result`` (an alias of SkillResult) is the latest of ``kind``
    for this person and skill."""
    return and_(
        result.user_id == user_id,
        result.skill_id == skill_id,
        result.kind == kind.value,
        result.latest == true(),
    )


def current_level_sql(tested: Any, self_rated: Any, lowest: Any) -> ColumnElement[Any]:
    """The current-level rule over columns (level ids or positions)."""
    return func.coalesce(tested, self_rated, lowest)


def target_level_sql(override: Any, role_target: Any, default: Any) -> ColumnElement[Any]:
    """The target rule over columns: the override, else the role profile's target,
    else the default target."""
    return func.coalesce(override, role_target, default)


# --- one person's standing -----------------------------------------------------------


@dataclass(frozen=True)
class SkillStanding:
    skill: SkillInfo
    current: LevelInfo
    verified: bool
    low_evidence: bool
    percent: float | None
    self_rated: LevelInfo | None
    target: LevelInfo
    target_source: str  # "role", "manager" or "default"
    attempt_id: int | None = field(default=None, compare=False)  # the tested result's
    # An adaptive result's probability of its level (None: a fixed-form percent).
    certainty: float | None = None

    @property
    def uncertain(self) -> bool:
        """The level is not decided yet (under 80% likely): pages say so."""
        return self.certainty is not None and self.certainty < UNCERTAIN_BELOW

    @property
    def gap(self) -> int:
        return max(0, self.target.position - self.current.position)


def standings(
    snapshot: Snapshot,
    role_profile: str | None,
    latest: Mapping[str, Mapping[str, ResultLike]],
    overrides: Mapping[str, str],
) -> list[SkillStanding]:
    """Per skill of the framework: current level, self-rating and target.
    ``latest`` is per quiz kind, per skill, the latest result (person_record)."""
    levels = snapshot.levels
    if not levels:
        return []  # no framework imported yet: nothing to stand on
    by_id = snapshot.level_by_id
    targets = target_levels(snapshot.role_targets.get(role_profile or "", {}), overrides)
    tested = latest.get(QuizKind.DIAGNOSTIC.value, {})
    rated = latest.get(QuizKind.SELF_ASSESSMENT.value, {})
    result = []
    for skill in snapshot.skills:
        self_rated = rated[skill.id].level_id if skill.id in rated else None
        current = current_level(skill.id, tested.get(skill.id), self_rated, levels[0].id)
        target_id = targets.get(skill.id) or default_target([level.id for level in levels])
        latest_tested = tested.get(skill.id)
        result.append(
            SkillStanding(
                skill=skill,
                current=by_id[current.level_id],
                certainty=getattr(latest_tested, "certainty", None) if current.verified else None,
                verified=current.verified,
                low_evidence=current.low_evidence,
                percent=current.percent,
                self_rated=by_id.get(self_rated or ""),
                target=by_id[target_id] if target_id else levels[0],
                target_source=target_source(skill.id, targets, overrides),
                attempt_id=current.attempt_id,
            )
        )
    return result


# --- recording results ---------------------------------------------------------------


@dataclass(frozen=True)
class NewResult:
    """One skill's outcome of one submitted attempt, before it is stored."""

    attempt_id: int
    user_id: int
    skill_id: str
    kind: str
    level_id: str
    created_at: datetime
    earned: float = 0.0
    possible: float = 0.0
    percent: float | None = None
    questions: int = 0
    low_evidence: bool = False
    brier: float | None = None
    certain_count: int = 0
    certain_wrong: int = 0
    # An adaptive (IRT) result's uncertainty (services/adaptive_flow.results).
    theta: float | None = None
    theta_se: float | None = None
    domain_low: float | None = None
    domain_high: float | None = None
    level_probabilities: list[float] | None = None
    certainty: float | None = None

    def row(self) -> dict[str, Any]:
        return {**self.__dict__, "latest": False}


USERS_PER_STATEMENT = 500  # bound parameters per IN list, well under every database's cap


def record_results(session: Session, results: Sequence[NewResult]) -> None:
    """Store results and keep ``latest`` true for exactly the newest result per
    (person, skill, kind). Used by grading, the demo, the benchmarks and the test
    factories, so no caller re-implements the rule. Rows arrive in any order
    (a benchmark backfills a year at once)."""
    if not results:
        return
    session.execute(insert(SkillResult), [result.row() for result in results])
    user_ids = sorted({result.user_id for result in results})
    kinds = sorted({result.kind for result in results})
    for start in range(0, len(user_ids), USERS_PER_STATEMENT):
        chunk = user_ids[start : start + USERS_PER_STATEMENT]
        mine = and_(SkillResult.user_id.in_(chunk), SkillResult.kind.in_(kinds))
        # Clear, then set: the partial unique index is checked row by row, so a
        # single statement that moves the flag could trip it half-way.
        session.execute(
            update(SkillResult)
            .where(mine, SkillResult.latest == true())
            .values(latest=False)
            # whose kept levels to rewrite (services/current_levels.py)
            .execution_options(synchronize_session=False, skillgap_people=tuple(chunk))
        )
        newer = aliased(SkillResult)
        has_newer = exists().where(
            newer.user_id == SkillResult.user_id,
            newer.skill_id == SkillResult.skill_id,
            newer.kind == SkillResult.kind,
            or_(
                newer.created_at > SkillResult.created_at,
                and_(newer.created_at == SkillResult.created_at, newer.id > SkillResult.id),
            ),
        )
        session.execute(
            update(SkillResult)
            .where(mine, ~has_newer)
            .values(latest=True)
            # whose kept levels to rewrite (services/current_levels.py)
            .execution_options(synchronize_session=False, skillgap_people=tuple(chunk))
        )
