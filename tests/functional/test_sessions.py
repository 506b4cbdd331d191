"""The session cookie: refreshed every few minutes, not on every response."""

from __future__ import annotations

from datetime import timedelta

from skillgap import sessions
from tests import factories
from tests.conftest import login


def session_cookies(response) -> list[str]:
    return [h for h in response.headers.get_all("Set-Cookie") if h.startswith("session=")]


def test_a_fresh_session_cookie_is_not_sent_again_on_every_page(client, db):
    factories.make_user(db, email="ann@example.org")
    db.commit()
    assert session_cookies(login(client, "ann@example.org"))  # signing in sets it
    client.get("/")  # shows (and so removes) the sign-in message: the session changed
    for _ in range(3):
        response = client.get("/")
        assert response.status_code == 200
        assert session_cookies(response) == []


def test_an_older_session_cookie_is_refreshed_and_still_signs_in(client, db, monkeypatch):
    factories.make_user(db, email="ann@example.org")
    db.commit()
    login(client, "ann@example.org")
    monkeypatch.setattr(sessions, "REFRESH_INTERVAL", timedelta(0))  # every cookie is "old"
    refreshed = session_cookies(client.get("/"))
    assert len(refreshed) == 1 and "Expires=" in refreshed[0]
    monkeypatch.setattr(sessions, "REFRESH_INTERVAL", timedelta(minutes=5))
    assert client.get("/").status_code == 200  # the refreshed cookie is valid


def test_a_tampered_session_cookie_is_an_anonymous_visit(client, db):
    factories.make_user(db, email="ann@example.org")
    db.commit()
    login(client, "ann@example.org")
    cookie = client.get_cookie("session")
    client.set_cookie("session", cookie.value[:-2] + "xx")
    assert client.get("/").status_code == 302  # to the sign-in page
