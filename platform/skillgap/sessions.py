"""Signed-cookie sessions whose sliding expiry is refreshed every few minutes.

Flask re-signs a permanent session's cookie on every response so that it
expires ``PERMANENT_SESSION_LIFETIME`` after the last request. Signing and
sending it was about a fifth of a module page's time (bench/load.py). Here the
cookie is re-signed only when the session changed or when it was signed more
than ``REFRESH_INTERVAL`` ago (at most a quarter of the lifetime), so a session
still ends between the lifetime minus that interval and the lifetime after the
last request.

Under /api/ there is no session at all: the cookie is not read, and nothing is
saved or sent (no Set-Cookie, no ``Vary: Cookie``). The API authenticates by
bearer token only, so a signed-in browser's cookie can never act for it.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from flask import Flask, Request, Response
from flask import request as current_request
from flask.sessions import SecureCookieSession, SecureCookieSessionInterface, SessionMixin
from itsdangerous import BadSignature

REFRESH_INTERVAL = timedelta(minutes=5)
SESSIONLESS_PREFIX = "/api/"  # the bearer-token API (skillgap/api)


class Session(SecureCookieSession):
    signed_at: datetime | None = None  # when the cookie it came from was signed


class SessionInterface(SecureCookieSessionInterface):
    session_class = Session

    def open_session(self, app: Flask, request: Request) -> Session | None:
        serializer = self.get_signing_serializer(app)
        if serializer is None:
            return None
        if _sessionless(request):
            return self.session_class()  # the cookie is not even read
        cookie = request.cookies.get(self.get_cookie_name(app))
        if not cookie:
            return self.session_class()
        max_age = int(app.permanent_session_lifetime.total_seconds())
        try:
            data, signed_at = serializer.loads(cookie, max_age=max_age, return_timestamp=True)
        except BadSignature:
            return self.session_class()
        session = self.session_class(data)
        session.signed_at = signed_at
        return session

    def should_set_cookie(self, app: Flask, session: SessionMixin) -> bool:
        if session.modified:
            return True
        if not (session.permanent and app.config["SESSION_REFRESH_EACH_REQUEST"]):
            return False
        signed_at = getattr(session, "signed_at", None)
        interval = min(REFRESH_INTERVAL, app.permanent_session_lifetime / 4)
        return signed_at is None or datetime.now(UTC) - signed_at >= interval

    def save_session(self, app: Flask, session: SessionMixin, response: Response) -> None:
        if _sessionless(current_request):
            return
        super().save_session(app, session, response)


def _sessionless(request: Request) -> bool:
    return (request.path + "/").startswith(SESSIONLESS_PREFIX)
