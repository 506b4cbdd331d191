"""The language and time zone a person chooses on /account (POST /account/language),
against the browser's Accept-Language and the site's defaults (skillgap/i18n.py).

These tests look at ``<html lang>``, at the words of the Dutch catalogue and at
how a moment is written.
"""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from skillgap.models import ModuleCompletion, User
from tests import factories
from tests.conftest import csrf_token, login, post_form, reread

EMAIL = "taal@example.org"


def person(db, **fields) -> User:
    user = factories.make_user(db, email=EMAIL)
    for name, value in fields.items():
        setattr(user, name, value)
    db.commit()
    return user


def choose(client, locale: str = "", timezone: str = ""):
    return post_form(
        client, "/account/language", {"locale": locale, "timezone": timezone}, page="/account"
    )


def lang_of(page: str) -> str:
    start = page.index('<html lang="') + len('<html lang="')
    return page[start : page.index('"', start)]


def saved(db) -> tuple[str | None, str | None]:
    reread(db)
    user = db.query(User).filter_by(email=EMAIL).one()
    return user.locale, user.timezone


def test_choosing_dutch_makes_the_next_page_dutch(client, db, content):
    person(db)
    login(client, EMAIL)
    page = client.get("/account").get_data(as_text=True)
    assert lang_of(page) == "en"
    assert "Language and time zone" in page
    assert "Your browser&#39;s language" in page and "Nederlands" in page
    assert "The site&#39;s time zone (UTC)" in page and "Europe/Amsterdam" in page

    response = choose(client, "nl", "Europe/Amsterdam")
    assert response.status_code == 302
    assert response.headers["Location"].startswith("/account")
    assert saved(db) == ("nl", "Europe/Amsterdam")
    page = client.get("/account").get_data(as_text=True)
    assert lang_of(page) == "nl"
    # The message is shown in the language just chosen.
    assert "Je taal en tijdzone zijn opgeslagen." in page
    assert "Your language and time zone are saved." not in page
    assert '<option selected value="nl">' in page

    assert choose(client, "", "").status_code == 302  # back to the browser's and the site's
    assert saved(db) == (None, None)


def test_an_unknown_zone_or_language_is_refused_and_nothing_is_saved(client, db, content):
    person(db)
    login(client, EMAIL)
    response = choose(client, "nl", "Mars/Olympus_Mons")
    assert response.status_code == 422
    assert "Choose a time zone from the list." in response.get_data(as_text=True)
    assert saved(db) == (None, None)

    response = choose(client, "xx", "Europe/Amsterdam")
    assert response.status_code == 422
    assert "Choose a language from the list." in response.get_data(as_text=True)
    assert saved(db) == (None, None)


def test_the_browsers_language_is_used_when_there_is_no_setting(client, db, content):
    person(db)
    login(client, EMAIL)
    assert lang_of(client.get("/", headers={"Accept-Language": "nl"}).get_data(True)) == "nl"
    dutch_first = {"Accept-Language": "nl-BE, nl;q=0.9, en;q=0.5"}
    assert lang_of(client.get("/", headers=dutch_first).get_data(True)) == "nl"
    german = {"Accept-Language": "de-DE, de;q=0.9"}  # not offered: the site's default
    assert lang_of(client.get("/", headers=german).get_data(True)) == "en"
    # Before signing in too: the sign-in page follows the browser.
    anonymous = client.application.test_client()
    assert lang_of(anonymous.get("/login", headers={"Accept-Language": "nl"}).get_data(True)) == (
        "nl"
    )


def test_the_setting_beats_the_browser(client, db, content):
    person(db, locale="en")
    login(client, EMAIL)
    assert lang_of(client.get("/", headers={"Accept-Language": "nl"}).get_data(True)) == "en"
    assert choose(client, "nl").status_code == 302
    english = {"Accept-Language": "en-GB, en;q=0.9"}
    assert lang_of(client.get("/", headers=english).get_data(True)) == "nl"


def test_the_time_zone_changes_how_a_moment_is_shown(client, db, content):
    user = person(db)
    read_at = datetime(2026, 12, 2, 15, 34, tzinfo=UTC)  # winter: Amsterdam is UTC+1
    db.add(ModuleCompletion(user_id=user.id, module_id="first-steps", completed_at=read_at))
    db.commit()
    login(client, EMAIL)
    page = client.get("/modules/first-steps").get_data(as_text=True)
    assert "read on 2 Dec 2026, 15:34." in page

    assert choose(client, "", "Europe/Amsterdam").status_code == 302
    page = client.get("/modules/first-steps").get_data(as_text=True)
    assert "read on 2 Dec 2026, 16:34." in page

    assert choose(client, "", "America/New_York").status_code == 302
    page = client.get("/modules/first-steps").get_data(as_text=True)
    assert "read on 2 Dec 2026, 10:34." in page


def test_signing_in_is_needed_to_choose(client, db, content):
    person(db)
    token = csrf_token(client, "/login")
    response = client.post("/account/language", data={"locale": "nl", "csrf_token": token})
    assert response.status_code == 302
    assert response.headers["Location"].startswith("/login")
    assert saved(db) == (None, None)


def test_a_choice_without_the_csrf_token_is_refused(client, db, content):
    person(db)
    login(client, EMAIL)
    response = client.post("/account/language", data={"locale": "nl", "timezone": "UTC"})
    assert response.status_code == 400
    assert saved(db) == (None, None)


def test_the_site_default_is_used_when_the_browser_asks_for_no_language_we_speak(
    database_url, monkeypatch, tmp_path
):
    from skillgap import create_app
    from skillgap.config import ConfigError, from_environment
    from tests.conftest import app_config

    monkeypatch.setenv("SKILLGAP_DEFAULT_LOCALE", "nl")
    monkeypatch.setenv("SKILLGAP_DEFAULT_TIMEZONE", "Europe/Amsterdam")
    settings = from_environment(tmp_path)
    assert (settings["DEFAULT_LOCALE"], settings["DEFAULT_TIMEZONE"]) == ("nl", "Europe/Amsterdam")
    app = create_app(app_config(database_url, **settings_of(settings)))
    page = app.test_client().get("/login", headers={"Accept-Language": "de-DE"})
    assert lang_of(page.get_data(as_text=True)) == "nl"
    assert "Inloggen" in page.get_data(as_text=True)  # the Dutch catalogue's words
    for name, value, problem in (
        ("SKILLGAP_DEFAULT_LOCALE", "de", "must be one of en, nl"),
        ("SKILLGAP_DEFAULT_TIMEZONE", "Mars/Olympus", "must be an IANA time zone"),
    ):
        monkeypatch.setenv(name, value)
        with pytest.raises(ConfigError, match=problem):
            from_environment(tmp_path)
        monkeypatch.delenv(name)


def settings_of(settings: dict) -> dict:
    return {key: settings[key] for key in ("DEFAULT_LOCALE", "DEFAULT_TIMEZONE")}
