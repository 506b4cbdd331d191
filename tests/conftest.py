"""Fixtures: a real database (SQLite, or PostgreSQL when TEST_DATABASE_URL is
set), migrated once per run with Alembic, emptied after every test; the app;
a test client; and ``login_as(role)``.
"""

from __future__ import annotations

import os
import re
import tempfile
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import timedelta
from pathlib import Path

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import create_engine, event, text
from sqlalchemy.engine import make_url

from skillgap import create_app, migrate
from skillgap.curriculum.versions import bump
from skillgap.db import database, make_engine
from skillgap.models import Base
from skillgap.roles import Role
from tests import factories

TEST_DATABASE_URL = os.environ.get("TEST_DATABASE_URL", "").strip()
FIXTURE_CONTENT = Path(__file__).parent / "fixtures" / "content"
PROJECT_ROOT = Path(__file__).resolve().parents[1]
TEST_PASSWORD = factories.DEFAULT_PASSWORD


@contextmanager
def empty_database(tmp_dir: Path, backend: str | None = None) -> Iterator[str]:
    """A URL of a brand-new empty database: a SQLite file, or a fresh PostgreSQL
    schema (dropped afterwards, so the shared server is left clean). The backend
    is the suite's (TEST_DATABASE_URL or SQLite) unless named."""
    backend = backend or ("postgresql" if TEST_DATABASE_URL else "sqlite")
    if backend == "postgresql" and not TEST_DATABASE_URL:
        pytest.skip("TEST_DATABASE_URL is not set (CI sets it)")
    if backend == "sqlite":
        yield f"sqlite:///{tmp_dir / f'skillgap-{uuid.uuid4().hex[:8]}.db'}"
        return
    schema = f"test_{uuid.uuid4().hex[:12]}"
    admin_engine = create_engine(TEST_DATABASE_URL, isolation_level="AUTOCOMMIT")
    with admin_engine.connect() as connection:
        connection.execute(text(f'CREATE SCHEMA "{schema}"'))
    url = make_url(TEST_DATABASE_URL).update_query_dict({"options": f"-csearch_path={schema}"})
    try:
        yield url.render_as_string(hide_password=False)
    finally:
        with admin_engine.connect() as connection:
            connection.execute(text(f'DROP SCHEMA "{schema}" CASCADE'))
        admin_engine.dispose()


