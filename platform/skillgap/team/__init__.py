"""Managers' view of the teams they manage."""

from skillgap.team.views import bp

__all__ = ["bp"]
