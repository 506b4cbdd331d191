"""The demo organisation created on the first ``python run.py``.

The addresses are a stable contract (tests, docs and later features use them):
admin@example.com, manager@example.com managing team "Social" with
learner1@example.com ... learner6@example.com.
"""

from __future__ import annotations

import secrets
from dataclasses import dataclass
from datetime import timedelta

import numpy as np
from argon2 import PasswordHasher
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from skillgap import clock
from skillgap.curriculum.snapshot import snapshot_of
from skillgap.models import ModuleCompletion, Question, User
from skillgap.roles import Role
from skillgap.rules import irt
from skillgap.services import accounts, adaptive, adaptive_flow, assessments, shown_questions, teams
from skillgap.services.assessments import AnswerInput

DEMO_TEAM = "Social"
DEMO_SEED = 4  # seeds the simulated diagnostic answers: the same demo on every first start

# (email, name, role, role profile); learners get varied profiles on purpose.
DEMO_PEOPLE = [
    ("admin@example.com", "Ada Admin", Role.ADMIN, None),
    ("manager@example.com", "Morgan Manager", Role.MANAGER, "head-of-social"),
    ("learner1@example.com", "Lena Okafor", Role.LEARNER, "social-media-coordinator"),
    ("learner2@example.com", "Sam Whitfield", Role.LEARNER, "social-media-manager"),
    ("learner3@example.com", "Priya Raman", Role.LEARNER, "senior-social-media-manager"),
    ("learner4@example.com", "Tom Gallagher", Role.LEARNER, "community-manager"),
    ("learner5@example.com", "Grace Byrne", Role.LEARNER, "social-media-manager"),
    ("learner6@example.com", "Diego Alvarez", Role.LEARNER, "social-media-coordinator"),
]


# Realistic progress: (module id, days ago). learner5 has just joined and has none.
DEMO_COMPLETIONS = {
    "learner1@example.com": [
        ("why-social-needs-a-strategy", 20),
        ("reach-impressions-frequency", 16),
        ("engagement-rate", 9),
        ("social-care-basics", 3),
    ],
    "learner2@example.com": [
        ("why-social-needs-a-strategy", 40),
        ("smart-social-goals", 33),
        ("social-media-audit", 27),
        ("metrics-vs-kpis", 20),
        ("utm-tracking", 12),
        ("audiences-segments-personas", 5),
    ],
    "learner3@example.com": [
        ("why-social-needs-a-strategy", 60),
        ("smart-social-goals", 55),
        ("social-media-audit", 50),
        ("channel-roles", 41),
        ("metrics-vs-kpis", 38),
        ("kpi-tree", 30),
        ("utm-tracking", 26),
        ("reach-impressions-frequency", 19),
        ("engagement-rate", 14),
        ("paid-social-metrics", 6),
    ],
    "learner4@example.com": [
        ("social-care-basics", 25),
        ("response-playbook", 18),
        ("triage-and-escalation", 10),
        ("listening-vs-monitoring", 4),
    ],
    "learner6@example.com": [("content-pillars", 8), ("writing-for-social", 2)],
}


@dataclass(frozen=True)
class DemoLogin:
    email: str
    password: str
    role: Role


def has_any_user(session: Session) -> bool:
    return (session.scalar(select(func.count()).select_from(User)) or 0) > 0


def create_demo_organisation(
    session: Session, hasher: PasswordHasher, shared_password: str | None = None
) -> list[DemoLogin]:
    """Create the demo people and team; returns their sign-in details to print once."""
    team = teams.create_team(session, DEMO_TEAM)
    logins = []
    for email, name, role, profile in DEMO_PEOPLE:
        password = shared_password or secrets.token_urlsafe(12)
        user = accounts.create_user(
            session,
            hasher,
            email=email,
            name=name,
            password=password,
            role=role,
            team=team if role == Role.LEARNER else None,
            role_profile=profile,
            # Printed once for whoever tries the demo, and the e2e suite signs in
            # with them: no forced change.
            must_change_password=False,
        )
        if role == Role.MANAGER:
            team.managers.append(user)
        logins.append(DemoLogin(email, password, role))
    session.flush()
    add_demo_progress(session)
    add_demo_assessments(session)
    add_demo_plans(session)
    return logins


def add_demo_plans(session: Session) -> None:
    """The manager has acted on two people: a due date for Sam (who also cut his
    weekly time), and a higher KPI target for Lena than her role asks."""
    from datetime import date

    from skillgap.services import paths

    manager = session.scalar(User.by_email("manager@example.com"))
    sam = session.scalar(User.by_email("learner2@example.com"))
    lena = session.scalar(User.by_email("learner1@example.com"))
    if (
        manager is None
        or sam is None
        or lena is None
        or "kpis-measurement" not in snapshot_of(session).skill_by_id
    ):
        return
    paths.set_weekly_minutes(session, sam.id, 90)
    paths.set_due_date(session, sam.id, date.today() + timedelta(weeks=6), manager)
    paths.set_target_overrides(session, lena.id, {"kpis-measurement": "intermediate"}, manager)
    session.flush()


