"""Admin area: users, teams, content authoring, item statistics, audit log, API tokens,
credentials."""

from skillgap.admin import (  # noqa: F401  (register their routes)
    content_views,
    credentials_views,
    tokens_views,
    translations_views,
    users_import,
)
from skillgap.admin.views import bp

__all__ = ["bp"]
