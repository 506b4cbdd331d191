"""Who gets which email for which period, and what it says, as plain data.

Two emails (issue 22):

- the **weekly nudge**, to anyone who has not opted out: this week's steps of their
  path (they fit this week's budget, a lighter one included) and an invitation
  to re-take a skill's diagnostic section when it is due. Nothing is sent when
  this week is paused, or when nothing is due. Its period is this ISO week
  ("2026-W49"), so it goes out at most once a week.
- the **manager digest**, weekly or monthly (the manager's choice), about the
  period just ended: recognition first (the modules the team finished, the gaps
  they closed), then new results, due dates at risk and who is paused. Its period
  is the one it covers: last ISO week ("2026-W48") or last month ("2026-11").

Rendering is in services/email_text.py and sending in services/email_runs.py.
"""

from __future__ import annotations

import enum
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from skillgap.curriculum.snapshot import snapshot_of
from skillgap.kinds import AttemptState, QuizKind
from skillgap.models import (
    Attempt,
    LearningPlan,
    ModuleCompletion,
    SkillResult,
    User,
    team_managers,
)
from skillgap.models.plans import DEFAULT_WEEKLY_MINUTES
from skillgap.rules import scoring
from skillgap.services import paths
from skillgap.services.attempt_forms import next_attempts


class EmailKind(enum.StrEnum):
    NUDGE = "nudge"
    DIGEST = "digest"


class DigestChoice(enum.StrEnum):
    """``LearningPlan.digest``: how often a manager gets the team digest."""

    WEEKLY = "weekly"
    MONTHLY = "monthly"
    OFF = "off"


class Skip(enum.StrEnum):
    """Why a person got no email this run (the command's summary counts them)."""

    OPTED_OUT = "opted out"
    PAUSED = "paused"
    NOTHING_DUE = "nothing due"
    NOTHING_TO_REPORT = "nothing to report"
    NO_TEAM = "no team"
    ALREADY_SENT = "already sent"
    IN_FLIGHT = "claimed by another run"
    GAVE_UP = "gave up after repeated failures"


@dataclass(frozen=True)
class Recipient:
    user_id: int
    email: str
    name: str
    locale: str | None = None  # User.locale: the language to write in (None: the site's)


# --- periods ------------------------------------------------------------------------


def week_period(day: date) -> str:
    year, week, _ = day.isocalendar()
    return f"{year}-W{week:02d}"


def month_period(day: date) -> str:
    return f"{day.year}-{day.month:02d}"


@dataclass(frozen=True)
class Window:
    """The period a digest covers: [start, end) in UTC, and its label."""

    period: str
    first_day: date
    last_day: date
    monthly: bool

    @property
    def start(self) -> datetime:
        return datetime.combine(self.first_day, time(), UTC)

    @property
    def end(self) -> datetime:
        return datetime.combine(self.last_day + timedelta(days=1), time(), UTC)


def digest_window(choice: DigestChoice, today: date) -> Window:
    """The period just ended: last Monday-to-Sunday week, or last calendar month."""
    if choice == DigestChoice.MONTHLY:
        last_day = today.replace(day=1) - timedelta(days=1)
        return Window(month_period(last_day), last_day.replace(day=1), last_day, True)
    monday = paths.monday_of(today) - timedelta(weeks=1)
    return Window(week_period(monday), monday, monday + timedelta(days=6), False)


# --- the weekly nudge ---------------------------------------------------------------


@dataclass(frozen=True)
class NudgeStep:
    module_id: str
    title: str
    minutes: int
    reason: str


@dataclass(frozen=True)
class Nudge:
    to: Recipient
    period: str
    week_start: date
    budget: int  # this week's minutes (lighter than usual when it differs)
    usual_budget: int
    steps: tuple[NudgeStep, ...]
    retakes: tuple[tuple[str, str], ...]  # (skill id, skill name): re-take due

    @property
    def minutes(self) -> int:
        return sum(step.minutes for step in self.steps)

    @property
    def lighter(self) -> bool:
        return self.budget < self.usual_budget


