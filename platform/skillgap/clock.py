"""The time, in one place: every timestamp the application writes comes from
``now()`` (aware UTC), so tests that move it move everything, column defaults
included."""

from __future__ import annotations

from datetime import UTC, datetime


def now() -> datetime:
    return datetime.now(UTC)
