"""A password someone else set (an admin's new user, ``create-user``) is changed
at first sign-in: until then every signed-in page sends the person to the
password change; demo accounts and invited people are never held back."""

from __future__ import annotations

from sqlalchemy import select

from skillgap.models import User
from skillgap.roles import Role
from tests import factories
from tests.conftest import login, post_form, reread

NEW_PASSWORD = "my very own passphrase"
CHANGE_PAGE = "/account/password"


def _user(db, email: str) -> User:
    reread(db)
    return db.scalar(select(User).where(User.email == email))


def _change(client, current: str):
    return post_form(
        client,
        CHANGE_PAGE,
        {"current_password": current, "new_password": NEW_PASSWORD, "confirm": NEW_PASSWORD},
        page=CHANGE_PAGE,
    )


def _assert_held_then_released(app, db, email: str, password: str) -> None:
    """Sign in, be sent to the password change from every page, change it, go on."""
    person = app.test_client()
    assert login(person, email, password).status_code == 302
    for path in ("/", "/path", "/courses", "/account", "/assessments"):
        response = person.get(path)
        assert response.status_code == 302, path
        assert response.headers["Location"].endswith(CHANGE_PAGE), path
    page = person.get("/", follow_redirects=True).get_data(as_text=True)
    assert "Choose your own password before you go on" in page
    assert "set by someone else" in page
    # The change page, sign-out's page, static files and health stay open.
    assert person.get(CHANGE_PAGE).status_code == 200
    assert person.get("/logout").status_code == 200
    assert person.get("/static/css/skillgap.css").status_code == 200
    assert person.get("/healthz").status_code == 200
    # A script's request gets a 403 with JSON rather than a redirect to follow.
    scripted = person.post("/assessments/x/take", headers={"X-Requested-With": "fetch"})
    assert scripted.status_code == 403
    assert scripted.get_json()["redirect"].endswith(CHANGE_PAGE)

    assert _change(person, password).status_code == 302
    assert _user(db, email).must_change_password is False
    assert person.get("/").status_code == 200
    assert person.get("/courses").status_code == 200
    fresh = app.test_client()
    assert login(fresh, email, NEW_PASSWORD).status_code == 302
    assert fresh.get("/").status_code == 200


def test_a_user_an_admin_creates_changes_the_password_first(app, client, db, login_as, content):
    login_as(Role.ADMIN)
    data = {
        "name": "Nia Patel",
        "email": "nia@example.org",
        "role": "learner",
        "team": "0",
        "role_profile": "",
        "password": "",
    }
    response = post_form(client, "/admin/users/new", data, page="/admin/users/new")
    assert response.status_code == 302
    page = client.get(response.headers["Location"]).get_data(as_text=True)
    assert "They choose their own password when they first sign in." in page
    password = page.split("Their initial password is ")[1].split(" ")[0]
    assert _user(db, "nia@example.org").must_change_password is True
    _assert_held_then_released(app, db, "nia@example.org", password)


def test_a_password_the_admin_typed_is_changed_too(app, client, db, login_as, content):
    login_as(Role.ADMIN)
    data = {
        "name": "Typed Password",
        "email": "typed@example.org",
        "role": "manager",
        "team": "0",
        "role_profile": "",
        "password": "the admin typed this",
    }
    assert post_form(client, "/admin/users/new", data, page="/admin/users/new").status_code == 302
    _assert_held_then_released(app, db, "typed@example.org", "the admin typed this")


def test_a_user_the_cli_creates_changes_the_password_first(app, db, bundled_content):
    result = app.test_cli_runner().invoke(
        args=["create-user", "cli@example.org", "--name", "Cli Person", "--password-stdin"],
        input="a long enough secret\n",
    )
    assert result.exit_code == 0, result.output
    assert "They choose a new password when they first sign in." in result.output
    assert _user(db, "cli@example.org").must_change_password is True
    _assert_held_then_released(app, db, "cli@example.org", "a long enough secret")


def test_cli_keep_password_is_for_your_own_account(app, db):
    result = app.test_cli_runner().invoke(
        args=[
            "create-user",
            "me@example.org",
            "--name",
            "Me",
            "--role",
            "admin",
            "--password-stdin",
            "--keep-password",
        ],
        input="my own long secret\n",
    )
    assert result.exit_code == 0, result.output
    assert "choose a new password" not in result.output
    assert _user(db, "me@example.org").must_change_password is False
    person = app.test_client()
    assert login(person, "me@example.org", "my own long secret").status_code == 302
    assert person.get("/admin").status_code == 200


def test_demo_accounts_are_not_held_back(app, db):
    app.config["SKILLGAP_DEMO_PASSWORD"] = "demo password 123"
    assert app.test_cli_runner().invoke(args=["create-demo"]).exit_code == 0
    reread(db)
    assert not db.scalars(select(User).where(User.must_change_password)).all()
    for email in ("admin@example.com", "manager@example.com", "learner1@example.com"):
        person = app.test_client()
        assert login(person, email, "demo password 123").status_code == 302
        assert person.get("/").status_code == 200, email


def test_people_with_their_own_password_are_not_held_back(client, db, login_as):
    login_as(Role.LEARNER)
    assert client.get("/").status_code == 200
    assert client.get(CHANGE_PAGE).status_code == 200
    page = client.get(CHANGE_PAGE).get_data(as_text=True)
    assert "set by someone else" not in page


def test_a_wrong_current_password_keeps_the_person_held(app, db):
    factories.make_user(db, email="held@example.org")
    db.commit()
    db.execute(
        User.__table__.update()
        .where(User.email == "held@example.org")
        .values(must_change_password=True)
    )
    db.commit()
    person = app.test_client()
    assert login(person, "held@example.org").status_code == 302
    assert _change(person, "not the password at all").status_code == 422
    assert _user(db, "held@example.org").must_change_password is True
    assert person.get("/").status_code == 302
    assert _change(person, factories.DEFAULT_PASSWORD).status_code == 302
    assert person.get("/").status_code == 200
