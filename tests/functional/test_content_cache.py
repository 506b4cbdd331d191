"""The in-memory curriculum (curriculum/snapshot.py): read once per process,
reloaded in every process as soon as content changes, whoever changes it."""

from __future__ import annotations

from sqlalchemy import select, update

from skillgap import create_app
from skillgap.curriculum.snapshot import STORE_KEY
from skillgap.db import PROCESS_STORE, database
from skillgap.models import ContentVersion, Module, Team, User
from skillgap.roles import Role
from tests import factories
from tests.conftest import app_config, login, reread, statements_of


def version(db) -> int:
    reread(db)
    return db.scalar(select(ContentVersion.version))


def test_module_page_reads_the_curriculum_once_then_costs_two_statements(app, db, content):
    factories.make_user(db, email="l@example.org")
    db.commit()
    client = app.test_client()
    login(client, "l@example.org")
    store = database(app).read_sessions.kw["info"][PROCESS_STORE]
    first = statements_of(app, client, "/modules/first-steps")
    again = statements_of(app, client, "/modules/second-steps")
    for url in ("/", "/path", "/courses", "/courses/alpha"):
        client.get(url)
    assert len(first) > len(again) == 2  # the person (and the version), their progress
    assert store[STORE_KEY].loads == 1
    # Dashboard and path: the person, then everything of theirs in one (person_record).
    assert len(statements_of(app, client, "/")) == len(statements_of(app, client, "/path")) == 2


def test_every_kind_of_content_write_changes_the_version_and_nothing_else_does(db, content):
    start = version(db)
    db.get(Module, "first-steps").title = "Renamed"  # an ORM flush
    db.commit()
    after_flush = version(db)
    db.execute(update(Module).values(minutes=25))  # a bulk statement
    db.commit()
    after_bulk = version(db)
    db.execute(update(Module).values(minutes=99))
    db.rollback()
    after_rollback = version(db)
    factories.make_user(db, email="x@example.org")  # not content
    db.commit()
    assert len({start, after_flush, after_bulk}) == 3
    assert after_rollback == after_bulk == version(db)


def test_a_change_made_by_another_process_shows_on_the_next_request(app, db, content):
    factories.make_user(db, email="l@example.org")
    db.commit()
    client = app.test_client()
    login(client, "l@example.org")
    assert "First steps" in client.get("/modules/first-steps").get_data(as_text=True)
    other = create_app(app_config(app.config["DATABASE_URL"]))  # its own engine and cache
    with database(other).write_sessions() as session:
        session.get(Module, "first-steps").title = "Steps taken by another process"
        session.commit()
    page = client.get("/modules/first-steps").get_data(as_text=True)
    assert "Steps taken by another process" in page
    database(other).engine.dispose()


def test_a_stale_session_cookie_is_still_refused_with_the_cached_curriculum(app, db, content):
    user = factories.make_user(db, Role.LEARNER, email="l@example.org")
    db.commit()
    client = app.test_client()
    login(client, "l@example.org")
    assert client.get("/modules/first-steps").status_code == 200
    db.execute(update(User).where(User.id == user.id).values(active=False))
    db.commit()
    assert client.get("/modules/first-steps").status_code == 302  # back to sign-in


def test_the_dashboard_names_the_team_from_memory_until_teams_change(app, db, content):
    team = factories.make_team(db, "Paid Social")
    factories.make_user(db, email="ann@example.org", team=team)
    db.commit()
    client = app.test_client()
    login(client, "ann@example.org")
    assert "Paid Social" in client.get("/").get_data(as_text=True)
    assert not any("FROM teams" in s for s in statements_of(app, client, "/"))

    reread(db)
    db.get(Team, team.id).name = "Organic Social"
    db.commit()
    page = client.get("/").get_data(as_text=True)
    assert "Organic Social" in page and "Paid Social" not in page
