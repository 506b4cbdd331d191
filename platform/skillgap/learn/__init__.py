"""What a learner sees: the dashboard (and, later, courses, modules and the path)."""

from skillgap.learn.views import bp

__all__ = ["bp"]
