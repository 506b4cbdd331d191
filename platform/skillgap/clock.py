"""The time, in one replaceable place: tests move it to check time limits."""

from __future__ import annotations

from datetime import datetime

from skillgap.models.base import utcnow


def now() -> datetime:
    return utcnow()
