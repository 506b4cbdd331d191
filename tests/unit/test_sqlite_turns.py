"""SQLite writers take turns on a lock file (sqlite_turns.py, db.py).

The turn must be held for exactly a write transaction's life: taken at
BEGIN IMMEDIATE, given back at commit, at rollback, when BEGIN fails, and when
the pool takes back a connection whose transaction was never ended.
"""

from __future__ import annotations

import fcntl
import multiprocessing
import os
import threading
import time

import pytest
from sqlalchemy import text

from skillgap.db import make_database
from skillgap.sqlite_turns import WriterTurns


def turn_is_free(path: str) -> bool:
    """Whether another open file could take the writers' lock now."""
    fd = os.open(path, os.O_RDWR | os.O_CREAT, 0o600)
    try:
        fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except BlockingIOError:
        return False
    finally:
        os.close(fd)  # closing gives back a lock it took
    return True


@pytest.fixture
def turns_db(tmp_path):  # type: ignore[no-untyped-def]
    db = make_database(f"sqlite:///{tmp_path}/turns.db")
    with db.write_sessions() as session:
        session.execute(text("CREATE TABLE t (n INTEGER)"))
        session.commit()
    yield db
    db.engine.dispose()


def lock_path(turns_db) -> str:  # type: ignore[no-untyped-def]
    return f"{turns_db.engine.url.database}-writer"


def test_a_write_transaction_holds_the_turn_until_commit(turns_db):
    path = lock_path(turns_db)
    with turns_db.write_sessions() as session:
        session.execute(text("INSERT INTO t VALUES (1)"))
        assert not turn_is_free(path)
        session.commit()
        assert turn_is_free(path)


def test_reads_never_take_the_turn(turns_db):
    with turns_db.read_sessions() as session:
        assert session.execute(text("SELECT count(*) FROM t")).scalar() == 0
        assert turn_is_free(lock_path(turns_db))


@pytest.mark.parametrize("ending", ["rollback", "exception", "close without ending"])
def test_the_turn_comes_back_however_the_transaction_ends(turns_db, ending):
    path = lock_path(turns_db)
    session = turns_db.write_sessions()
    session.execute(text("INSERT INTO t VALUES (1)"))
    assert not turn_is_free(path)
    if ending == "rollback":
        session.rollback()
    elif ending == "exception":
        with pytest.raises(Exception, match="no such table"):
            session.execute(text("INSERT INTO missing VALUES (1)"))
        session.rollback()
    session.close()  # the pool's reset rolls back what was left open
    assert turn_is_free(path)
    with turns_db.read_sessions() as check:
        assert check.execute(text("SELECT count(*) FROM t")).scalar() == 0


def _write_after(url: str, started: multiprocessing.Event, done: multiprocessing.Queue) -> None:
    db = make_database(url)
    started.set()
    with db.write_sessions() as session:
        session.execute(text("INSERT INTO t VALUES (2)"))
        done.put(time.monotonic())
        session.commit()


def test_a_writer_in_another_process_waits_for_the_turn_then_goes_on(turns_db):
    context = multiprocessing.get_context("spawn")
    started, done = context.Event(), context.Queue()
    with turns_db.write_sessions() as session:
        session.execute(text("INSERT INTO t VALUES (1)"))
        other = context.Process(target=_write_after, args=(str(turns_db.engine.url), started, done))
        other.start()
        assert started.wait(30)
        time.sleep(0.3)
        assert done.empty()  # still waiting for the turn
        session.commit()
        committed = time.monotonic()
    began = done.get(timeout=30)
    other.join(30)
    assert other.exitcode == 0
    assert began >= committed
    with turns_db.read_sessions() as check:
        assert check.execute(text("SELECT n FROM t ORDER BY n")).scalars().all() == [1, 2]


def test_a_turn_not_had_within_the_timeout_is_given_up(tmp_path):
    turns = WriterTurns(str(tmp_path / "x.db"), timeout_seconds=0.05)
    assert turns.take()
    outcome: list[bool] = []
    waiter = threading.Thread(target=lambda: outcome.append(turns.take()))
    started = time.monotonic()
    waiter.start()
    waiter.join(5)
    assert outcome == [False]  # it goes on without the turn, to SQLite's own waiting
    assert time.monotonic() - started < 2
    assert not turn_is_free(turns.path)  # the holder still holds it
    turns.give()
    assert turn_is_free(turns.path)