def add_demo_progress(session: Session) -> int:
    """Completions for the demo learners, for the modules that exist; returns how many.
    Modules with a check count as done once it is passed, so the check is taken too."""
    modules = snapshot_of(session).modules
    now = clock.now()
    added = 0
    for email, completions in DEMO_COMPLETIONS.items():
        user = session.scalar(User.by_email(email))
        if user is None:
            continue
        for module_id, days_ago in completions:
            if module_id not in modules:
                continue
            if session.get(ModuleCompletion, (user.id, module_id)) is not None:
                continue
            when = now - timedelta(days=days_ago)
            session.add(ModuleCompletion(user_id=user.id, module_id=module_id, completed_at=when))
            check = modules[module_id].check_quiz_id
            if check:
                _take(session, user, check, None, when, lambda question, index, form: True)
            added += 1
    session.flush()
    return added


# Self-rating per skill (every statement of a skill gets it) and tested percent per
# skill, oldest diagnostic first (days ago, percents in SKILL_ORDER). A percent is
# a domain score: the learner's true ability θ in that skill is the one expected to
# score it on the whole bank (demo_abilities), and the diagnostic's answers are
# simulated from θ through the same 2PL model the engine uses. Sam and Lena
# are over-confident, as half the marketers in the DMI diagnostic were; Priya is
# close to calibrated, and near-perfect in three core skills (on the level-tag
# priors only a near-perfect run is placed Advanced, and only in the larger,
# entry-heavier banks: three chances keep an Advanced result in the demo); Tom
# underrates himself; Grace has only rated herself; Diego has done nothing yet.
SKILL_ORDER = [
    "strategy-planning",
    "kpis-measurement",
    "audience-personas",
    "platform-metrics",
    "customer-care",
    "content-creative",
    "social-listening",
    # Round 2's skills: tested only (the self-assessment rates the first seven).
    "social-commerce",
    "paid-social",
    "community-management",
    "team-wellbeing",
    "governance",
]
DEMO_ASSESSMENTS: dict[str, dict] = {
    "learner1@example.com": {
        "self": ["fairly", "fairly", "fairly", "very", "fairly", "very", "fairly"],
        "tested": [(30, [38, 45, 50, 62, 70, 65, 40, 55, 48, 62, 40, 58])],
        "sure": "certain",
    },
    "learner2@example.com": {
        "self": ["very", "very", "very", "very", "fairly", "very", "fairly"],
        "tested": [
            (95, [31, 42, 50, 58, 50, 63, 38, 25, 33, 42, 30, 50]),
            (12, [54, 58, 67, 75, 62, 75, 50, 46, 50, 58, 44, 62]),
        ],
        "sure": "certain",
    },
    "learner3@example.com": {
        "self": ["fairly", "fairly", "fairly", "very", "fairly", "fairly", "not-very"],
        "tested": [(20, [99, 83, 99, 99, 75, 75, 62, 67, 70, 75, 58, 80])],
        "sure": "mixed",
    },
    "learner4@example.com": {
        "self": ["not-very", "not-very", "not-very", "not-very", "fairly", "not-very", "not-very"],
        "tested": [(15, [54, 58, 67, 58, 88, 63, 75, 58, 62, 71, 54, 75])],
        "sure": "mixed",
    },
    "learner5@example.com": {
        "self": ["fairly", "not-very", "fairly", "fairly", "not-very", "very", "not-very"],
        "tested": [],
        "sure": "mixed",
    },
}


def add_demo_assessments(session: Session) -> int:
    """Self-assessments and diagnostics for the demo learners; returns attempts made."""
    quizzes = snapshot_of(session).quizzes
    if "diagnostic" not in quizzes or "self-assessment" not in quizzes:
        return 0
    now = clock.now()
    # One generator for the whole demo: every first start simulates the same answers.
    rng = np.random.default_rng(DEMO_SEED)
    made = 0
    for email, plan in DEMO_ASSESSMENTS.items():
        user = session.scalar(User.by_email(email))
        if user is None:
            continue
        ratings = dict(zip(SKILL_ORDER[: len(plan["self"])], plan["self"], strict=True))
        rated_days_ago = plan["tested"][0][0] + 2 if plan["tested"] else 10
        _take(
            session,
            user,
            "self-assessment",
            None,
            now - timedelta(days=rated_days_ago),
            lambda question, index, form, r=ratings: r.get(question.skill_id),
        )
        made += 1
        for days_ago, percents in plan["tested"]:
            abilities = demo_abilities(session, dict(zip(SKILL_ORDER, percents, strict=True)))
            when = now - timedelta(days=days_ago)
            if quizzes["diagnostic"].adaptive:
                _take_adaptive(session, user, when, abilities, rng, plan["sure"])
            else:  # an organisation's `mode: fixed` form: the same model, every item shown
                _take(session, user, "diagnostic", None, when, _simulated(session, abilities, rng))
            made += 1
    session.flush()
    return made


