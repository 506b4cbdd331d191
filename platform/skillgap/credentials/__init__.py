"""/credentials: a person's verifiable skill credentials, each credential's public
page and files, the issuer's profile, keys and status list, and a page where
anyone can check a credential file (docs/credentials.md)."""

from skillgap.credentials import documents, views  # noqa: F401  (routes)
from skillgap.credentials.blueprint import bp, init_app

__all__ = ["bp", "init_app"]
