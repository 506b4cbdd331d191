"""Content errors, always reported as ``file:line: reason``."""

from __future__ import annotations

from dataclasses import dataclass, field

from skillgap.i18n import active_locale
from skillgap.i18n import number as localized_number


@dataclass(frozen=True, order=True)
class ContentError:
    path: str
    line: int
    reason: str

    def __str__(self) -> str:
        return f"{self.path}:{self.line}: {self.reason}"


@dataclass
class ErrorList:
    """Collects every error of an import, so all are reported at once."""

    errors: list[ContentError] = field(default_factory=list)

    def add(self, path: str, line: int, reason: str) -> None:
        self.errors.append(ContentError(path, max(line, 1), reason))

    def __bool__(self) -> bool:
        return bool(self.errors)

    def __len__(self) -> int:
        return len(self.errors)

    def sorted(self) -> list[ContentError]:
        return sorted(set(self.errors))


def grouped(value: int) -> str:
    """A count in a reason, with the reader's separators ("200,000" / "200.000");
    as English writes it outside the app (unit tests, scripts)."""
    return localized_number(value) if active_locale() else f"{value:,}"


class ContentInvalidError(Exception):
    """Raised with every error found; nothing has been changed."""

    def __init__(self, errors: list[ContentError]) -> None:
        super().__init__("\n".join(str(error) for error in errors))
        self.errors = errors
