"""An adaptive result's uncertainty downstream (issue 18, part 4): the
dashboard and the matrix say when a level is not decided yet, exports carry it,
and a gap closes only when the target is reached at 80% or more."""

from __future__ import annotations

from datetime import timedelta

from skillgap import clock
from skillgap.kinds import AttemptState
from skillgap.models import Attempt
from skillgap.roles import Role
from skillgap.services.standing import NewResult, record_results
from tests import factories
from tests.conftest import login

PERCENT = {"below-entry": 45.0, "entry": 66.0, "intermediate": 80.0, "advanced": 93.0}


def adaptive_result(db, user, skill, level, certainty, days_ago=0):
    """A submitted adaptive attempt with one result, as adaptive_flow records it."""
    when = clock.now() - timedelta(days=days_ago)
    attempt = Attempt(
        user_id=user.id,
        quiz_id="diagnostic",
        state=AttemptState.SUBMITTED.value,
        question_ids=[],
        started_at=when,
        submitted_at=when,
        adaptive={"skills": [skill], "finished": [skill], "versions": {}, "asked": {}},
    )
    db.add(attempt)
    db.flush()
    levels = list(PERCENT)
    rest = (1 - certainty) / (len(levels) - 1)
    probabilities = [certainty if lv == level else rest for lv in levels]
    record_results(
        db,
        [
            NewResult(
                attempt_id=attempt.id,
                user_id=user.id,
                skill_id=skill,
                kind="diagnostic",
                level_id=level,
                created_at=when,
                percent=PERCENT[level],
                questions=12,
                theta=0.3,
                theta_se=0.4,
                domain_low=PERCENT[level] - 8,
                domain_high=PERCENT[level] + 6,
                level_probabilities=probabilities,
                certainty=certainty,
            )
        ],
    )


def test_an_undecided_level_says_so_on_the_dashboard_the_matrix_and_the_export(app, db, content):
    manager = factories.make_user(db, Role.MANAGER, email="boss@example.org")
    team = factories.make_team(db, "Social", managers=[manager])
    unsure = factories.make_user(db, name="Una", email="una@example.org", team=team)
    sure = factories.make_user(db, name="Sol", email="sol@example.org", team=team)
    adaptive_result(db, unsure, "strategy-planning", "entry", 0.62)
    adaptive_result(db, sure, "strategy-planning", "entry", 0.93)
    db.commit()
    learner = app.test_client()
    login(learner, "una@example.org")
    dashboard = learner.get("/").get_data(as_text=True)
    assert "Entry (not decided yet: 62% sure)" in dashboard
    other = app.test_client()
    login(other, "sol@example.org")
    assert "not decided yet" not in other.get("/").get_data(as_text=True)

    boss = app.test_client()
    login(boss, "boss@example.org")
    page = boss.get(f"/team?team={team.id}").get_data(as_text=True)
    rows = {name: page.split(f">{name}</a>")[1].split("</tr>")[0] for name in ("Una", "Sol")}
    assert "level not decided yet" in rows["Una"] and "not decided" not in rows["Sol"]
    export = boss.get(f"/team/matrix.csv?team={team.id}").get_data(as_text=True)
    una = next(line for line in export.splitlines() if "una@example.org" in line)
    assert "not decided yet" in una


def test_a_gap_closes_only_when_the_target_is_reached_at_80_percent(app, db, content):
    person = factories.make_user(db, email="gap@example.org")  # default target: entry
    adaptive_result(db, person, "strategy-planning", "below-entry", 0.9, days_ago=20)
    adaptive_result(db, person, "strategy-planning", "entry", 0.7, days_ago=1)
    db.commit()
    client = app.test_client()
    login(client, "gap@example.org")
    assert "Gap closed" not in client.get("/").get_data(as_text=True)
    adaptive_result(db, person, "strategy-planning", "entry", 0.85)
    db.commit()
    dashboard = client.get("/").get_data(as_text=True)
    assert "Gap closed: Strategy &amp; planning rose from Below entry to Entry" in dashboard
