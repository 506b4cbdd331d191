"""Role constants: the one place that says which roles exist and how they rank."""

from __future__ import annotations

from enum import StrEnum


class Role(StrEnum):
    LEARNER = "learner"
    MANAGER = "manager"
    ADMIN = "admin"

    @property
    def rank(self) -> int:
        return ROLE_RANK[self]

    @property
    def label(self) -> str:
        return self.value.capitalize()

    def includes(self, other: Role) -> bool:
        """An admin can do all a manager can, a manager all a learner can."""
        return self.rank >= other.rank


ROLE_RANK = {Role.LEARNER: 0, Role.MANAGER: 1, Role.ADMIN: 2}
