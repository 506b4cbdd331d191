"""Paused and lighter weeks: a person fits learning around a launch, on-call or
leave. No reason is asked and none is kept; a pause is never shown as falling
behind (team pages say "paused until", the nudge email skips the week).

Weeks are calendar weeks, Monday to Sunday, stored by their Monday
(models.PlanWeek). The path engine schedules around them (rules/path_engine.py,
rule 5).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta

from flask_babel import gettext as _
from sqlalchemy import and_, delete, select
from sqlalchemy.orm import Session

from skillgap.models import PlanWeek, User
from skillgap.services.paths import monday_of, plan_for

MAX_PAUSE_WEEKS = 8
# How far ahead a pause or lighter week can be planned (a quarter of a year).
PLAN_AHEAD_WEEKS = 13


class PauseError(ValueError):
    """A change that cannot be made; the message says why, for the form."""


@dataclass(frozen=True)
class TeamWeek:
    paused_until: dict[int, date]  # member id -> last day of their current pause
    last_sign_in: dict[int, datetime | None]  # member id -> when they last signed in


@dataclass(frozen=True)
class ChangedWeek:
    start: date  # Monday
    minutes: int  # 0: paused

    @property
    def end(self) -> date:
        return self.start + timedelta(days=6)

    @property
    def paused(self) -> bool:
        return self.minutes == 0


def upcoming_mondays(today: date) -> list[date]:
    """The Mondays a change may start on: this week's, then the next ones."""
    first = monday_of(today)
    return [first + timedelta(weeks=n) for n in range(PLAN_AHEAD_WEEKS)]


def _check_start(start: date, today: date) -> None:
    if start not in upcoming_mondays(today):
        raise PauseError(
            _(
                "Choose a week from this one to %(weeks)s weeks ahead (it starts on a Monday).",
                weeks=PLAN_AHEAD_WEEKS - 1,
            )
        )


def pause(session: Session, user_id: int, start: date, weeks: int, today: date) -> date:
    """Pause ``weeks`` weeks from the week starting ``start``; returns the last day paused."""
    _check_start(start, today)
    if not 1 <= weeks <= MAX_PAUSE_WEEKS:
        raise PauseError(_("A pause is 1 to %(weeks)s weeks.", weeks=MAX_PAUSE_WEEKS))
    for n in range(weeks):
        _set_week(session, user_id, start + timedelta(weeks=n), 0)
    return start + timedelta(weeks=weeks) - timedelta(days=1)


def lighter_week(session: Session, user_id: int, start: date, minutes: int, today: date) -> None:
    _check_start(start, today)
    budget = plan_for(session, user_id).weekly_minutes
    if not 0 < minutes < budget:
        raise PauseError(
            _(
                "A lighter week is between 1 and %(most)s minutes (your usual week is "
                "%(usual)s). To take the week off, pause it instead.",
                most=budget - 1,
                usual=budget,
            )
        )
    _set_week(session, user_id, start, minutes)


def _set_week(session: Session, user_id: int, start: date, minutes: int) -> None:
    row = session.get(PlanWeek, (user_id, start))
    if row is None:
        session.add(PlanWeek(user_id=user_id, week_start=start, minutes=minutes))
    else:
        row.minutes = minutes


def clear_week(session: Session, user_id: int, start: date) -> bool:
    """Back to the usual budget for that week; False if it was not changed."""
    result = session.execute(
        delete(PlanWeek).where(PlanWeek.user_id == user_id, PlanWeek.week_start == start)
    )
    return bool(result.rowcount)  # type: ignore[attr-defined]


def changed_weeks(session: Session, user_id: int, today: date) -> list[ChangedWeek]:
    """This week's and later changes, soonest first."""
    rows = session.execute(
        select(PlanWeek.week_start, PlanWeek.minutes)
        .where(PlanWeek.user_id == user_id, PlanWeek.week_start >= monday_of(today))
        .order_by(PlanWeek.week_start)
    )
    return [ChangedWeek(start, minutes) for start, minutes in rows]


def team_week(session: Session, team_id: int, today: date) -> TeamWeek:
    """Per team member: the last day of the pause they are in this week, and when
    they last signed in, in one statement (the team page's state that the people
    version does not track: fragments.py keys the rendered matrix by it)."""
    this_monday = monday_of(today)
    rows = session.execute(
        select(User.id, User.last_login_at, PlanWeek.week_start)
        .outerjoin(
            PlanWeek,
            and_(
                PlanWeek.user_id == User.id,
                PlanWeek.minutes == 0,
                PlanWeek.week_start >= this_monday,
            ),
        )
        .where(User.team_id == team_id)
    )
    paused: dict[int, set[date]] = {}
    signed_in: dict[int, datetime | None] = {}
    for user_id, last_login_at, start in rows:
        signed_in[user_id] = last_login_at
        if start is not None:
            paused.setdefault(user_id, set()).add(start)
    until = {}
    for user_id, mondays in paused.items():
        monday = this_monday
        while monday in mondays:
            monday += timedelta(weeks=1)
        if monday != this_monday:
            until[user_id] = monday - timedelta(days=1)
    return TeamWeek(until, signed_in)
