"""SQLite writers take turns on a lock file, so a waiting writer starts at once.

SQLite lets one writer in at a time; the others wait in its busy handler,
which sleeps 1, 2, 5, 10 ... up to 100 ms between tries. Under load (four
workers answering autosaves) a writer that has waited a while sleeps 50-100 ms
while newer ones take the lock, which made the autosave's p99 three times its
median (issue 25: 685 ms against 190 ms). Here a write transaction first takes
a turn: an in-process lock for threads, then ``flock`` on ``<database>-writer``
for processes, tried every quarter of a millisecond, so the next writer begins
within that of the last commit.

The turn is only an aid to fairness, never needed for correctness: a writer
that has not got it within the busy timeout goes on without it and waits in
SQLite's own handler, as before (so a nested write on one thread still fails
with "database is locked" rather than waiting forever). It is given back after
the DBAPI commit or rollback, including the pool's rollback of a connection
returned mid-transaction, so an exception cannot leave it held.
"""

from __future__ import annotations

import fcntl
import os
import sqlite3
import threading
import time

POLL_SECONDS = 0.00025


class WriterTurns:
    """The turns for one database file, shared by every connection of a process."""

    def __init__(self, database_path: str, timeout_seconds: float) -> None:
        self.path = f"{database_path}-writer"
        self.timeout = timeout_seconds
        self._threads = threading.Lock()
        self._fd: int | None = None
        self._pid = 0

    def _file(self) -> int:
        # Opened once per process: a descriptor inherited through fork would
        # share its lock with the parent (flock belongs to the open file).
        if self._fd is None or self._pid != os.getpid():
            self._fd = os.open(self.path, os.O_RDWR | os.O_CREAT, 0o600)
            self._pid = os.getpid()
        return self._fd

    def take(self) -> bool:
        """True once this thread holds the turn; False after the timeout."""
        deadline = time.monotonic() + self.timeout
        if not self._threads.acquire(timeout=self.timeout):
            return False
        try:
            fd = self._file()
            while True:
                try:
                    fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
                    return True
                except BlockingIOError:
                    if time.monotonic() >= deadline:
                        break
                    time.sleep(POLL_SECONDS)
        except OSError:
            pass  # no lock file (a read-only folder): SQLite's own waiting
        self._threads.release()
        return False

    def give(self) -> None:
        fcntl.flock(self._file(), fcntl.LOCK_UN)
        self._threads.release()


def connection_class(turns: WriterTurns) -> type[sqlite3.Connection]:
    """A sqlite3 connection that gives its turn back once its transaction ends."""

    class TurnTakingConnection(sqlite3.Connection):
        holds_turn = False

        def take_turn(self) -> None:
            if not self.holds_turn:
                self.holds_turn = turns.take()

        def give_turn(self) -> None:
            if self.holds_turn:
                self.holds_turn = False
                turns.give()

        def commit(self) -> None:
            try:
                super().commit()
            finally:
                self.give_turn()

        def rollback(self) -> None:
            try:
                super().rollback()
            finally:
                self.give_turn()

        def close(self) -> None:
            try:
                super().close()
            finally:
                self.give_turn()

    return TurnTakingConnection
