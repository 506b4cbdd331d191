"""Signing in and out, and the signed-in person's own account settings."""

from skillgap.auth import (
    email_views,  # noqa: F401  (registers its routes on bp)
    sso_views,  # noqa: F401  (registers its routes on bp)
)
from skillgap.auth.views import bp

__all__ = ["bp"]