def nudge_for(
    session: Session, user: User, to: Recipient, today: date, now: datetime, retake: timedelta
) -> Nudge | Skip:
    """This week's nudge for ``user``, or why there is none."""
    view = paths.person_path(session, user, today)
    if view.paused_until is not None:
        return Skip.PAUSED
    week = view.path.weeks[0] if view.path.weeks else None
    steps = tuple(
        NudgeStep(s.module.id, s.module.title, s.module.minutes, s.reason)
        for s in (week.steps if week else ())
    )
    ready = list(view.path.ready_for_retake)
    not_yet = next_attempts(session, user.id, ready, now, retake) if ready else {}
    retakes = tuple(
        (skill, view.skill_names.get(skill, skill)) for skill in ready if skill not in not_yet
    )
    if not steps and not retakes:
        return Skip.NOTHING_DUE
    usual = view.plan.weekly_minutes or DEFAULT_WEEKLY_MINUTES
    return Nudge(
        to,
        week_period(today),
        paths.monday_of(today),
        week.budget if week else usual,
        usual,
        steps,
        retakes,
    )


# --- the manager digest -------------------------------------------------------------


@dataclass(frozen=True)
class Finished:
    person: str
    module: str
    when: date


@dataclass(frozen=True)
class GapClosed:
    person: str
    skill: str
    before: str
    now: str


@dataclass(frozen=True)
class NewResult:
    person: str
    skill: str
    level: str
    when: date


@dataclass(frozen=True)
class AtRisk:
    person: str
    due: date
    weeks_over: int
    budget_that_fits: int | None


@dataclass(frozen=True)
class Paused:
    person: str
    until: date


@dataclass(frozen=True)
class Digest:
    to: Recipient
    window: Window
    people: int
    finished: tuple[Finished, ...]
    closed: tuple[GapClosed, ...]
    results: tuple[NewResult, ...]
    at_risk: tuple[AtRisk, ...]
    paused: tuple[Paused, ...]

    @property
    def empty(self) -> bool:
        return not (self.finished or self.closed or self.results or self.at_risk or self.paused)


def team_members(session: Session, manager_id: int) -> list[User]:
    """Active members of the teams ``manager_id`` manages (an admin's digest covers
    the teams they manage too, not the whole organisation), themselves left out."""
    teams = select(team_managers.c.team_id).where(team_managers.c.user_id == manager_id)
    return list(
        session.scalars(
            select(User)
            .where(User.team_id.in_(teams), User.active, User.id != manager_id)
            .order_by(User.name, User.id)
        )
    )


def digest_for(
    session: Session, manager_id: int, to: Recipient, window: Window, today: date
) -> Digest | Skip:
    members = team_members(session, manager_id)
    if not members:
        return Skip.NO_TEAM
    names = {member.id: member.name for member in members}
    results = _new_results(session, names, window)
    measured = {(r_user, skill_id) for r_user, skill_id, _ in results}
    closed, at_risk, paused = [], [], []
    for member in members:
        view = paths.person_path(session, member, today, with_history=True)
        if any(user_id == member.id for user_id, _ in measured):
            closed += [
                GapClosed(member.name, gap.skill.name, gap.before.name, gap.now.name)
                for gap in paths.closed_gaps(session, view)
                if (member.id, gap.skill.id) in measured
            ]
        if view.weeks_over and view.plan.due_date is not None:
            at_risk.append(
                AtRisk(member.name, view.plan.due_date, view.weeks_over, view.budget_that_fits)
            )
        if view.paused_until is not None:
            paused.append(Paused(member.name, view.paused_until))
    digest = Digest(
        to,
        window,
        len(members),
        tuple(_finished(session, names, window)),
        tuple(closed),
        tuple(result for _, _, result in results),
        tuple(at_risk),
        tuple(paused),
    )
    return Skip.NOTHING_TO_REPORT if digest.empty else digest


