"""A person's learning path and skill profile, assembled for the pure engine in
path_engine: the curriculum from the in-memory snapshot (curriculum/snapshot.py), the
person's own targets, results, plan and progress from one statement
(person_record)."""

from __future__ import annotations

import functools
import math
from dataclasses import dataclass, field
from datetime import date, timedelta

from flask_babel import gettext as _
from sqlalchemy import select
from sqlalchemy.orm import Session

from skillgap.curriculum.snapshot import ON_RELOAD, LevelInfo, SkillInfo, Snapshot, snapshot_of
from skillgap.models import LearningPlan, TargetOverride, User
from skillgap.rules import path_engine
from skillgap.rules.path_engine import LearningPath, Standing, Step
from skillgap.services.person_record import OpenAttempt, PersonRecord, person_record
from skillgap.services.standing import UNCERTAIN_BELOW, SkillStanding
from skillgap.services.standing import standings as standings_of


def standings_for(session: Session, user: User) -> list[SkillStanding]:
    return standings_from(snapshot_of(session), user, person_record(session, user.id))


def standings_from(snapshot: Snapshot, user: User, record: PersonRecord) -> list[SkillStanding]:
    return standings_of(snapshot, user.role_profile, record.latest, record.overrides)


def plan_for(session: Session, user_id: int) -> LearningPlan:
    """The person's plan settings; an unsaved default row when they never changed them."""
    return session.get(LearningPlan, user_id) or LearningPlan.defaults(user_id)


@dataclass(frozen=True)
class SkillProgress:
    skill: SkillInfo
    done: int
    total: int


@dataclass
class PathView:
    path: LearningPath
    standings: list[SkillStanding]
    plan: LearningPlan
    today: date
    course_titles: dict[str, str]
    skill_names: dict[str, str]
    progress: list[SkillProgress] = field(default_factory=list)
    # (skill, level, certainty): with_history
    diagnostic_history: list[tuple[str, str, float | None]] = field(default_factory=list)
    open_attempts: list[OpenAttempt] = field(default_factory=list)  # with_history
    done_ids: frozenset[str] = frozenset()  # modules done, on the path or not
    passed_checks: int = 0
    changed_weeks: dict[int, int] = field(default_factory=dict)  # week number -> minutes

    def week_start(self, number: int) -> date:
        """The Monday of week ``number`` (1 = this week)."""
        return monday_of(self.today) + timedelta(weeks=number - 1)

    @property
    def paused_until(self) -> date | None:
        """The last day (a Sunday) of the pause this week is in; None if not paused."""
        number = 1
        while self.changed_weeks.get(number) == 0:
            number += 1
        return None if number == 1 else self.week_start(number) - timedelta(days=1)

    @property
    def next_step(self) -> Step | None:
        return self.path.steps[0] if self.path.steps else None

    @property
    def finish_date(self) -> date | None:
        weeks = len(self.path.weeks)  # paused and lighter weeks included
        return self.today + timedelta(weeks=weeks) if weeks else None

    @property
    def weeks_available(self) -> int | None:
        if self.plan.due_date is None:
            return None
        return max(0, math.ceil((self.plan.due_date - self.today).days / 7))

    @property
    def weeks_over(self) -> int:
        available = self.weeks_available
        return 0 if available is None else max(0, len(self.path.weeks) - available)

    @property
    def budget_that_fits(self) -> int | None:
        if not self.weeks_over:
            return None
        return path_engine.smallest_budget_that_fits(
            self.path.steps,
            self.weeks_available or 0,
            self.plan.weekly_minutes,
            changed_weeks=self.changed_weeks,
        )

    @property
    def overall(self) -> tuple[int, int]:
        done = len(self.path.done)
        return done, done + len(self.path.steps)


@functools.lru_cache(maxsize=1024)
def _planned(
    snapshot: Snapshot,
    standings: tuple[Standing, ...],
    done: frozenset[str],
    weekly_minutes: int,
    changed_weeks: tuple[tuple[int, int], ...] = (),
    wording: path_engine.Wording = path_engine.ENGLISH,
) -> LearningPath:
    """The engine is a pure function of these (immutable) inputs, so a person who
    reopens their dashboard or path gets the path computed the last time."""
    return path_engine.plan_path(
        standings,
        snapshot.engine_modules,
        done,
        weekly_minutes,
        [level.name for level in snapshot.levels],
        dict(changed_weeks),
        wording,
    )


def wording() -> path_engine.Wording:
    """The path's reasons in the reader's language (the snapshot gives the names)."""
    return path_engine.Wording(
        gap=_("%(skill)s: %(current)s → target %(target)s"),
        untested=_("%(reason)s (not yet tested)"),
        prerequisite=_("Prerequisite for %(modules)s"),
        separator=_("; "),
    )


def monday_of(day: date) -> date:
    return day - timedelta(days=day.weekday())


