"""Which skill a person should measure first (or next): the one most people in
their role lack.

A whole diagnostic takes over an hour; one skill's section takes minutes and
already gives a result and the start of a path. The skill offered is the one
with the largest share of tested people below their target, among people with
the same role profile (everyone without one counts as one group: they share
the default target). With fewer than ``MIN_TESTED`` tested people in the role
the whole organisation's figures are used; with none, framework order, which
puts strategy and planning, the largest gap marketers show in skills
diagnostics, first. Skills the person has already measured are skipped.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass

from flask_babel import gettext as _
from sqlalchemy import and_, case, func, select, true
from sqlalchemy.orm import Session

from skillgap.curriculum.snapshot import QuizInfo, SkillInfo, snapshot_of
from skillgap.kinds import QuizKind
from skillgap.models import RoleTarget, SkillResult, TargetOverride, User
from skillgap.services import people_cache
from skillgap.services.standing import default_target, target_level_sql

STRATEGY = "strategy-planning"  # the shipped framework's id (see the module docstring)
MIN_TESTED = 3  # tested people a role needs before its own figures are used

Lacking = dict[str | None, dict[str, tuple[int, int]]]  # profile -> skill -> (below, tested)


@dataclass(frozen=True)
class FirstSkill:
    skill: SkillInfo
    minutes: int
    reason: str


def lacking_by_role(session: Session) -> Lacking:
    """Per role profile and skill: tested people below target, and tested people.
    Kept until results, targets or people change (services/people_cache.py)."""
    return people_cache.derived(session, "lacking-by-role", _compute_lacking)


def _compute_lacking(session: Session) -> Lacking:
    levels = snapshot_of(session).levels
    if not levels:
        return {}
    position = {level.id: level.position for level in levels}
    target = target_level_sql(
        TargetOverride.level_id, RoleTarget.level_id, default_target([lv.id for lv in levels])
    )
    below = case(
        (case(position, value=SkillResult.level_id) < case(position, value=target), 1), else_=0
    )
    rows = session.execute(
        select(User.role_profile, SkillResult.skill_id, func.sum(below), func.count())
        .join(
            SkillResult,
            and_(
                SkillResult.user_id == User.id,
                SkillResult.kind == QuizKind.DIAGNOSTIC.value,
                SkillResult.latest == true(),
            ),
        )
        .outerjoin(
            TargetOverride,
            and_(
                TargetOverride.user_id == User.id, TargetOverride.skill_id == SkillResult.skill_id
            ),
        )
        .outerjoin(
            RoleTarget,
            and_(
                RoleTarget.role_profile_id == User.role_profile,
                RoleTarget.skill_id == SkillResult.skill_id,
            ),
        )
        .where(User.active)
        .group_by(User.role_profile, SkillResult.skill_id)
    )
    lacking: Lacking = defaultdict(dict)
    for profile, skill_id, below_count, tested in rows:
        lacking[profile][skill_id] = (int(below_count or 0), int(tested))
    return dict(lacking)


def _ranked(figures: dict[str, tuple[int, int]], skills: list[SkillInfo]) -> list[SkillInfo]:
    """Largest share below target first, then skills nobody was tested in, then
    skills everyone tested is on target in; framework order breaks ties."""

    def key(skill: SkillInfo) -> float:
        if skill.id not in figures:
            return 0.0
        below, tested = figures[skill.id]
        return -below / tested if below else 1.0

    return sorted(skills, key=key)


def first_skill(
    session: Session, user: User, measured: set[str], quiz: QuizInfo | None = None
) -> FirstSkill | None:
    """The skill to measure next, with its section's minutes and why; None when
    every skill the diagnostic measures has been measured."""
    snapshot = snapshot_of(session)
    quiz = quiz or snapshot.quizzes.get("diagnostic")
    if quiz is None:
        return None
    open_skills = [s for s in snapshot.skills if quiz.measures(s.id) and s.id not in measured]
    if not open_skills:
        return None
    lacking = lacking_by_role(session)
    role = lacking.get(user.role_profile, {})
    by_role = sum(tested for _below, tested in role.values()) >= MIN_TESTED
    figures = role if by_role else _everyone(lacking)
    skill = _ranked(figures, open_skills)[0]
    if skill.id in figures:
        below, tested = figures[skill.id]
        profile = snapshot.role_profile_name(user.role_profile) if by_role else None
        reason = _lacking_words(below, tested, skill.name, by_role, profile)
    elif skill.id == STRATEGY:
        reason = _(
            "Skills diagnostics of marketers find their largest gap in strategy and planning."
        )
    else:
        reason = _("Next in the framework's order: nobody here has been tested in it yet.")
    return FirstSkill(skill, quiz.minutes(skill.id), reason)


def _everyone(lacking: Lacking) -> dict[str, tuple[int, int]]:
    total: dict[str, tuple[int, int]] = {}
    for figures in lacking.values():
        for skill_id, (below, tested) in figures.items():
            old_below, old_tested = total.get(skill_id, (0, 0))
            total[skill_id] = (old_below + below, old_tested + tested)
    return total


def _lacking_words(below: int, tested: int, skill: str, by_role: bool, profile: str | None) -> str:
    """Why this skill: how many of the people compared are below target in it."""
    values = {"below": below, "tested": tested, "skill": skill}
    if not by_role:
        return _(
            "%(below)s of %(tested)s people in your organisation tested so far are below "
            "target in %(skill)s.",
            **values,
        )
    if profile:
        return _(
            "%(below)s of %(tested)s people in the role %(role)s tested so far are below "
            "target in %(skill)s.",
            role=profile,
            **values,
        )
    return _(
        "%(below)s of %(tested)s people without a role profile tested so far are below "
        "target in %(skill)s.",
        **values,
    )
