"""Messages from the pure rules for people to read. The rules cannot import
Flask-Babel, so they mark a message for the catalogue with ``N_`` and hand it
over with its values; the caller translates it (``gettext(message) % values``)."""

from __future__ import annotations

from skillgap.catalogue import N_  # noqa: F401 (re-exported for the rules)


class Problem(ValueError):
    """Why an input is refused: a catalogue message and its values (``str()`` is
    the English, for logs and the CLI)."""

    def __init__(self, message: str, **values: object) -> None:
        super().__init__(message % values)
        self.message, self.values = message, values
