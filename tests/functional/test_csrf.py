"""Every form needs its CSRF token: without it the request is refused with 400
and nothing changes."""

from __future__ import annotations

from sqlalchemy import func, select

from skillgap.models import Team, User
from skillgap.roles import Role
from tests import factories
from tests.conftest import reread


def test_login_without_token_is_refused(client, db):
    factories.make_user(db, email="a@example.org")
    db.commit()
    response = client.post(
        "/login", data={"email": "a@example.org", "password": factories.DEFAULT_PASSWORD}
    )
    assert response.status_code == 400
    assert "security token" in response.get_data(as_text=True)
    assert client.get("/").status_code == 302


def test_admin_posts_without_token_change_nothing(client, db, login_as):
    login_as(Role.ADMIN)
    person = factories.make_user(db, email="keep@example.org")
    db.commit()
    users_before = db.scalar(select(func.count()).select_from(User))
    responses = [
        client.post(
            "/admin/users/new",
            data={
                "name": "N",
                "email": "new@example.org",
                "role": "learner",
                "team": "0",
                "role_profile": "",
            },
        ),
        client.post(
            f"/admin/users/{person.id}",
            data={
                "name": "Renamed",
                "email": person.email,
                "role": "admin",
                "team": "0",
                "role_profile": "",
            },
        ),
        client.post(f"/admin/users/{person.id}/deactivate"),
        client.post("/admin/teams/new", data={"name": "Sneaky"}),
    ]
    assert [r.status_code for r in responses] == [400, 400, 400, 400]
    reread(db)
    assert db.scalar(select(func.count()).select_from(User)) == users_before
    unchanged = db.get(User, person.id)
    assert (unchanged.name, unchanged.role, unchanged.active) == (person.name, "learner", True)
    assert db.scalar(select(func.count()).select_from(Team)) == 0


def test_password_change_and_logout_without_token_change_nothing(client, db, login_as):
    user = login_as(Role.LEARNER)
    response = client.post(
        "/account/password",
        data={
            "current_password": factories.DEFAULT_PASSWORD,
            "new_password": "n" * 14,
            "confirm": "n" * 14,
        },
    )
    assert response.status_code == 400
    assert client.post("/logout").status_code == 400
    reread(db)
    assert db.get(User, user.id).session_version == 1
    assert client.get("/").status_code == 200  # still signed in
