"""/team lists the members of the manager's own teams: name, email, last sign-in."""

from __future__ import annotations

import re

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
    login(app.test_client(), "c1@example.org")
    client = app.test_client()
    login(client, "m@example.org")
    care = client.get("/team").get_data(as_text=True)  # the first team by name
    assert "<h1>Care</h1>" in care and "c2@example.org" in care and "never" in care
    assert f'<option value="{first.id}" >Content</option>' in care  # the team picker
    assert "Paid" not in care and "p1@example.org" not in care
    content = client.get(f"/team?team={first.id}").get_data(as_text=True)
    assert "c1@example.org" in content  # and c1's last sign-in, a time (i18n.when):
    assert re.search(r"Last sign-in: \d+ \w+ \d{4}, \d\d:\d\d", content)
    assert "p1@example.org" not in content
    assert client.get(f"/team?team={other.id}").status_code == 404


def test_manager_without_teams_gets_a_clear_message(client, login_as):
    login_as(Role.MANAGER)
    assert "You do not manage any team yet." in client.get("/team").get_data(as_text=True)
