"""Content errors, always reported as ``file:line: reason``."""

from __future__ import annotations

from dataclasses import dataclass, field


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


class ContentInvalidError(Exception):
    """Raised with every error found; nothing has been changed."""

    def __init__(self, errors: list[ContentError]) -> None:
        super().__init__("\n".join(str(error) for error in errors))
        self.errors = errors