def week_numbers(changed: dict[date, int], today: date) -> dict[int, int]:
    """Changed weeks from this one on, keyed by week number (1 = this week)."""
    this_monday = monday_of(today)
    return {
        (start - this_monday).days // 7 + 1: minutes
        for start, minutes in changed.items()
        if start >= this_monday
    }


ON_RELOAD.append(_planned.cache_clear)


def person_path(
    session: Session,
    user: User,
    today: date,
    with_history: bool = False,
    record: PersonRecord | None = None,
) -> PathView:
    """The person's path and standings from one statement (person_record, or the
    ``record`` already read); ``with_history`` adds their diagnostic history, for
    ``closed_gaps``."""
    snapshot = snapshot_of(session)
    record = record or person_record(session, user.id, with_history)
    standings = standings_from(snapshot, user, record)
    plan = record.plan
    engine_standings = [
        Standing(s.skill.id, s.skill.name, s.current.position, s.target.position, s.verified)
        for s in standings
    ]
    done_ids = frozenset(record.progress.done_ids(snapshot))
    changed = week_numbers(record.changed_weeks, today)
    path = _planned(
        snapshot,
        tuple(engine_standings),
        done_ids,
        plan.weekly_minutes,
        tuple(sorted(changed.items())),
        wording(),
    )
    course_titles = {course.id: course.title for course in snapshot.courses.values()}
    view = PathView(
        path, standings, plan, today, course_titles, {s.skill.id: s.skill.name for s in standings}
    )
    view.diagnostic_history = record.diagnostic_history
    view.open_attempts = record.open_attempts
    view.done_ids = done_ids
    view.passed_checks = len(record.progress.passed_checks & snapshot.quizzes.keys())
    view.changed_weeks = changed
    for standing in standings:
        if standing.gap == 0:
            continue
        done = sum(1 for step in path.done if standing.skill.id in step.skills)
        remaining = sum(1 for step in path.steps if standing.skill.id in step.skills)
        view.progress.append(SkillProgress(standing.skill, done, done + remaining))
    return view


@dataclass(frozen=True)
class ClosedGap:
    skill: SkillInfo
    before: LevelInfo
    now: LevelInfo

    @property
    def rose_by(self) -> int:
        return self.now.position - self.before.position


def _reached(result: tuple[LevelInfo, float | None], target: int) -> bool:
    """At or above the target; an adaptive level only at 80% or more."""
    level, sure = result
    return level.position >= target and (sure is None or sure >= UNCERTAIN_BELOW)


def closed_gaps(session: Session, view: PathView) -> list[ClosedGap]:
    """Skills whose latest diagnostic reached the target where the one before had
    not. ``view`` must come from ``person_path(..., with_history=True)``."""
    levels = {lvl.id: lvl for lvl in snapshot_of(session).levels}
    history: dict[str, list[tuple[LevelInfo, float | None]]] = {}
    for skill_id, level_id, sure in view.diagnostic_history:
        history.setdefault(skill_id, []).append((levels[level_id], sure))
    closed = []
    for standing in view.standings:
        if standing.target_source == "none" or not standing.verified:
            continue
        target = standing.target.position
        results = history.get(standing.skill.id, [])
        if len(results) < 2 or not _reached(results[-1], target) or _reached(results[-2], target):
            continue
        # Where they rose from: the last result below the target.
        before = next((lv for lv, _ in reversed(results[:-1]) if lv.position < target), None)
        closed.append(ClosedGap(standing.skill, before or results[-2][0], results[-1][0]))
    return closed


# --- changing the plan ----------------------------------------------------------


def _stored_plan(session: Session, user_id: int) -> LearningPlan:
    plan = session.get(LearningPlan, user_id)
    if plan is None:
        plan = LearningPlan.defaults(user_id)
        session.add(plan)
    return plan


def set_weekly_minutes(session: Session, user_id: int, minutes: int) -> None:
    _stored_plan(session, user_id).weekly_minutes = minutes


def set_due_date(session: Session, user_id: int, due: date | None, set_by: User) -> None:
    plan = _stored_plan(session, user_id)
    plan.due_date = due
    plan.due_set_by_id = set_by.id if due else None


def set_target_overrides(
    session: Session, user_id: int, overrides: dict[str, str | None], set_by: User
) -> int:
    """Per skill: a level id to override the role target, or None to go back to it.
    Returns how many skills changed."""
    existing = {
        o.skill_id: o
        for o in session.scalars(select(TargetOverride).where(TargetOverride.user_id == user_id))
    }
    changed = 0
    for skill_id, level_id in overrides.items():
        current = existing.get(skill_id)
        if level_id is None and current is not None:
            session.delete(current)
            changed += 1
        elif level_id is not None and current is None:
            session.add(
                TargetOverride(
                    user_id=user_id, skill_id=skill_id, level_id=level_id, set_by_id=set_by.id
                )
            )
            changed += 1
        elif level_id is not None and current is not None and current.level_id != level_id:
            current.level_id = level_id
            current.set_by_id = set_by.id
            changed += 1
    session.flush()
    return changed
