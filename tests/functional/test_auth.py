"""Signing in and out, remember-me, password changes and cookie invalidation."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import select

from skillgap import clock
from skillgap.models import User
from skillgap.roles import Role
from tests import factories
from tests.conftest import csrf_token, login, post_form, reread


def test_login_success_redirects_to_dashboard(client, db):
    user = factories.make_user(db, email="lena@example.org", name="Lena")
    db.commit()
    response = login(client, "  LENA@example.org ")
    assert response.status_code == 302
    assert response.headers["Location"] == "/"
    page = client.get("/").get_data(as_text=True)
    assert "Hello, Lena" in page
    db.refresh(user)
    assert user.last_login_at is not None
    assert user.failed_logins == 0


def test_wrong_password_and_unknown_email_get_the_same_generic_error(client, db):
    factories.make_user(db, email="lena@example.org")
    db.commit()
    wrong = login(client, "lena@example.org", "not the password at all")
    unknown = login(client, "nobody@example.org", "not the password at all")
    for response in (wrong, unknown):
        assert response.status_code == 422
        assert "Email or password is incorrect." in response.get_data(as_text=True)
    assert client.get("/").status_code == 302  # still signed out


def test_login_follows_local_next_but_not_external(client, db, app):
    factories.make_user(db, email="m@example.org", role=Role.MANAGER)
    db.commit()
    token = csrf_token(client)
    data = {"email": "m@example.org", "password": factories.DEFAULT_PASSWORD, "csrf_token": token}
    response = client.post("/login?next=/team", data=data)
    assert response.headers["Location"] == "/team"
    client.post("/logout", data={"csrf_token": csrf_token(client, "/")})
    data["csrf_token"] = csrf_token(client)
    response = client.post("/login?next=https://evil.example/", data=data)
    assert response.headers["Location"] == "/"


def test_remember_me_cookie_only_when_asked(client, db, app):
    factories.make_user(db, email="a@example.org")
    factories.make_user(db, email="b@example.org")
    db.commit()
    login(client, "a@example.org")
    assert client.get_cookie("remember_token") is None
    other = app.test_client()
    login(other, "b@example.org", remember="y")
    cookie = other.get_cookie("remember_token")
    assert cookie is not None
    assert cookie.http_only
    assert cookie.same_site == "Lax"


def test_session_cookie_flags_and_lifetime(client, db, app):
    factories.make_user(db, email="a@example.org")
    db.commit()
    login(client, "a@example.org")
    cookie = client.get_cookie("session")
    assert cookie.http_only and cookie.same_site == "Lax"
    assert not cookie.secure  # SKILLGAP_HTTPS is off in tests
    assert cookie.expires is not None
    assert cookie.expires - clock.now() <= timedelta(hours=8, minutes=1)


def test_remember_me_restores_a_session_after_the_browser_forgets_it(client, db):
    factories.make_user(db, email="a@example.org")
    db.commit()
    login(client, "a@example.org", remember="y")
    client.delete_cookie("session")
    assert client.get("/").status_code == 200


def test_logout_needs_post_and_ends_the_session(client, login_as):
    login_as(Role.LEARNER)
    assert client.get("/logout").status_code == 200  # a confirmation page, not a sign-out
    assert client.get("/").status_code == 200
    response = post_form(client, "/logout")
    assert response.status_code == 302
    assert client.get("/").status_code == 302


def _copy_cookies(source, target, names=("session", "remember_token")) -> None:
    for name in names:
        cookie = source.get_cookie(name)
        if cookie is not None:
            target.set_cookie(name, cookie.value)


def test_copied_session_cookie_stops_working_after_logout(app, client, db):
    factories.make_user(db, email="a@example.org")
    db.commit()
    login(client, "a@example.org", remember="y")
    thief = app.test_client()
    _copy_cookies(client, thief)
    assert thief.get("/").status_code == 200  # the copy works while the session lives
    post_form(client, "/logout")
    assert thief.get("/").status_code == 302
    thief_session_only = app.test_client()
    _copy_cookies(thief, thief_session_only, names=("remember_token",))
    assert thief_session_only.get("/").status_code == 302


def test_copied_session_cookie_stops_working_after_password_change(app, client, db):
    user = factories.make_user(db, email="a@example.org")
    db.commit()
    login(client, "a@example.org")
    thief = app.test_client()
    _copy_cookies(client, thief)
    assert thief.get("/").status_code == 200
    new_password = "a brand new passphrase"
    response = post_form(
        client,
        "/account/password",
        {
            "current_password": factories.DEFAULT_PASSWORD,
            "new_password": new_password,
            "confirm": new_password,
        },
        page="/account/password",
    )
    assert response.status_code == 302
    assert client.get("/").status_code == 200  # the person who changed it stays signed in
    assert thief.get("/").status_code == 302
    reread(db)
    assert db.get(User, user.id).session_version == 2
    fresh = app.test_client()
    assert login(fresh, "a@example.org", factories.DEFAULT_PASSWORD).status_code == 422
    assert login(fresh, "a@example.org", new_password).status_code == 302


def test_password_change_rules(client, login_as):
    login_as(Role.LEARNER)
    cases = [
        (
            {
                "current_password": "wrong wrong wrong",
                "new_password": "x" * 12,
                "confirm": "x" * 12,
            },
            "Your current password is not correct.",
        ),
        (
            {
                "current_password": factories.DEFAULT_PASSWORD,
                "new_password": "short",
                "confirm": "short",
            },
            "Use at least 12 characters.",
        ),
        (
            {
                "current_password": factories.DEFAULT_PASSWORD,
                "new_password": "y" * 129,
                "confirm": "y" * 129,
            },
            "Use at most 128 characters.",
        ),
        (
            {
                "current_password": factories.DEFAULT_PASSWORD,
                "new_password": "z" * 12,
                "confirm": "q" * 12,
            },
            "The two new passwords are not the same.",
        ),
    ]
    for data, message in cases:
        response = post_form(client, "/account/password", data, page="/account/password")
        assert response.status_code == 422
        assert message in response.get_data(as_text=True)


def test_deactivated_user_cannot_sign_in(client, db):
    factories.make_user(db, email="gone@example.org", active=False)
    db.commit()
    response = login(client, "gone@example.org")
    assert response.status_code == 422
    assert "deactivated" in response.get_data(as_text=True)
    assert client.get("/").status_code == 302


def test_ten_failures_in_a_row_lock_the_account(client, db, app):
    user = factories.make_user(db, email="target@example.org")
    db.commit()
    for _ in range(9):
        assert "incorrect" in login(client, "target@example.org", "guess guess guess").get_data(
            as_text=True
        )
    reread(db)
    assert db.get(User, user.id).failed_logins == 9
    tenth = login(client, "target@example.org", "guess guess guess")
    assert "locked until" in tenth.get_data(as_text=True)
    # Even the right password is refused while the lock lasts.
    right = login(client, "target@example.org")
    assert right.status_code == 422
    assert "locked until" in right.get_data(as_text=True)
    # When the lock has passed, the right password works again and resets the count.
    reread(db)
    locked = db.get(User, user.id)
    locked.locked_until = clock.now() - timedelta(seconds=1)
    db.commit()
    assert login(client, "target@example.org").status_code == 302
    reread(db)
    assert db.scalar(select(User.failed_logins).where(User.id == user.id)) == 0


def test_a_success_resets_the_failure_count(client, db):
    user = factories.make_user(db, email="a@example.org")
    db.commit()
    for _ in range(5):
        login(client, "a@example.org", "nope nope nope")
    assert login(client, "a@example.org").status_code == 302
    reread(db)
    assert db.get(User, user.id).failed_logins == 0


def test_role_change_ends_existing_sessions(app, client, db, login_as):
    admin_client = app.test_client()
    admin = factories.make_user(db, role=Role.ADMIN, email="boss@example.org")
    person = factories.make_user(db, role=Role.MANAGER, email="mgr@example.org")
    db.commit()
    login(client, "mgr@example.org")
    assert client.get("/team").status_code == 200
    login(admin_client, admin.email)
    response = post_form(
        admin_client,
        f"/admin/users/{person.id}",
        {
            "name": person.name,
            "email": person.email,
            "role": "learner",
            "team": "0",
            "role_profile": "",
        },
        page=f"/admin/users/{person.id}",
    )
    assert response.status_code == 302
    assert client.get("/team").status_code == 302  # signed out, must sign in again
