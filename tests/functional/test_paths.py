"""/path, the dashboard and the manager's targets and due date, through the app."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from sqlalchemy import select

from skillgap import clock
from skillgap.models import LearningPlan, ModuleCompletion, Question, TargetOverride
from skillgap.roles import Role
from skillgap.services import assessments
from tests import factories
from tests.conftest import login, post_form, reread


def step_ids(html: str) -> list[str]:
    import re

    return re.findall(r'<span class="step-main">\s*<a href="/modules/([a-z0-9-]+)"', html)


@pytest.fixture
def team(db, content):
    manager = factories.make_user(db, Role.MANAGER, email="m@example.org")
    team = factories.make_team(db, "Social", managers=[manager])
    person = factories.make_user(
        db, email="p@example.org", team=team, role_profile="social-media-manager"
    )
    db.commit()
    return {"manager": manager, "team": team, "person": person}


def test_path_orders_steps_with_reasons_and_weeks(app, client, team):
    login(client, "p@example.org")
    page = client.get("/path").get_data(as_text=True)
    assert step_ids(page) == ["first-steps", "second-steps", "reach-basics"]
    assert "Strategy &amp; planning: Below entry → target Intermediate (not yet tested)" in page
    assert "Platform metrics: Below entry → target Entry" in page
    assert "3 modules (45 minutes) in 1 week" in page
    week_on = date.today() + timedelta(weeks=1)
    finish = f"{week_on.day} {week_on:%b %Y}"
    assert f"estimated finish <strong>{finish}</strong>" in page
    assert '<li class="step step-next">' in page and page.count("step-later") == 2


def test_a_smaller_budget_reschedules_and_a_due_date_says_what_would_fit(client, db, team):
    login(client, "p@example.org")
    response = post_form(client, "/account", {"weekly_minutes": "15"}, page="/account")
    assert response.status_code == 302
    page = client.get("/path").get_data(as_text=True)
    assert page.count('<h2 id="week-') == 3
    db.merge(
        LearningPlan(
            user_id=team["person"].id, weekly_minutes=15, due_date=date.today() + timedelta(days=7)
        )
    )
    db.commit()
    page = client.get("/path").get_data(as_text=True)
    assert "This path does not fit: it needs 2 more weeks." in page
    assert "At 45 minutes a week it would fit." in page


@pytest.mark.parametrize("value", ["10", "601", "abc", "", "1" * 5000])
def test_budget_must_be_between_15_and_600(client, db, team, value):
    login(client, "p@example.org")
    response = post_form(client, "/account", {"weekly_minutes": value}, page="/account")
    assert response.status_code == 422
    reread(db)
    assert db.get(LearningPlan, team["person"].id) is None


def test_manager_override_and_due_date_change_the_persons_path(app, client, db, team):
    login(client, "m@example.org")
    person_id = team["person"].id
    form_page = f"/team/people/{person_id}"
    response = post_form(
        client,
        f"/team/people/{person_id}/targets",
        {"target-strategy-planning": "entry", "target-platform-metrics": ""},
        page=form_page,
    )
    assert response.status_code == 302
    due = (date.today() + timedelta(days=30)).isoformat()
    assert (
        post_form(
            client, f"/team/people/{person_id}/due-date", {"due_date": due}, page=form_page
        ).status_code
        == 302
    )
    reread(db)
    override = db.get(TargetOverride, (person_id, "strategy-planning"))
    assert override.level_id == "entry" and override.set_by_id == team["manager"].id
    assert db.get(LearningPlan, person_id).due_date.isoformat() == due
    person = app.test_client()
    login(person, "p@example.org")
    page = person.get("/path").get_data(as_text=True)
    assert step_ids(page) == ["first-steps", "reach-basics"]  # second-steps is above Entry now
    assert "Strategy &amp; planning: Below entry → target Entry" in page
    assert "Due date set by your manager" in page and "It fits." in page
    dashboard = person.get("/").get_data(as_text=True)
    assert "set by your manager" in dashboard


def test_bad_manager_input_is_a_form_error(client, db, team):
    login(client, "m@example.org")
    person_id = team["person"].id
    page = f"/team/people/{person_id}"
    bad_target = post_form(
        client, f"/team/people/{person_id}/targets", {"target-strategy-planning": "guru"}, page=page
    )
    assert bad_target.status_code == 422 and "Not a valid choice" in bad_target.get_data(
        as_text=True
    )
    past = post_form(
        client,
        f"/team/people/{person_id}/due-date",
        {"due_date": (date.today() - timedelta(days=1)).isoformat()},
        page=page,
    )
    assert past.status_code == 422 and "Choose today or a later date." in past.get_data(
        as_text=True
    )
    garbage = post_form(
        client, f"/team/people/{person_id}/due-date", {"due_date": "31/31/31"}, page=page
    )
    assert garbage.status_code == 422
    reread(db)
    assert db.scalar(select(TargetOverride)) is None and db.scalar(select(LearningPlan)) is None


def test_only_the_persons_manager_or_an_admin_can_set_targets(app, db, team):
    factories.make_user(db, Role.MANAGER, email="other@example.org")
    factories.make_user(db, Role.ADMIN, email="admin@example.org")
    factories.make_user(db, email="peer@example.org", team=team["team"])
    db.commit()
    person_id = team["person"].id
    expected = {
        "m@example.org": 302,
        "admin@example.org": 302,
        "other@example.org": 404,
        "peer@example.org": 403,
        "p@example.org": 403,
    }
    for email, status in expected.items():
        client = app.test_client()
        login(client, email)
        for action, data in (
            ("targets", {"target-strategy-planning": "advanced"}),
            ("due-date", {"due_date": ""}),
        ):
            response = post_form(client, f"/team/people/{person_id}/{action}", data, page="/")
            assert response.status_code == status, (email, action)


def _sit(db, person, answers_right, skill=None):
    quiz = db.get(assessments.Quiz, "diagnostic")
    attempt = assessments.start_attempt(db, person, quiz, skill, clock.now())
    questions = {
        q.id: q for q in db.scalars(select(Question).where(Question.id.in_(attempt.question_ids)))
    }
    answers = {}
    for qid, question in questions.items():
        right = sorted(question.correct_indexes)
        wrong = [i for i in range(len(question.options)) if i not in right][:1]
        answers[qid] = assessments.AnswerInput(chosen=tuple(right if answers_right else wrong))
    assessments.save_answers(db, attempt, answers, clock.now())
    assessments.submit(db, attempt.id, clock.now())
    db.commit()


def test_retake_invitation_then_closed_gap_on_the_dashboard(client, db, team):
    person = team["person"]
    _sit(db, person, answers_right=False)  # tested: below entry in both skills
    db.add(ModuleCompletion(user_id=person.id, module_id="first-steps"))
    db.commit()
    login(client, "p@example.org")
    # Pass second-steps' check, the last strategy module on the path.
    quiz = db.get(assessments.Quiz, "second-steps-check")
    attempt = assessments.start_attempt(db, person, quiz, None, clock.now())
    question = db.get(Question, attempt.question_ids[0])
    assessments.save_answers(
        db,
        attempt,
        {question.id: assessments.AnswerInput(chosen=tuple(question.correct_indexes))},
        clock.now(),
    )
    assessments.submit(db, attempt.id, clock.now())
    db.commit()
    dashboard = client.get("/").get_data(as_text=True)
    assert "Path modules for Strategy &amp; planning are done." in dashboard
    assert "/assessments/diagnostic/take?skill=strategy-planning" in dashboard
    _sit(db, person, answers_right=True, skill="strategy-planning")
    dashboard = client.get("/").get_data(as_text=True)
    assert (
        "Gap closed: Strategy &amp; planning rose from Below entry to Advanced (+3 levels)."
        in dashboard
    )
    path = client.get("/path").get_data(as_text=True)
    assert "Strategy &amp; planning:" not in path.split('id="done-h"')[0]  # left the path
    assert step_ids(path.split('id="done-h"')[0]) == ["reach-basics"]


def test_dashboard_shows_profile_table_and_next_step(client, team):
    login(client, "p@example.org")
    page = client.get("/").get_data(as_text=True)
    assert 'href="/modules/first-steps">First steps in planning</a>' in page
    assert "not assessed" in page
    assert page.count('<th scope="row">') == 2  # one row per skill
    assert "target Intermediate · gap 2 levels" in page
