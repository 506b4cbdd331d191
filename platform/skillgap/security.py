"""Small request-side security helpers shared by blueprints."""

from __future__ import annotations

from urllib.parse import urlsplit

from argon2 import PasswordHasher
from flask import current_app

from skillgap.inputs import has_control_characters


def get_hasher() -> PasswordHasher:
    return current_app.extensions["skillgap.hasher"]


def safe_next_url(target: str | None) -> str | None:
    """Only same-site relative paths are followed after sign-in (no open redirect)."""
    if not target or not target.startswith("/") or target.startswith("//"):
        return None
    if has_control_characters(target) or "\n" in target or "\r" in target:
        return None  # a header split or a log forgery, not a page
    parts = urlsplit(target)
    if parts.scheme or parts.netloc or "\\" in target:
        return None
    return target
