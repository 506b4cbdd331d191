"""Admin area: users and teams (content authoring and statistics come later)."""

from skillgap.admin.views import bp

__all__ = ["bp"]
