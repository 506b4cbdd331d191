"""Rendered fragments, kept until what they show changes (issue 25).

A page whose content changes only when data changes (a team's matrix, the
organisation view, a module with the reader's progress) renders its body once
and keeps the HTML under a key made of everything it depends on:

- the database, and its content and people versions (curriculum/versions.py), read in the same
  statement as the signed-in user, so checking costs no query; both change in
  the transaction that changes the data, so a write on one instance makes every
  other instance's key different on its next request: never a stale page;
- the reader's language and time zone, and today's date (relative and dated
  wording such as "due for review");
- what the caller adds: ids, filters, and any per-person state that the two
  versions do not track (a module's done marks, a team's last sign-ins).

Forms inside a fragment carry a CSRF token that belongs to one session: while a
fragment renders, ``csrf_token()`` writes a mark, and the reader's own token
replaces it each time the fragment is served.

Two layers: a bounded store in each process (SKILLGAP_FRAGMENT_CACHE_MB,
default 64; 0 turns caching off), and, when SKILLGAP_CACHE_URL names a Redis
server, a shared one that lets several instances render each fragment once.
A Redis that does not answer costs a logged warning and a fresh render, never a
failed page.
"""

from __future__ import annotations

import functools
import hashlib
import logging
import re
import threading
from collections import OrderedDict
from collections.abc import Callable, Hashable
from dataclasses import dataclass, field
from typing import Any

from flask import Flask, Response, current_app, g
from markupsafe import Markup

CSRF_MARK = "@@skillgap-csrf-token@@"
CSRF_MARK_BYTES = CSRF_MARK.encode()
REDIS_TTL_SECONDS = 24 * 3600  # keys carry the versions: an old one is never read again
log = logging.getLogger("skillgap.fragments")


@dataclass
class FragmentCache:
    """A least-recently-used store bounded by the size of what it holds, with an
    optional Redis behind it. Thread-safe (waitress serves with threads)."""

    max_bytes: int
    redis_url: str = ""
    hits: int = 0
    misses: int = 0
    _items: OrderedDict[str, str | bytes] = field(default_factory=OrderedDict)
    _size: int = 0
    _lock: threading.Lock = field(default_factory=threading.Lock)
    _redis: Any = None
    _redis_failed: bool = False

    @property
    def enabled(self) -> bool:
        return self.max_bytes > 0

    def get(self, key: str) -> str | None:
        html = self._get(key)
        return html.decode() if isinstance(html, bytes) else html

    def get_bytes(self, key: str) -> bytes | None:
        """A whole page, kept encoded (kept_page): a large page's str.encode cost
        more than everything else its request did."""
        page = self._get(key)
        return page.encode() if isinstance(page, str) else page

    def _get(self, key: str) -> str | bytes | None:
        with self._lock:
            html = self._items.get(key)
            if html is not None:
                self._items.move_to_end(key)
        if html is None and self.redis_url:
            html = self._redis_call("get", key)  # bytes, or None
            if html is not None:
                self._put_local(key, html)
        if html is None:
            self.misses += 1
        else:
            self.hits += 1
        return html

    def put(self, key: str, html: str | bytes) -> None:
        self._put_local(key, html)
        if self.redis_url:
            value = html.encode() if isinstance(html, str) else html
            self._redis_call("set", key, value, ex=REDIS_TTL_SECONDS)

    def clear(self) -> None:
        with self._lock:
            self._items.clear()
            self._size = 0

    def _put_local(self, key: str, html: str | bytes) -> None:
        size = len(html)
        if size > self.max_bytes // 4:
            return  # one page must not push out everything else
        with self._lock:
            old = self._items.pop(key, None)
            self._size += size - (len(old) if old is not None else 0)
            self._items[key] = html
            while self._size > self.max_bytes:
                _key, dropped = self._items.popitem(last=False)
                self._size -= len(dropped)

    def _redis_call(self, method: str, *args: Any, **kwargs: Any) -> Any:
        import redis  # only when configured: it adds to start-up time

        if self._redis is None:
            self._redis = redis.Redis.from_url(
                self.redis_url, socket_timeout=0.5, socket_connect_timeout=0.5
            )
        try:
            result = getattr(self._redis, method)(*args, **kwargs)
        except redis.RedisError as error:
            if not self._redis_failed:  # once, not on every request
                where = re.sub(r"//[^@/]*@", "//", self.redis_url)  # no password in the log
                log.warning("fragment cache: Redis at %s failed: %s", where, error)
            self._redis_failed = True
            return None
        self._redis_failed = False
        return result


def init_app(app: Flask) -> None:
    megabytes = app.config.get("FRAGMENT_CACHE_MB", 64)
    app.extensions["skillgap.fragments"] = FragmentCache(
        max_bytes=int(megabytes) * 1024 * 1024, redis_url=app.config.get("CACHE_URL", "")
    )
    # Replaces Flask-WTF's template global and context entry (registered before
    # this one, so this one wins): a mark while a fragment renders.
    app.jinja_env.globals["csrf_token"] = csrf_token
    app.context_processor(lambda: {"csrf_token": csrf_token})
    app.jinja_env.globals["kept"] = kept


