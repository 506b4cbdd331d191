"""Routes that belong to no area: liveness and the error pages."""

from __future__ import annotations

import logging

from flask import Blueprint, Flask, render_template
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_wtf.csrf import CSRFError
from sqlalchemy import text
from sqlalchemy.exc import SQLAlchemyError
from werkzeug.exceptions import HTTPException

from skillgap.access import public
from skillgap.db import database

bp = Blueprint("core", __name__)
log = logging.getLogger(__name__)


@bp.get("/healthz")
@public
def healthz():
    try:
        with database().engine.connect() as connection:
            connection.execute(text("SELECT 1"))
    except SQLAlchemyError:
        log.exception("health check: database did not answer")
        return "database unavailable\n", 503, {"Content-Type": "text/plain; charset=utf-8"}
    return "ok\n", 200, {"Content-Type": "text/plain; charset=utf-8"}


@bp.get("/readyz")
@public
def readyz():
    """Ready to serve: the schema is at the migrations' head and content is imported."""
    from sqlalchemy import func, select

    from skillgap.migrate import current_revision, head_revision
    from skillgap.models import Module

    problems = []
    try:
        engine = database().engine
        if current_revision(engine) != head_revision():
            problems.append("database schema is not at head")
        with engine.connect() as connection:
            if not connection.scalar(select(func.count()).select_from(Module)):
                problems.append("no content imported")
    except SQLAlchemyError:
        log.exception("readiness check: database did not answer")
        problems.append("database unavailable")
    headers = {"Content-Type": "text/plain; charset=utf-8"}
    if problems:
        return "not ready: " + "; ".join(problems) + "\n", 503, headers
    return "ready\n", 200, headers


ERROR_PAGES = {
    400: (_l("Bad request"), _l("The request could not be understood.")),
    403: (_l("Not allowed"), _l("Your account does not have access to this page.")),
    404: (_l("Not found"), _l("There is no page at this address, or you cannot see it.")),
    405: (_l("Not allowed"), _l("This page cannot be used that way.")),
    413: (_l("Too large"), _l("What you sent is larger than this site accepts.")),
    429: (
        _l("Too many attempts"),
        _l("Too many requests from your address. Wait a minute, then try again."),
    ),
    500: (_l("Something went wrong"), _l("The error has been logged. Please try again.")),
}


def register_error_pages(app: Flask) -> None:
    def render_error(code: int, message: str | None = None):
        title, default_message = ERROR_PAGES[code]
        page = render_template(
            "errors/error.html", code=code, title=title, message=message or default_message
        )
        return page, code

    def render_http_error(error: HTTPException, code: int):
        page, status = render_error(code)
        retry_after = getattr(error, "retry_after", None)  # 429: when to try again
        return page, status, {"Retry-After": str(retry_after)} if retry_after else {}

    for code in ERROR_PAGES:
        app.register_error_handler(code, lambda error, code=code: render_http_error(error, code))

    @app.errorhandler(CSRFError)
    def csrf_error(error: CSRFError):
        return render_error(
            400,
            _(
                "The form's security token was missing or did not match, so nothing was saved. "
                "Go back, reload the page and try again."
            ),
        )
