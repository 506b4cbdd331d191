"""JSON errors for everything under /api/: never an HTML page.

``ApiError`` is what the API's own code raises. Errors Flask or werkzeug raise
inside an API view (400, 405, 413, ...) and unexpected exceptions are answered
in the same shape, ``{"error": "<code>", "message": "<text>"}``; an unknown
path under /api/ gets a JSON 404 (before any view runs: such a request
belongs to no blueprint, so the blueprint's handlers would not see it).
"""

from __future__ import annotations

import logging

from flask import Flask, Response, jsonify, request
from werkzeug.exceptions import HTTPException

from skillgap.api.blueprint import bp

log = logging.getLogger(__name__)
API_ROOT = "/api/"

CODES = {
    400: "bad_request",
    401: "unauthorized",
    403: "forbidden",
    404: "not_found",
    405: "method_not_allowed",
    413: "too_large",
    429: "too_many_requests",
    500: "internal_error",
}


class ApiError(Exception):
    def __init__(self, status: int, message: str, headers: dict[str, str] | None = None) -> None:
        super().__init__(message)
        self.status = status
        self.message = message
        self.headers = headers or {}


def error_response(status: int, message: str, headers: dict[str, str] | None = None) -> Response:
    body = {"error": CODES.get(status, "error"), "message": message}
    response = jsonify(body)
    response.status_code = status
    response.headers.update(headers or {})
    response.headers["Cache-Control"] = "no-store"
    return response


def _from_http(error: HTTPException) -> Response:
    status = error.code or 500
    headers = {}
    if status == 405 and getattr(error, "valid_methods", None):
        headers["Allow"] = ", ".join(error.valid_methods)  # type: ignore[attr-defined]
    retry_after = getattr(error, "retry_after", None)
    if retry_after:
        headers["Retry-After"] = str(retry_after)
    return error_response(status, error.description or CODES.get(status, "error"), headers)


@bp.errorhandler(ApiError)
def _api_error(error: ApiError) -> Response:
    return error_response(error.status, error.message, error.headers)


@bp.errorhandler(HTTPException)
def _http_error(error: HTTPException) -> Response:
    return _from_http(error)


@bp.errorhandler(Exception)
def _unexpected(error: Exception) -> Response:
    log.exception("API request failed", exc_info=error)
    return error_response(500, "The error has been logged. Please try again.")


def init_app(app: Flask) -> None:
    @app.before_request
    def _json_routing_errors() -> Response | None:
        """A path under /api/ that matches no route (404) or not with this method (405)."""
        failure = request.routing_exception
        if failure is None or not (request.path + "/").startswith(API_ROOT):
            return None
        if isinstance(failure, HTTPException) and (failure.code or 0) >= 400:
            return _from_http(failure)
        return None
