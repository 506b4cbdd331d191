"""/team lists the members of the manager's own teams: name, email, last sign-in."""

from __future__ import annotations

from skillgap.roles import Role
from tests import factories
from tests.conftest import login


def test_manager_sees_members_of_every_team_they_manage_and_no_one_else(app, db):
    manager = factories.make_user(db, Role.MANAGER, email="m@example.org")
    first = factories.make_team(db, "Content", managers=[manager])
    second = factories.make_team(db, "Care", managers=[manager])
    other = factories.make_team(db, "Paid")
    factories.make_user(db, email="c1@example.org", team=first)
    factories.make_user(db, email="c2@example.org", team=second)
    factories.make_user(db, email="p1@example.org", team=other)
    db.commit()
    client = app.test_client()
    login(client, "c1@example.org")
    login(client := app.test_client(), "m@example.org")
    page = client.get("/team").get_data(as_text=True)
    assert "Content" in page and "Care" in page and "Paid" not in page
    assert "c1@example.org" in page and "c2@example.org" in page
    assert "p1@example.org" not in page
    assert "never" in page  # c2 has never signed in
    assert "UTC" in page  # c1's last sign-in is shown


def test_manager_without_teams_gets_a_clear_message(client, login_as):
    login_as(Role.MANAGER)
    assert "You do not manage any team yet." in client.get("/team").get_data(as_text=True)
