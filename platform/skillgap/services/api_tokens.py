"""Personal access tokens of the read-only API (/api/v1): create, revoke, look up.

A token is ``sg_`` and 32 random bytes (base64url); the database keeps only its
SHA-256 and its first characters (so an admin can tell tokens apart). A fast
hash is enough because the token is random, not a password someone chose, and
it lets every API request check its token with one indexed lookup.

A token works only while it is not revoked and the admin who created it is
still an active admin: demoting or deactivating that admin (or deleting the
account) stops their tokens at once, so nobody keeps API access that their
role no longer gives them. Only admins can create tokens (/admin/tokens), so a
manager's or learner's token cannot exist.

``last_used_at`` is written at most once a minute per token
(``TOUCH_INTERVAL``): an integration syncing thousands of pages must not turn
every read into a write.
"""

from __future__ import annotations

import hashlib
import secrets
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime, timedelta

from flask_babel import gettext as _
from sqlalchemy import or_, select, update
from sqlalchemy.orm import Session, selectinload

from skillgap import clock
from skillgap.catalogue import N_
from skillgap.curriculum import revisions
from skillgap.models import ApiToken, User
from skillgap.roles import Role

PEOPLE_READ = "people:read"
RESULTS_READ = "results:read"
# scope -> what it lets a token read (the admin form and docs/api.md say the same;
# the OpenAPI document says it in English, the admin form in the admin's language)
SCOPES = {
    PEOPLE_READ: N_("People, teams and each team's matrix"),
    RESULTS_READ: N_("Every skill result, for incremental sync"),
}
TOKEN_PREFIX = "sg_"  # noqa: S105  (a marker that tells tokens apart, not a secret)
SHOWN_PREFIX = 10  # characters of the token kept in clear, e.g. "sg_Ab3dE6g"
TOUCH_INTERVAL = timedelta(minutes=1)


class TokenError(ValueError):
    """The token cannot be created as asked; the message is for the admin."""


def token_hash(token: str) -> str:
    return hashlib.sha256(token.encode("utf-8", "surrogatepass")).hexdigest()


def create(
    session: Session, name: str, scopes: Iterable[str], created_by: User
) -> tuple[ApiToken, str]:
    """A new token and its plaintext, which is never stored: show it once."""
    chosen = sorted(set(scopes))
    unknown = [scope for scope in chosen if scope not in SCOPES]
    if unknown or not chosen:
        raise TokenError(_("Choose at least one of the scopes offered."))
    if not created_by.has_role(Role.ADMIN) or not created_by.active:
        raise TokenError(_("Only an active admin can create API tokens."))
    plaintext = TOKEN_PREFIX + secrets.token_urlsafe(32)
    token = ApiToken(
        name=name.strip()[:100],
        token_hash=token_hash(plaintext),
        prefix=plaintext[:SHOWN_PREFIX],
        scopes=" ".join(chosen),
        created_by_id=created_by.id,
    )
    session.add(token)
    session.flush()
    revisions.record(session, created_by, "api-token.create", token.name, token.scopes)
    return token, plaintext


def revoke(session: Session, token: ApiToken, revoked_by: User) -> bool:
    """Revoke ``token`` (False if it already was). Its next request gets 401."""
    if token.revoked_at is not None:
        return False
    token.revoked_at = clock.now()
    revisions.record(session, revoked_by, "api-token.revoke", token.name, token.prefix)
    return True


@dataclass(frozen=True)
class Caller:
    """The token behind an API request, as the request needs it."""

    token_id: int
    scopes: frozenset[str]
    last_used_at: datetime | None


def authenticate(session: Session, plaintext: str) -> Caller | None:
    """The caller of a working token, or None: unknown, revoked, or its creator
    is no longer an active admin. One statement."""
    if not plaintext.startswith(TOKEN_PREFIX) or len(plaintext) > 100:
        return None
    row = session.execute(
        select(ApiToken.id, ApiToken.scopes, ApiToken.last_used_at)
        .join(User, User.id == ApiToken.created_by_id)
        .where(
            ApiToken.token_hash == token_hash(plaintext),
            ApiToken.revoked_at.is_(None),
            User.active,
            User.role == Role.ADMIN.value,
        )
    ).one_or_none()
    if row is None:
        return None
    last_used = row.last_used_at
    return Caller(row.id, frozenset(row.scopes.split()), last_used)


def needs_touch(caller: Caller, now: datetime) -> bool:
    return caller.last_used_at is None or now - caller.last_used_at >= TOUCH_INTERVAL


def touch(session: Session, token_id: int, now: datetime) -> None:
    """Record a use. The condition repeats ``needs_touch``, so concurrent
    requests of one token write at most once per interval between them."""
    session.execute(
        update(ApiToken)
        .where(
            ApiToken.id == token_id,
            or_(ApiToken.last_used_at.is_(None), ApiToken.last_used_at <= now - TOUCH_INTERVAL),
        )
        .values(last_used_at=now)
        .execution_options(synchronize_session=False)
    )


def working(token: ApiToken) -> bool:
    """Whether ``token`` would be accepted now (for the admin list)."""
    creator = token.created_by
    return (
        token.revoked_at is None
        and creator is not None
        and creator.active
        and creator.has_role(Role.ADMIN)
    )


def all_tokens(session: Session) -> list[ApiToken]:
    """Every token, newest first, with its creator (two statements)."""
    return list(
        session.scalars(
            select(ApiToken)
            .options(selectinload(ApiToken.created_by))
            .order_by(ApiToken.created_at.desc(), ApiToken.id.desc())
        )
    )