def _finished(session: Session, names: dict[int, str], window: Window) -> list[Finished]:
    """Modules the team finished in the window, the way progress counts them: one
    with a check when the check was first passed, one without when marked complete."""
    snapshot = snapshot_of(session)
    by_check = {m.check_quiz_id: m for m in snapshot.modules.values() if m.check_quiz_id}
    found: list[tuple[datetime, str, str]] = []
    completions = session.execute(
        select(ModuleCompletion.user_id, ModuleCompletion.module_id, ModuleCompletion.completed_at)
        .where(ModuleCompletion.user_id.in_(names))
        .where(ModuleCompletion.completed_at >= window.start)
        .where(ModuleCompletion.completed_at < window.end)
    )
    for user_id, module_id, when in completions:
        module = snapshot.modules.get(module_id)
        if module is not None and module.check_quiz_id is None:
            found.append((when, names[user_id], module.title))
    first_pass = func.min(Attempt.submitted_at)
    passes = session.execute(
        select(Attempt.user_id, Attempt.quiz_id, first_pass)
        .where(Attempt.user_id.in_(names), Attempt.quiz_id.in_(by_check))
        .where(Attempt.state != AttemptState.OPEN.value, Attempt.percent >= scoring.PASS_PERCENT)
        .group_by(Attempt.user_id, Attempt.quiz_id)
        .having(first_pass >= window.start, first_pass < window.end)
    )
    for user_id, quiz_id, passed_at in passes:
        if passed_at is not None:  # always set: the HAVING needs a time
            found.append((passed_at, names[user_id], by_check[quiz_id].title))
    return [Finished(person, module, when.date()) for when, person, module in sorted(found)]


def _new_results(
    session: Session, names: dict[int, str], window: Window
) -> list[tuple[int, str, NewResult]]:
    """Diagnostic results of the window, oldest first: (user id, skill id, result)."""
    snapshot = snapshot_of(session)
    skills, levels = snapshot.skill_names(), snapshot.level_by_id
    rows = session.execute(
        select(
            SkillResult.user_id, SkillResult.skill_id, SkillResult.level_id, SkillResult.created_at
        )
        .where(SkillResult.user_id.in_(names), SkillResult.kind == QuizKind.DIAGNOSTIC.value)
        .where(SkillResult.created_at >= window.start, SkillResult.created_at < window.end)
        .order_by(SkillResult.created_at, SkillResult.id)
    )
    return [
        (
            user_id,
            skill_id,
            NewResult(
                names[user_id],
                skills.get(skill_id, skill_id),
                levels[level_id].name if level_id in levels else level_id,
                when.date(),
            ),
        )
        for user_id, skill_id, level_id, when in rows
    ]


# --- preferences --------------------------------------------------------------------


def _stored_plan(session: Session, user_id: int) -> LearningPlan:
    plan = session.get(LearningPlan, user_id)
    if plan is None:
        plan = LearningPlan(
            user_id=user_id,
            weekly_minutes=DEFAULT_WEEKLY_MINUTES,
            weekly_nudge=True,
            digest="weekly",
        )
        session.add(plan)
    return plan


def set_email_preferences(
    session: Session, user_id: int, weekly_nudge: bool, digest: DigestChoice | None
) -> None:
    """``digest`` None leaves it as it is (a learner's form has no digest field)."""
    plan = _stored_plan(session, user_id)
    plan.weekly_nudge = weekly_nudge
    if digest is not None:
        plan.digest = DigestChoice(digest).value


def unsubscribe(session: Session, user_id: int, kind: EmailKind) -> None:
    """The signed link of an email: no more emails of that kind."""
    if kind == EmailKind.NUDGE:
        set_email_preferences(session, user_id, False, None)
    else:
        _stored_plan(session, user_id).digest = DigestChoice.OFF.value
