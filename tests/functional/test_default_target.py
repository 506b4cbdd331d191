"""Nobody is without a target or a path: a person without a role profile is
measured against the default target (entry level in every skill), can choose
their own role profile, and the CLI says when the default applies."""

from __future__ import annotations

from sqlalchemy import select

from skillgap.models import User
from skillgap.services import paths
from tests import factories
from tests.conftest import csrf_token, login, reread
from tests.functional.test_assessments import (
    attempt_of,
    post_answers,
    questions_of,
    start,
    wrong_choice,
)


def test_a_learner_without_a_role_profile_gets_a_path_after_the_diagnostic(
    app, client, db, content
):
    person = factories.make_user(db, email="new@example.org")  # no role profile
    db.commit()
    login(client, "new@example.org")
    start(client, "diagnostic")
    attempt = attempt_of(db, person.id)
    answers = {q.id: wrong_choice(q) for q in questions_of(db, attempt)}
    post_answers(client, "diagnostic", attempt, answers, "submit")
    reread(db)
    standings = paths.standings_for(db, db.get(User, person.id))
    assert {s.target.id for s in standings} == {"entry"}
    assert {s.target_source for s in standings} == {"default"}
    assert all(s.gap == 1 for s in standings)  # below entry everywhere: a gap, not "on target"
    path = client.get("/path").get_data(as_text=True)
    assert "You have no gaps" not in path and "/modules/" in path
    dashboard = client.get("/").get_data(as_text=True)
    assert "on target" not in dashboard and "choose your role" in dashboard


def test_a_learner_chooses_their_own_role_profile(client, db, content):
    person = factories.make_user(db, email="chooser@example.org")
    db.commit()
    login(client, "chooser@example.org")
    page = client.get("/account").get_data(as_text=True)
    assert "Your role" in page and "social-media-manager" in page
    token = csrf_token(client, "/account")
    bad = client.post(
        "/account/role-profile", data={"csrf_token": token, "role_profile": "astronaut"}
    )
    assert bad.status_code == 422 and "Not a valid choice" in bad.get_data(as_text=True)
    reread(db)
    assert db.get(User, person.id).role_profile is None  # nothing changed
    good = client.post(
        "/account/role-profile",
        data={"csrf_token": token, "role_profile": "social-media-manager"},
    )
    assert good.status_code == 302
    reread(db)
    assert db.get(User, person.id).role_profile == "social-media-manager"
    standings = paths.standings_for(db, db.get(User, person.id))
    assert {s.target_source for s in standings} <= {"role", "default"}
    assert "role" in {s.target_source for s in standings}


def test_the_team_matrix_counts_the_default_target(db, content):
    from skillgap.services.matrix import team_matrix
    from skillgap.services.teams import find_or_create_team

    team, _ = find_or_create_team(db, "Care")
    factories.make_user(db, email="member@example.org", team=team)
    db.commit()
    matrix = team_matrix(db, db.scalar(select(type(team)).where(type(team).name == "Care")))
    cells = [cell for row in matrix.rows for cell in row.cells.values()]
    assert cells and all(cell.target is not None and cell.target.id == "entry" for cell in cells)
    assert all(cell.gap == 1 for cell in cells)  # not assessed: below entry, a gap of one


def test_create_user_without_a_profile_says_the_default_applies(app, content):
    result = app.test_cli_runner().invoke(
        args=["create-user", "cli@example.org", "--name", "Cli", "--password-stdin"],
        input="a long enough password\n",
    )
    assert result.exit_code == 0, result.output
    assert "the default target (entry level in every skill) applies" in result.output
