"""Security headers on every response, one log line per request, and a guard
against NUL characters in requests.

The Content-Security-Policy allows no inline script (the app's JavaScript is in
static files) and nothing from other sites, images included (a tracking pixel
in a module must not reach a learner's browser); HSTS only when the site is
served over HTTPS (SKILLGAP_HTTPS=1). Pages for a signed-in person are
``Cache-Control: private, no-store``: results, matrices and exports must not
be kept by a shared cache or the browser's back button after sign-out.
A NUL character in a path or query value is refused with 400 before any view
runs: it is never meant as text, and PostgreSQL cannot store or compare it.
(Form fields are checked by their forms, which show the form again.)
"""

from __future__ import annotations

import logging
import time

from flask import Flask, abort, g, request, session

CSP = "; ".join(
    [
        "default-src 'self'",
        "script-src 'self'",
        "style-src 'self'",
        "img-src 'self' data:",
        "object-src 'none'",
        "base-uri 'none'",
        "frame-ancestors 'none'",
        "form-action 'self'",
    ]
)

access_log = logging.getLogger("skillgap.requests")
LOG_FORMAT = "%(asctime)s %(levelname)s %(name)s %(message)s"


def configure_logging(level: str) -> None:
    """Our loggers (the request log among them) write to stderr at ``level``.

    Without this nothing configures them under gunicorn or `python run.py`, and
    Python drops INFO records: no request log at all. Hosts that configure
    logging themselves (a root handler: gunicorn --log-config, pytest's caplog)
    are left alone."""
    logger = logging.getLogger("skillgap")
    if logger.handlers or logging.getLogger().handlers:
        return
    handler = logging.StreamHandler()
    handler.setFormatter(logging.Formatter(LOG_FORMAT))
    logger.addHandler(handler)
    logger.setLevel(level)


def init_app(app: Flask) -> None:
    configure_logging(app.config.get("LOG_LEVEL", "INFO"))

    @app.before_request
    def _start_timer() -> None:
        g.request_started = time.perf_counter()
        if _has_nul():
            abort(400, "The request contains a NUL character, which no field may hold.")

    @app.after_request
    def _headers_and_log(response):
        headers = response.headers
        headers.setdefault("Content-Security-Policy", CSP)
        headers.setdefault("X-Content-Type-Options", "nosniff")
        headers.setdefault("Referrer-Policy", "same-origin")
        headers.setdefault("X-Frame-Options", "DENY")
        if "_user_id" in session and "Cache-Control" not in headers:
            headers["Cache-Control"] = "private, no-store"
        if app.config.get("SKILLGAP_HTTPS"):
            headers.setdefault("Strict-Transport-Security", "max-age=31536000; includeSubDomains")
        started = g.pop("request_started", None)
        duration_ms = (time.perf_counter() - started) * 1000 if started else 0.0
        user_id = _user_id_for_log()
        # Route template, not the raw path: no ids, tokens or query strings in the log.
        route = request.url_rule.rule if request.url_rule else "-"
        access_log.info(
            "method=%s route=%s status=%s duration_ms=%.1f user=%s",
            request.method,
            route,
            response.status_code,
            duration_ms,
            user_id,
        )
        return response


def _has_nul() -> bool:
    if "\x00" in request.path:
        return True
    # Form fields are left to their forms, which re-show the form with a message.
    return any("\x00" in value for value in request.args.values())


def _user_id_for_log() -> str:
    """The signed-in user's id, without loading the user for the log's sake.

    If the request loaded the user (every signed-in page does), that user; else
    the id in the signed session cookie, marked ``?`` because it was not checked
    against the database (static files and /healthz need no query)."""
    if "_login_user" in g:
        user = g._login_user
        return user.get_id().split(":")[0] if user.is_authenticated else "-"
    claimed = session.get("_user_id") if request.cookies else None
    return f"{str(claimed).split(':')[0]}?" if claimed else "-"
