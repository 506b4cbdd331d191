"""Admin area: users, teams, content authoring, item statistics, audit log."""

from skillgap.admin import content_views, users_import  # noqa: F401  (register their routes)
from skillgap.admin.views import bp

__all__ = ["bp"]
