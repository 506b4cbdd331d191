"""Assessments: the list, taking an attempt, and results."""

from skillgap.assess.views import bp

__all__ = ["bp"]
