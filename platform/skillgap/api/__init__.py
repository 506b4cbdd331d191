"""The read-only JSON API for HR and BI integrations, under /api/v1.

Bearer tokens only (services/api_tokens.py): no cookie is read or set under
/api/ (sessions.py), so CSRF does not apply and the blueprint is exempt from
it. Every answer is JSON, errors included (errors.py). The endpoints and their
scopes are described in openapi.py, served at /api/v1/openapi.json, and in
docs/api.md.
"""

from __future__ import annotations

from flask import Flask

from skillgap.api import auth, errors
from skillgap.api import views as _views  # noqa: F401  (registers the routes)
from skillgap.api.blueprint import bp


def init_app(app: Flask) -> None:
    """Register the blueprint, exempt it from CSRF and set up its rate limit."""
    from skillgap.extensions import csrf

    auth.init_app(app)
    errors.init_app(app)
    app.register_blueprint(bp)
    csrf.exempt(bp)


__all__ = ["bp", "init_app"]
