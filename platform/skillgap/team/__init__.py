"""Managers' view of the teams they manage: matrix, exports, people."""

from skillgap.team import views_matrix  # noqa: F401  (registers the matrix routes)
from skillgap.team.views import bp

__all__ = ["bp"]