def demo_abilities(session: Session, percents: dict[str, int]) -> dict[str, float]:
    """Each skill's θ whose domain score, under the bank's current parameters, is
    the planned percent (the inverse of the test characteristic curve)."""
    abilities = {}
    for skill, percent in percents.items():
        items = adaptive.bank_items(session, skill, adaptive.current_version(session, skill))
        if not items:
            continue
        curve = irt.domain_curve([i.a for i in items], [i.b for i in items])
        # Non-decreasing even if a re-calibration left an item with a < 0.
        abilities[skill] = float(np.interp(percent, np.maximum.accumulate(curve), irt.GRID))
    return abilities


def _right(rng: np.random.Generator, a: float, b: float, theta: float) -> bool:
    """A simulated answer: right with the model's probability P(θ)."""
    return bool(rng.random() < float(irt.p_correct(a, b, theta)))


def _confidence(sure: str, index: int, right: bool) -> float:
    if sure == "certain":
        return 1.0
    return (1.0, 0.67, 0.67)[index % 3] if right else (0.33, 0.67, 1.0)[index % 3]


def _take_adaptive(session, user, when, abilities, rng, sure):
    """Sit the adaptive diagnostic through the real engine: answer the current item
    (right with P(θ) from the parameters the engine asked it with), let the engine
    choose the next, until every skill has stopped; then submit."""
    quiz = snapshot_of(session).quizzes["diagnostic"]
    attempt = assessments.start_attempt(session, user, quiz, None, when)
    state = attempt.adaptive or {}
    most = len(state.get("skills", [])) * (state.get("stopping") or [0, 20])[1] + 1
    # Paced to finish within any time limit (the demo has none; an organisation may).
    pace = (attempt.deadline_at - when) / most if attempt.deadline_at else timedelta(seconds=30)
    moment = when
    for index in range(most):
        question_id = adaptive_flow.current_question(attempt)
        if question_id is None:
            break
        skill, a, b = (attempt.adaptive or {})["asked"][str(question_id)]
        right = _right(rng, a, b, abilities.get(skill, 0.0))
        question = session.get(Question, question_id)
        moment += pace
        answer = _answer(attempt, question, right, _confidence(sure, index, right))
        assessments.save_answers(session, attempt, {question_id: answer}, moment)
        if adaptive_flow.advance(session, attempt):
            break
    assessments.submit(session, attempt.id, moment)
    return attempt


def _simulated(session: Session, abilities: dict[str, float], rng: np.random.Generator):
    """A ``decide`` for a fixed form: each bank item right with P(θ) under the
    bank's current parameters (a question outside the banks: right half the time)."""
    parameters = {}
    for skill in abilities:
        for item in adaptive.bank_items(session, skill, adaptive.current_version(session, skill)):
            parameters[item.question_id] = (item.a, item.b)

    def decide(question, index, form):
        a, b = parameters.get(question.id, (1.0, 0.0))
        return _right(rng, a, b, abilities.get(question.skill_id, 0.0))

    return decide


def _answer(attempt, question, right: bool, confidence: float) -> AnswerInput:
    """A right or a wrong answer to one question, as the take form would send it
    (a calculated question's from this attempt's own numbers)."""
    if shown_questions.asks_number(question):
        answer = shown_questions.answer_value(question, attempt.seed)
        typed = answer if right or answer is None else answer * 2 + 1
        return AnswerInput(response=str(typed), confidence=confidence)
    options = shown_questions.options_of(question, attempt.seed)
    correct = [i for i, option in enumerate(options) if option["correct"]]
    wrong = [i for i in range(len(options)) if i not in correct][:1]
    return AnswerInput(chosen=tuple(correct if right else wrong), confidence=confidence)


def _take(session, user, quiz_id, skill_id, when, decide, sure="mixed"):
    """Sit an assessment through the real services. ``decide(question, index, form)``
    says True (answer right), False (wrong) or gives a self-rating id."""
    quiz = snapshot_of(session).quizzes.get(quiz_id)
    if quiz is None:
        return None
    attempt = assessments.start_attempt(session, user, quiz, skill_id, when)
    form = assessments.attempt_questions(session, attempt)
    answers = {}
    for index, question in enumerate(form):
        decision = decide(question, index, form)
        if decision is None or isinstance(decision, str):
            if decision:
                answers[question.id] = AnswerInput(rating_id=decision)
            continue
        confidence = _confidence(sure, index, bool(decision))
        answers[question.id] = _answer(attempt, question, bool(decision), confidence)
    assessments.save_answers(session, attempt, answers, when + timedelta(minutes=20))
    assessments.submit(session, attempt.id, when + timedelta(minutes=25))
    return attempt
