"""Aggregates of people's data kept in the process until the data changes.

The organisation view, each team's trend and the team-name map are read far
more often than results, targets or teams change. Each is kept under a name
with the versions it was computed from (curriculum/versions.py: the content
and people versions); a change to either makes every kept value stale, so a
page never shows an aggregate older than the data it aggregates.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, TypeVar

from sqlalchemy.orm import Session

from skillgap.curriculum import versions
from skillgap.db import process_store

STORE_KEY = "people"  # in the database's process store: name -> (versions, value)
T = TypeVar("T")


def _store(session: Session) -> dict[str, tuple[versions.Versions, Any]] | None:
    store = process_store(session)
    return None if store is None else store.setdefault(STORE_KEY, {})


def kept(session: Session, name: str) -> Any:
    """What ``keep`` stored under ``name``, or None if the content or people
    version changed since, or nothing was kept."""
    current = versions.read(session)
    store = _store(session)
    if store is None or None in current:
        return None
    hit = store.get(name)
    return hit[1] if hit is not None and hit[0] == current else None


def keep(session: Session, name: str, value: T) -> T:
    """Keep ``value`` in this process until the content or people version changes.
    It may depend only on what those versions track (the curriculum; results,
    targets, teams and their members)."""
    current = versions.read(session)
    store = _store(session)
    if store is not None and None not in current:
        store[name] = (current, value)
    return value


def forget(session: Session, name: str) -> None:
    """Drop one kept value (benchmarks use it to time the work afresh)."""
    store = _store(session)
    if store is not None:
        store.pop(name, None)


def derived(session: Session, name: str, compute: Callable[[Session], T]) -> T:
    """``compute(session)``, kept (see ``keep``)."""
    hit = kept(session, name)
    return hit if hit is not None else keep(session, name, compute(session))
