"""Untrusted text values turned into bounded values, in one place.

Every number from a URL, a query string or a form goes through ``whole_number``:
"²", "-1", a 5,000-digit string or a number beyond what the database stores is
None (the caller answers 404 or ignores it), never an exception or a query that
overflows. ``name_problem`` refuses what no name should hold.
"""

from __future__ import annotations

import unicodedata

from skillgap.catalogue import N_

# The largest id the databases store: ids are INTEGER columns, 32-bit on PostgreSQL.
MAX_ID = 2**31 - 1


def whole_number(text: str | None, maximum: int = MAX_ID) -> int | None:
    """A plain decimal number from 0 to ``maximum``, else None."""
    if not text or not (text.isascii() and text.isdigit()) or len(text) > 12:
        return None
    number = int(text)
    return number if number <= maximum else None


# Bidirectional overrides and isolates: they reorder how the text around them is
# shown (a name can make a list read differently from what it holds).
BIDI_CONTROLS = frozenset("\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069")


def name_problem_message(text: str) -> str | None:
    """Why a person's or a team's name cannot be taken, if it cannot: the English,
    which is the catalogue's msgid (rules/user_csv.py, which may not use Flask)."""
    if has_control_characters(text):
        return N_("Remove the control characters from this field.")
    if any(ch in BIDI_CONTROLS for ch in text):
        return N_("Remove the text-direction characters from this field.")
    if text and not any(ch.isalnum() for ch in text):
        return N_("Use at least one letter or digit.")
    return None


def name_problem(text: str) -> str | None:
    """``name_problem_message`` in the reader's language (a form error)."""
    # Imported here, not at the top: the pure rules import this module, and stay
    # importable without Flask.
    from flask_babel import gettext

    message = name_problem_message(text)
    return gettext(message) if message else None


def has_control_characters(text: str) -> bool:
    """NUL (which PostgreSQL cannot store) and other control characters, tab aside."""
    return any(unicodedata.category(ch) == "Cc" and ch != "\t" for ch in text)
