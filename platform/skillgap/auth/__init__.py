"""Signing in and out, and the signed-in person's own account settings."""

from skillgap.auth.views import bp

__all__ = ["bp"]
