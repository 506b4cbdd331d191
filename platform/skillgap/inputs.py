"""Untrusted text values turned into bounded values, in one place.

Every number from a URL, a query string or a form goes through ``whole_number``:
"²", "-1", a 5,000-digit string or a number beyond what the database stores is
None (the caller answers 404 or ignores it), never an exception or a query that
overflows. ``clean_text`` refuses what no field should hold.
"""

from __future__ import annotations

import unicodedata

# The largest id the databases store: ids are INTEGER columns, 32-bit on PostgreSQL.
MAX_ID = 2**31 - 1


def whole_number(text: str | None, maximum: int = MAX_ID) -> int | None:
    """A plain decimal number from 0 to ``maximum``, else None."""
    if not text or not (text.isascii() and text.isdigit()) or len(text) > 12:
        return None
    number = int(text)
    return number if number <= maximum else None


def has_control_characters(text: str) -> bool:
    """NUL (which PostgreSQL cannot store) and other control characters, tab aside."""
    return any(unicodedata.category(ch) == "Cc" and ch != "\t" for ch in text)
