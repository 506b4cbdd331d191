"""What a learner sees: the dashboard (and, later, courses, modules and the path)."""

from skillgap.learn import pause_views  # noqa: F401  (registers its routes on bp)
from skillgap.learn.views import bp

__all__ = ["bp"]