@pytest.fixture(scope="session")
def database_url(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    with empty_database(tmp_path_factory.mktemp("db")) as url:
        engine = make_engine(url)
        migrate.upgrade(engine)
        engine.dispose()
        yield url


# Credential signing keys for the suite, outside the project's instance folder.
TEST_KEYS_FILE = Path(tempfile.mkdtemp(prefix="skillgap-keys-")) / "credential-keys.json"


def app_config(database_url: str, **overrides: object) -> dict[str, object]:
    return {
        "TESTING": True,
        "DATABASE_URL": database_url,
        "SECRET_KEY": "test-secret-key-not-for-production",
        # Cheap hashing keeps the suite fast; production uses argon2-cffi defaults.
        "ARGON2_TIME_COST": 1,
        "ARGON2_MEMORY_COST": 1024,
        "ARGON2_PARALLELISM": 1,
        "SKILLGAP_DEMO": False,
        # Per-IP sign-in limits would trip over the suite's many sign-ins from
        # 127.0.0.1; test_hardening turns them on where they are the subject.
        "RATELIMIT_ENABLED": False,
        "SKILLGAP_DEMO_PASSWORD": None,
        # Re-takes at once; test_item_bank turns the interval on where it is the subject.
        "RETAKE_INTERVAL": timedelta(0),
        "CHECK_RETAKE_INTERVAL": timedelta(0),
        "CREDENTIAL_KEYS_FILE": str(TEST_KEYS_FILE),
        "CREDENTIAL_KEYS": "",
        **overrides,
    }


@pytest.fixture
def app(database_url: str) -> Iterator[Flask]:
    app = create_app(app_config(database_url))
    yield app
    from skillgap.db import database

    engine = database(app).engine
    with engine.begin() as connection:
        for table in reversed(Base.metadata.sorted_tables):
            if table.name != "content_version":  # a one-row table the migration creates
                connection.execute(table.delete())
        if engine.dialect.name == "sqlite":
            connection.execute(text("DELETE FROM module_search"))
        bump(connection)  # data changed behind the sessions' backs
    engine.dispose()


@pytest.fixture
def db(app: Flask):
    """A session for arranging and checking data directly. Commit after
    arranging; call ``reread(db)`` before checking what the app wrote."""
    from skillgap.db import database

    with database(app).read_sessions() as session:
        yield session


def reread(session) -> None:
    """End the session's transaction and forget loaded rows: the next read sees
    what the app committed (SQLite keeps a snapshot per transaction)."""
    session.rollback()
    session.expire_all()


@pytest.fixture
def content(db):
    """The small test curriculum in tests/fixtures/content, imported."""
    from skillgap.curriculum.importer import import_content

    report = import_content(db, FIXTURE_CONTENT)
    db.commit()
    return report


@pytest.fixture
def bundled_content(db):
    """The shipped curriculum (courses/, quizzes/), imported."""
    from skillgap.curriculum.importer import import_content

    report = import_content(db, PROJECT_ROOT)
    db.commit()
    return report


@pytest.fixture
def client(app: Flask) -> FlaskClient:
    return app.test_client()


CSRF_INPUT = re.compile(
    r'name="csrf_token" type="hidden" value="([^"]+)"|'
    r'name="csrf_token" value="([^"]+)"'
)


def csrf_token(client: FlaskClient, path: str = "/login") -> str:
    """The CSRF token of the client's session, read from a page like a browser would."""
    html = client.get(path, follow_redirects=True).get_data(as_text=True)
    match = CSRF_INPUT.search(html)
    assert match, f"no CSRF token on {path}"
    return match.group(1) or match.group(2)


def login(client: FlaskClient, email: str, password: str = TEST_PASSWORD, **extra: object):
    data = {"email": email, "password": password, "csrf_token": csrf_token(client), **extra}
    return client.post("/login", data=data)


def post_form(client: FlaskClient, path: str, data: dict | None = None, page: str = "/"):
    """POST ``data`` with the CSRF token a browser would have got from ``page``."""
    return client.post(path, data={**(data or {}), "csrf_token": csrf_token(client, page)})


@pytest.fixture
def admin(app: Flask, db, content):
    """A signed-in admin's client, over the test curriculum (a test file may
    define its own ``admin`` with more people)."""
    factories.make_user(db, Role.ADMIN, email="admin@example.org")
    db.commit()
    client = app.test_client()
    login(client, "admin@example.org")
    return client


@pytest.fixture
def login_as(app: Flask, db, client: FlaskClient):
    """login_as(Role.MANAGER) -> the signed-in User (created fresh)."""

    def sign_in(role, **fields):  # type: ignore[no-untyped-def]
        user = factories.make_user(db, role=role, **fields)
        db.commit()
        response = login(client, user.email)
        assert response.status_code == 302, response.get_data(as_text=True)
        return user

    return sign_in


def statements_of(app: Flask, client, url: str) -> list[str]:
    """The SQL statements a GET of ``url`` runs (not BEGIN/COMMIT/ROLLBACK; PRAGMAs count)."""
    seen: list[str] = []
    engine = database(app).engine

    def note(_conn, _cursor, statement, *_args):  # type: ignore[no-untyped-def]
        seen.append(statement)

    event.listen(engine, "before_cursor_execute", note)
    try:
        assert client.get(url).status_code == 200
    finally:
        event.remove(engine, "before_cursor_execute", note)
    return [s for s in seen if not s.startswith(("BEGIN", "COMMIT", "ROLLBACK"))]


def redis_url() -> str:
    """The test Redis (TEST_REDIS_URL, default the local one); the test is skipped
    when it does not answer, and fails instead under REQUIRE_REDIS=1 (CI)."""
    redis = pytest.importorskip("redis")
    uri = os.environ.get("TEST_REDIS_URL", "redis://127.0.0.1:6379/0")
    try:
        redis.Redis.from_url(uri, socket_connect_timeout=1).ping()
    except redis.RedisError as error:
        if os.environ.get("REQUIRE_REDIS") == "1":
            pytest.fail(f"REQUIRE_REDIS=1 but Redis at {uri} is unreachable: {error}")
        pytest.skip(f"Redis at {uri} is unreachable; CI runs this")
    return uri
