"""Bearer-token authentication, scopes and the per-token rate limit of the API.

``@api_scope(scope)`` is the API's counterpart of ``access.requires``: it
marks the view ``required_role = None`` (no session user is ever loaded, so
auth.views' password-change guard and Flask-Login never run for it) and
``required_scope``, which the token must hold. ``api_scope(None)``: any
working token. Per request, in this order: the ``Authorization: Bearer``
header (else 401 with ``WWW-Authenticate: Bearer``), the token (one indexed
statement; revoked or unknown: 401), the rate limit (429 with
``Retry-After``), the scope (403).

The limit is ``SKILLGAP_API_RATE_LIMIT`` per token, counted where
``RATELIMIT_STORAGE_URI`` says (sign_in_limit.Counter, namespace "api"). If
the store cannot be reached the request is let through and the error logged.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from functools import wraps
from typing import TypeVar

from flask import Flask, current_app, g, request
from sqlalchemy.exc import SQLAlchemyError

from skillgap import clock
from skillgap.api.errors import ApiError
from skillgap.config import ConfigError
from skillgap.db import database, get_session
from skillgap.services import api_tokens
from skillgap.sign_in_limit import RATE, Counter

F = TypeVar("F", bound=Callable[..., object])
EXTENSION = "skillgap.api_limit"
REALM = 'Bearer realm="skillgap"'

log = logging.getLogger(__name__)


def init_app(app: Flask) -> None:
    """Check the rate setting now, so that a typo stops start-up instead of the API."""
    rate = app.config["API_RATE_LIMIT"].strip()
    if not RATE.fullmatch(rate):
        raise ConfigError(
            f"SKILLGAP_API_RATE_LIMIT={rate!r} is not a rate such as '600 per minute'"
        )
    app.extensions[EXTENSION] = Counter(app.config["RATELIMIT_STORAGE_URI"], rate, namespace="api")


def api_scope(scope: str | None) -> Callable[[F], F]:
    def decorate(view: F) -> F:
        @wraps(view)
        def wrapper(*args, **kwargs):
            caller = _authenticate()
            _count(caller.token_id)
            if scope is not None and scope not in caller.scopes:
                raise ApiError(
                    403,
                    f"This token does not have the {scope} scope.",
                    {"WWW-Authenticate": f'{REALM}, error="insufficient_scope", scope="{scope}"'},
                )
            g.api_caller = caller
            return view(*args, **kwargs)

        wrapper.required_role = None  # type: ignore[attr-defined]
        wrapper.required_scope = scope  # type: ignore[attr-defined]
        return wrapper  # type: ignore[return-value]

    return decorate


def _authenticate() -> api_tokens.Caller:
    scheme, _, token = request.headers.get("Authorization", "").partition(" ")
    if scheme.lower() != "bearer" or not token.strip():
        raise ApiError(
            401, "Send a token: Authorization: Bearer <token>.", {"WWW-Authenticate": REALM}
        )
    caller = api_tokens.authenticate(get_session(), token.strip())
    if caller is None:
        raise ApiError(
            401,
            "The token is unknown, revoked, or its admin is no longer an active admin.",
            {"WWW-Authenticate": f'{REALM}, error="invalid_token"'},
        )
    now = clock.now()
    if api_tokens.needs_touch(caller, now):
        _touch(caller.token_id, now)
    return caller


def _touch(token_id: int, now) -> None:
    """Record the use in its own short write transaction (a GET's session only
    reads); best effort: a busy database must not fail the read."""
    try:
        with database().write_sessions() as session:
            api_tokens.touch(session, token_id, now)
            session.commit()
    except SQLAlchemyError:
        log.warning("could not record the use of API token %s", token_id, exc_info=True)


def _count(token_id: int) -> None:
    if not current_app.config.get("RATELIMIT_ENABLED", True):
        return
    counter: Counter = current_app.extensions[EXTENSION]
    try:
        wait = counter.hit(str(token_id))
    except Exception:  # the store is unreachable: see the module docstring
        log.exception("API rate limit store failed; request allowed")
        return
    if wait is not None:
        raise ApiError(
            429,
            f"Too many requests for this token. Try again in {wait} s.",
            {"Retry-After": str(wait)},
        )
