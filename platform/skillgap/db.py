"""Engine, sessions and the per-request session.

SQLite needs care to be safe under concurrency (see shared recipes): the
driver's own transaction handling is switched off so that SQLAlchemy emits
``BEGIN`` itself, and write transactions use ``BEGIN IMMEDIATE`` so that two
writers queue on the busy timeout instead of failing half-way with
"database is locked". Requests that may write (POST and friends) and CLI
commands get a write session; GET requests read with a plain deferred BEGIN,
which in WAL mode never blocks or is blocked by a writer.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass

from flask import Flask, current_app, g, has_request_context, request
from sqlalchemy import Engine, create_engine, event
from sqlalchemy.engine import make_url
from sqlalchemy.orm import Session, sessionmaker

from skillgap.sqlite_turns import WriterTurns, connection_class

SQLITE_BUSY_TIMEOUT_MS = 5000
# In a sessionmaker's info, shared by every session of one database in this
# process: a dict where higher layers keep derived data (the curriculum
# snapshot, kept people aggregates) without this module knowing what they are.
PROCESS_STORE = "skillgap.process_store"
WRITE_METHODS = frozenset({"POST", "PUT", "PATCH", "DELETE"})


@dataclass(frozen=True)
class Database:
    engine: Engine
    read_sessions: sessionmaker[Session]
    write_sessions: sessionmaker[Session]


def is_sqlite(url: str) -> bool:
    return make_url(url).get_backend_name() == "sqlite"


def make_engine(url: str) -> Engine:
    if not is_sqlite(url):
        return create_engine(url, pool_pre_ping=True)

    connect_args: dict = {"check_same_thread": False}
    path = make_url(url).database
    if path and path != ":memory:" and not path.startswith("file:"):
        turns = WriterTurns(os.path.abspath(path), SQLITE_BUSY_TIMEOUT_MS / 1000)
        connect_args["factory"] = connection_class(turns)
    engine = create_engine(url, connect_args=connect_args)

    @event.listens_for(engine, "connect")
    def _configure_sqlite(dbapi_connection, _record):
        # Let SQLAlchemy, not the sqlite3 module, decide when transactions begin.
        dbapi_connection.isolation_level = None
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute(f"PRAGMA busy_timeout={SQLITE_BUSY_TIMEOUT_MS}")
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.execute("PRAGMA synchronous=NORMAL")
        cursor.close()

    @event.listens_for(engine, "begin")
    def _begin(connection):
        mode = connection.get_execution_options().get("sqlite_begin", "DEFERRED")
        dbapi_connection = connection.connection.dbapi_connection
        writer = mode == "IMMEDIATE" and hasattr(dbapi_connection, "take_turn")
        if writer:  # a turn first, then SQLite's lock (sqlite_turns.py)
            dbapi_connection.take_turn()
        try:
            connection.exec_driver_sql(f"BEGIN {mode}")
        except BaseException:
            if writer:
                dbapi_connection.give_turn()
            raise

    return engine


def make_database(url: str) -> Database:
    engine = make_engine(url)
    writer = engine.execution_options(sqlite_begin="IMMEDIATE") if is_sqlite(url) else engine
    info: dict[str, dict] = {PROCESS_STORE: {}}
    return Database(
        engine=engine,
        read_sessions=sessionmaker(engine, expire_on_commit=False, info=info),
        write_sessions=sessionmaker(writer, expire_on_commit=False, info=info),
    )


def process_store(session: Session) -> dict | None:
    """The per-process, per-database store (None for a session made elsewhere)."""
    return session.info.get(PROCESS_STORE)


def init_app(app: Flask, database: Database) -> None:
    app.extensions["skillgap.db"] = database
    app.teardown_appcontext(close_session)


def database(app: Flask | None = None) -> Database:
    return (app or current_app).extensions["skillgap.db"]


def get_session() -> Session:
    """The session for this request (or CLI command), opened on first use."""
    if "db_session" not in g:
        db = database()
        wants_write = not has_request_context() or request.method in WRITE_METHODS
        g.db_session = (db.write_sessions if wants_write else db.read_sessions)()
    return g.db_session


def close_session(_exc: BaseException | None = None) -> None:
    session = g.pop("db_session", None)
    if session is not None:
        session.close()


@contextmanager
def for_large_aggregate(session: Session) -> Iterator[None]:
    """Planner settings for one statement that aggregates every person and skill.

    SQLite: the schema's indexes, never a temporary one. Without statistics
    (nothing here runs ANALYZE) its planner would build a temporary index over
    every skill result on each run rather than use ix_skill_results_current:
    twice the time for the organisation view.
    PostgreSQL: more memory for sorts and hashes in this transaction (SET LOCAL),
    so that they stay in memory instead of spilling to disk: 35% less time for
    the organisation view over 10,000 people (bench/matrix.py)."""
    connection = session.connection()
    dialect = connection.dialect.name
    if dialect == "postgresql":
        connection.exec_driver_sql("SET LOCAL work_mem = '32MB'")
    if dialect != "sqlite":
        yield
        return
    connection.exec_driver_sql("PRAGMA automatic_index = OFF")
    try:
        yield
    finally:
        connection.exec_driver_sql("PRAGMA automatic_index = ON")
