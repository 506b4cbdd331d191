"""Admin basics: users and teams, and bad input that must never give a 500 or change data."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select

from skillgap.models import Team, User
from skillgap.roles import Role
from tests import factories
from tests.conftest import login, post_form, reread


def user_count(db) -> int:
    reread(db)
    return db.scalar(select(func.count()).select_from(User))


def new_user_data(**overrides: str) -> dict[str, str]:
    return {
        "name": "Nia Patel",
        "email": "nia@example.org",
        "role": "learner",
        "team": "0",
        "role_profile": "social-media-manager",
        "password": "",
        **overrides,
    }


def test_admin_creates_a_user_with_a_generated_password_shown_once(client, db, login_as, content):
    login_as(Role.ADMIN)
    team = factories.make_team(db, "Brand")
    db.commit()
    response = post_form(
        client, "/admin/users/new", new_user_data(team=str(team.id)), page="/admin/users/new"
    )
    assert response.status_code == 302
    page = client.get(response.headers["Location"]).get_data(as_text=True)
    assert "Their initial password is" in page
    password = page.split("Their initial password is ")[1].split(" ")[0]
    reread(db)
    nia = db.scalar(select(User).where(User.email == "nia@example.org"))
    assert (nia.name, nia.role, nia.team_id, nia.role_profile) == (
        "Nia Patel",
        "learner",
        team.id,
        "social-media-manager",
    )
    assert nia.password_hash.startswith("$argon2id$")
    fresh = client.application.test_client()
    assert login(fresh, "nia@example.org", password).status_code == 302


def test_duplicate_email_is_a_form_error_and_creates_nothing(client, db, login_as, content):
    login_as(Role.ADMIN)
    factories.make_user(db, email="taken@example.org")
    db.commit()
    before = user_count(db)
    response = post_form(
        client,
        "/admin/users/new",
        new_user_data(email="TAKEN@example.org"),
        page="/admin/users/new",
    )
    assert response.status_code == 422
    page = response.get_data(as_text=True)
    assert "A user with this email already exists." in page
    assert 'value="Nia Patel"' in page  # what the admin typed is kept
    assert user_count(db) == before


@pytest.mark.parametrize(
    ("overrides", "message"),
    [
        ({"name": "", "email": ""}, "Enter a name."),
        ({"name": "x" * 10_000}, "Field cannot be longer than 100 characters."),
        ({"email": "a" * 10_000 + "@example.org"}, "Field cannot be longer than 254 characters."),
        ({"email": "not-an-email"}, "Invalid email address."),
        ({"name": "Nul\x00byte"}, "Remove the control characters"),
        ({"name": "\u200b\u200b\u200b"}, "Use at least one letter or digit."),
        ({"name": "Ann \u202eeeL"}, "Remove the text-direction characters"),
        ({"role": "superuser"}, "Not a valid choice."),
        ({"team": "banana"}, "Invalid Choice"),
        ({"team": "999999"}, "Not a valid choice."),
        ({"role_profile": "astronaut"}, "Not a valid choice."),
        ({"password": "short"}, "Use at least 12 characters."),
        ({"password": "p" * 10_000}, "Use at most 128 characters."),
    ],
)
def test_bad_user_input_is_a_form_error_and_changes_nothing(
    client, db, login_as, overrides, message
):
    login_as(Role.ADMIN)
    before = user_count(db)
    response = post_form(
        client, "/admin/users/new", new_user_data(**overrides), page="/admin/users/new"
    )
    assert response.status_code == 422
    assert message in response.get_data(as_text=True)
    assert user_count(db) == before


def test_non_utf8_bytes_do_not_cause_a_500(client, db, login_as):
    login_as(Role.ADMIN)
    before = user_count(db)
    from tests.conftest import csrf_token

    token = csrf_token(client, "/admin/users/new")
    body = (
        b"csrf_token=" + token.encode() + b"&name=%FF%FE%FA&email=%C3%28%40example.org"
        b"&role=learner&team=0&role_profile="
    )
    response = client.post(
        "/admin/users/new", data=body, content_type="application/x-www-form-urlencoded"
    )
    assert response.status_code == 422
    assert user_count(db) == before
    login_body = b"csrf_token=x&email=%FF%FE&password=%FF"
    anonymous = client.application.test_client()
    response = anonymous.post(
        "/login", data=login_body, content_type="application/x-www-form-urlencoded"
    )
    assert response.status_code in (400, 422)


def test_login_form_rejects_huge_and_empty_fields_without_a_500(app, client):
    from tests.conftest import csrf_token

    for data in (
        {"email": "", "password": ""},
        {"email": "x" * 10_000, "password": "y" * 10_000},
        {"email": "a@example.org", "password": "\x00" * 50},
    ):
        response = client.post("/login", data={**data, "csrf_token": csrf_token(client)})
        assert response.status_code == 422


def test_edit_user_changes_role_team_and_profile(client, db, login_as, bundled_content):
    login_as(Role.ADMIN)
    team = factories.make_team(db, "Care")
    person = factories.make_user(db, email="p@example.org")
    db.commit()
    response = post_form(
        client,
        f"/admin/users/{person.id}",
        {
            "name": "Pat Renamed",
            "email": "pat@example.org",
            "role": "manager",
            "team": str(team.id),
            "role_profile": "head-of-social",
        },
        page=f"/admin/users/{person.id}",
    )
    assert response.status_code == 302
    reread(db)
    changed = db.get(User, person.id)
    assert (changed.name, changed.email, changed.role, changed.team_id, changed.role_profile) == (
        "Pat Renamed",
        "pat@example.org",
        "manager",
        team.id,
        "head-of-social",
    )


def test_deactivating_keeps_data_and_blocks_sign_in(client, db, login_as, app):
    login_as(Role.ADMIN)
    team = factories.make_team(db, "Care")
    person = factories.make_user(db, email="p@example.org", team=team)
    db.commit()
    person_client = app.test_client()
    login(person_client, "p@example.org")
    response = post_form(
        client, f"/admin/users/{person.id}/deactivate", page=f"/admin/users/{person.id}"
    )
    assert response.status_code == 302
    reread(db)
    kept = db.get(User, person.id)
    assert kept is not None and not kept.active and kept.team_id == team.id
    assert person_client.get("/").status_code == 302  # signed out at once
    assert login(app.test_client(), "p@example.org").status_code == 422
    post_form(client, f"/admin/users/{person.id}/reactivate", page=f"/admin/users/{person.id}")
    assert login(app.test_client(), "p@example.org").status_code == 302


def test_admin_cannot_deactivate_or_demote_the_last_admin(client, db, login_as):
    admin = login_as(Role.ADMIN)
    page = post_form(client, f"/admin/users/{admin.id}/deactivate", page=f"/admin/users/{admin.id}")
    assert "You cannot deactivate your own account." in client.get(
        page.headers["Location"]
    ).get_data(as_text=True)
    response = post_form(
        client,
        f"/admin/users/{admin.id}",
        {
            "name": admin.name,
            "email": admin.email,
            "role": "learner",
            "team": "0",
            "role_profile": "",
        },
        page=f"/admin/users/{admin.id}",
    )
    assert response.status_code == 422
    assert "last active admin" in response.get_data(as_text=True)
    reread(db)
    assert db.get(User, admin.id).role == "admin"


def test_teams_create_rename_and_assign_managers(client, db, login_as):
    login_as(Role.ADMIN)
    manager = factories.make_user(db, Role.MANAGER, email="m@example.org")
    learner = factories.make_user(db, Role.LEARNER, email="l@example.org")
    db.commit()
    response = post_form(
        client,
        "/admin/teams/new",
        {"name": "Social", "managers": [str(manager.id)]},
        page="/admin/teams/new",
    )
    assert response.status_code == 302
    reread(db)
    team = db.scalar(select(Team).where(Team.name == "Social"))
    assert [m.email for m in team.managers] == ["m@example.org"]
    duplicate = post_form(client, "/admin/teams/new", {"name": " social "}, page="/admin/teams/new")
    assert "A team with this name already exists." in duplicate.get_data(as_text=True)
    learner_as_manager = post_form(
        client,
        f"/admin/teams/{team.id}",
        {"name": "Social", "managers": [str(learner.id)]},
        page=f"/admin/teams/{team.id}",
    )
    assert learner_as_manager.status_code == 422  # learners are not offered as managers
    renamed = post_form(
        client, f"/admin/teams/{team.id}", {"name": "Social & Care"}, page=f"/admin/teams/{team.id}"
    )
    assert renamed.status_code == 302
    reread(db)
    team = db.get(Team, team.id)
    assert team.name == "Social & Care" and team.managers == []
    invisible = post_form(
        client, f"/admin/teams/{team.id}", {"name": "\u200d\u2060"}, page=f"/admin/teams/{team.id}"
    )
    assert invisible.status_code == 422
    assert "Use at least one letter or digit." in invisible.get_data(as_text=True)
    reread(db)
    assert db.get(Team, team.id).name == "Social & Care"
    assert db.scalar(select(func.count()).select_from(Team)) == 1


def test_user_search_and_unknown_ids(client, db, login_as):
    login_as(Role.ADMIN)
    factories.make_user(db, email="findme@example.org", name="Findable Person")
    db.commit()
    page = client.get("/admin/users?q=findable").get_data(as_text=True)
    assert "findme@example.org" in page
    assert client.get("/admin/users?page=-3&q=" + "z" * 5000).status_code == 200
    assert client.get("/admin/users/999999").status_code == 404
    assert client.get("/admin/teams/999999").status_code == 404
    assert client.get("/no/such/page").status_code == 404
