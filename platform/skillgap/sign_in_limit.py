"""The per-address limit on sign-in attempts (POST /login).

Counts live where ``RATELIMIT_STORAGE_URI`` says: ``memory://`` (each process
counts alone) by default, Redis (``redis://host:6379``) in production so that
every worker and every instance shares them. The per-account lock in the
database is the second line and holds everywhere.

Only the sign-in POST pays for the check. Flask-Limiter, used before, ran its
hook on every request of every page. The ``limits`` library that counts is
imported on the first attempt, not at start-up. If the store cannot be
reached, the attempt is let through and the error logged: the per-account lock
still holds, and nobody is locked out of the site by a Redis outage.
"""

from __future__ import annotations

import logging
import math
import re
import time
from typing import Any

from flask import Flask, current_app, request
from werkzeug.exceptions import TooManyRequests

from skillgap.config import ConfigError

EXTENSION = "skillgap.sign_in_limit"
NAMESPACE = "sign-in"
# What `limits` accepts for one rate, e.g. "30 per minute", "100/hour", "5 per 10 seconds".
RATE = re.compile(r"\d+\s*(?:/|per)\s*(?:\d+\s*)?(?:second|minute|hour|day|month|year)s?")
STORES = ("memory", "redis", "rediss", "redis+sentinel", "redis+cluster", "memcached")

log = logging.getLogger(__name__)


class Counter:
    """Hits per key in a fixed window; ``namespace`` keeps users apart (the API's
    per-token limit uses this class too, as "api")."""

    def __init__(self, storage_uri: str, rate: str, namespace: str = NAMESPACE) -> None:
        self.storage_uri = storage_uri
        self.rate = rate
        self.namespace = namespace
        self._limiter: Any = None
        self._limit: Any = None

    def hit(self, key: str) -> int | None:
        """Count one attempt: None if allowed, else the seconds until the next is."""
        if self._limiter is None:
            from limits import parse, storage, strategies

            self._limit = parse(self.rate)
            store = storage.storage_from_string(self.storage_uri)
            self._limiter = strategies.FixedWindowRateLimiter(store)
        if self._limiter.hit(self._limit, self.namespace, key):
            return None
        reset_at, _remaining = self._limiter.get_window_stats(self._limit, self.namespace, key)
        return max(1, math.ceil(reset_at - time.time()))


def init_app(app: Flask) -> None:
    """Check the settings now, so that a typo stops start-up instead of sign-ins."""
    rate = app.config["LOGIN_RATE_LIMIT"].strip()
    if not RATE.fullmatch(rate):
        raise ConfigError(
            f"SKILLGAP_LOGIN_RATE_LIMIT={rate!r} is not a rate such as '30 per minute'"
        )
    storage_uri = app.config["RATELIMIT_STORAGE_URI"]
    if storage_uri.partition("://")[0] not in STORES:
        raise ConfigError(
            f"RATELIMIT_STORAGE_URI={storage_uri!r}: use memory:// or redis://host:port"
        )
    app.extensions[EXTENSION] = Counter(storage_uri, rate)


def count_attempt() -> None:
    """Count a sign-in attempt from this address; 429 Too Many Requests over the limit."""
    if not current_app.config.get("RATELIMIT_ENABLED", True):
        return
    counter: Counter = current_app.extensions[EXTENSION]
    try:
        wait = counter.hit(request.remote_addr or "unknown")
    except Exception:  # the store is unreachable or refused: see the module docstring
        # The scheme only: the URI may hold the store's password.
        store = counter.storage_uri.partition("://")[0]
        log.exception("sign-in rate limit store (%s) failed; attempt allowed", store)
        return
    if wait is not None:
        raise TooManyRequests(retry_after=wait)
