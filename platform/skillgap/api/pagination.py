"""Query parameters of the API: cursors, ``limit`` and ``since``, checked strictly.

A cursor is opaque to clients: base64url of a small JSON list naming the
listing it belongs to and the keyset position after the last row served
(a person's id; a result's recorded time and id). It is not signed: it only
says where to continue, and any position a client could forge is one they
could reach by paging. Anything malformed is a 400 with a message, never a
500 and never a silently restarted listing.
"""

from __future__ import annotations

import base64
import binascii
import json
from datetime import UTC, date, datetime
from typing import Any

from flask import request

from skillgap.api.errors import ApiError
from skillgap.inputs import MAX_ID

DEFAULT_LIMIT = 100
MAX_LIMIT = 500


def limit_arg() -> int:
    raw = request.args.get("limit")
    if raw is None:
        return DEFAULT_LIMIT
    if not (raw.isascii() and raw.isdigit()) or not 1 <= int(raw) <= MAX_LIMIT:
        raise ApiError(400, f"limit must be a whole number from 1 to {MAX_LIMIT}.")
    return int(raw)


def encode_cursor(listing: str, *position: Any) -> str:
    raw = json.dumps([listing, *position], separators=(",", ":")).encode()
    return base64.urlsafe_b64encode(raw).decode().rstrip("=")


def _decode(listing: str) -> list[Any] | None:
    raw = request.args.get("cursor")
    if raw is None:
        return None
    try:
        padded = raw + "=" * (-len(raw) % 4)
        decoded = json.loads(base64.urlsafe_b64decode(padded.encode("ascii")))
    except (ValueError, UnicodeError, binascii.Error):
        decoded = None
    if not isinstance(decoded, list) or not decoded or decoded[0] != listing:
        raise ApiError(400, "cursor is not one this listing gave out.")
    return decoded[1:]


def _valid_id(value: Any) -> bool:
    return type(value) is int and 0 <= value <= MAX_ID


def id_cursor(listing: str) -> int:
    """The id after which the page starts (0: from the beginning)."""
    position = _decode(listing)
    if position is None:
        return 0
    if len(position) != 1 or not _valid_id(position[0]):
        raise ApiError(400, "cursor is not one this listing gave out.")
    return position[0]


def time_id_cursor(listing: str) -> tuple[datetime, int] | None:
    """The (recorded time, id) after which the page starts, or None."""
    position = _decode(listing)
    if position is None:
        return None
    at = _aware(position[0]) if len(position) == 2 and isinstance(position[0], str) else None
    if at is None or not _valid_id(position[1]):
        raise ApiError(400, "cursor is not one this listing gave out.")
    return at, position[1]


def _aware(text: str) -> datetime | None:
    try:
        moment = datetime.fromisoformat(text)
    except ValueError:
        return None
    return moment if moment.tzinfo is not None else None


def since_arg() -> datetime | None:
    """``since`` as an aware datetime: an ISO 8601 date (midnight UTC) or date and
    time (with Z or an offset; without one it is taken as UTC)."""
    raw = request.args.get("since")
    if raw is None:
        return None
    text = raw.strip()
    try:
        if len(text) == 10:
            day = date.fromisoformat(text)
            return datetime(day.year, day.month, day.day, tzinfo=UTC)
        moment = datetime.fromisoformat(text)
    except ValueError:
        raise ApiError(
            400, "since must be an ISO 8601 date or date and time, e.g. 2026-01-01T00:00:00Z."
        ) from None
    return moment if moment.tzinfo is not None else moment.replace(tzinfo=UTC)
