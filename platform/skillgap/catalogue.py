"""``N_``: marks a message for the catalogue without translating it.

For code that produces a message before anyone reads it, or that may not import
Flask-Babel (the pure rules, module-level constants): the message is extracted
(pybabel extracts ``N_`` by default, docs/i18n.md) and the code that shows it
translates it with ``gettext(message) % values``."""

from __future__ import annotations


def N_(message: str) -> str:
    return message
