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
        """The role's name in the reader's language (the one place for it).
        "Admin" has the context "role": the admin section is another message."""
        # Imported here, not at the top: the pure rules import this module.
        from flask_babel import gettext, pgettext

        if self is Role.ADMIN:
            return pgettext("role", "Admin")
        return gettext("Manager") if self is Role.MANAGER else gettext("Learner")

    def includes(self, other: Role) -> bool:
        """An admin can do all a manager can, a manager all a learner can."""
        return self.rank >= other.rank


ROLE_RANK = {Role.LEARNER: 0, Role.MANAGER: 1, Role.ADMIN: 2}