def cache_of(app: Flask | None = None) -> FragmentCache:
    return (app or current_app).extensions["skillgap.fragments"]


def csrf_token() -> str:
    from flask_wtf.csrf import generate_csrf

    return CSRF_MARK if g.get("rendering_fragment") else generate_csrf()


def _key(name: str, parts: tuple[Hashable, ...]) -> str | None:
    from flask_babel import get_locale, get_timezone

    from skillgap import clock
    from skillgap.curriculum import versions
    from skillgap.db import get_session

    current = versions.read(get_session())
    if None in current:
        return None
    timezone = get_timezone()
    today = clock.now().astimezone(timezone).date() if timezone else clock.now().date()
    whole = (
        _database_name(current_app.config["DATABASE_URL"]),
        name,
        current.content,
        current.people,
        str(get_locale()),
        str(timezone),
        today,
        parts,
    )
    return f"skillgap:fragment:{name}:{hashlib.sha256(repr(whole).encode()).hexdigest()}"


@functools.lru_cache(maxsize=8)
def _database_name(url: str) -> str:
    """Which database the versions count (two sites sharing one Redis must not read
    each other's fragments): its URL without the password."""
    from sqlalchemy.engine import make_url

    return make_url(url).render_as_string(hide_password=True)


def fragment(name: str, parts: tuple[Hashable, ...], render: Callable[[], str]) -> Markup:
    """``render()``'s HTML, kept under ``name``, ``parts`` and the versions (see above).
    ``parts`` must hold everything else the HTML depends on; their ``repr`` is the key."""
    cache, key = _lookup(name, parts)
    html = cache.get(key) if key is not None else None
    if html is None:
        html = _render_marked(render)
        if key is not None:
            cache.put(key, html)
    if CSRF_MARK in html:
        html = html.replace(CSRF_MARK, csrf_token())
    # A rendered template's output (autoescaped by Jinja) and a token of URL-safe
    # characters: HTML already, not text to escape.
    return Markup(html)  # noqa: S704  # nosec B704


def kept_page(
    name: str, parts: tuple[Hashable, ...], render: Callable[[], str]
) -> Response | Markup:
    """A whole page kept, as ``fragment`` keeps a part: for a page whose every byte,
    besides its CSRF tokens, follows from ``parts`` (what the view's own fragment
    depends on), the versions and the site menu's parts (base.html), added here.
    Serving it skips the page template and the menu's and body's own lookups, and
    it is kept as UTF-8 bytes. While flash messages wait in the session the page
    is rendered, not kept: they are shown once, then the kept page serves again."""
    from flask import request, session
    from flask_login import current_user

    if session.get("_flashes"):
        return Markup(render())  # noqa: S704  # nosec B704  # a rendered template
    menu = (current_user.role, current_user.name, request.endpoint)
    cache, key = _lookup(f"page:{name}", (*parts, *menu))
    page = cache.get_bytes(key) if key is not None else None
    if page is None:
        page = _render_marked(render).encode()
        if key is not None:
            cache.put(key, page)
    if CSRF_MARK_BYTES in page:
        page = page.replace(CSRF_MARK_BYTES, csrf_token().encode())
    return current_app.response_class(page, mimetype="text/html")


def _lookup(name: str, parts: tuple[Hashable, ...]) -> tuple[FragmentCache, str | None]:
    from sqlalchemy.exc import SQLAlchemyError

    cache = cache_of()
    try:
        return cache, _key(name, parts) if cache.enabled else None
    except SQLAlchemyError:  # an error page while the database is failing: render it
        return cache, None


def _render_marked(render: Callable[[], str]) -> str:
    """``render()`` with a mark for each CSRF token (put back when served)."""
    outer = g.get("rendering_fragment", False)  # a fragment inside another keeps the mark
    g.rendering_fragment = True
    try:
        return str(render())
    finally:
        g.rendering_fragment = outer


def kept_body_page(
    template: str, name: str, parts: tuple[Hashable, ...], body: Callable[[], str], **context: Any
) -> Response | Markup:
    """``template`` around its kept ``body`` fragment, the whole page kept too
    (kept_page): a view's usual shape."""
    from flask import render_template

    def page() -> str:
        return render_template(template, body=fragment(name, parts, body), **context)

    return kept_page(name, parts, page)


def kept(name: str, *parts: Hashable, caller: Callable[[], str]) -> Markup:
    """``{% call kept(name, part, ...) %}...{% endcall %}`` in a template: the block,
    kept as ``fragment`` keeps it (the parts and the versions are the key)."""
    return fragment(name, parts, caller)
