"""Invitations: a one-time link with which a new person chooses their password.

The token is 32 random bytes in the link; the database keeps only its SHA-256
(a leaked database gives no usable link). A fast hash is enough here because
the token is random, not a password someone chose. Issuing one costs
microseconds, which is what lets a CSV import create thousands of people
without an argon2 hash per row (the person's own password is hashed once, when
they choose it). A new invitation replaces the person's earlier unused ones.
"""

from __future__ import annotations

import hashlib
import secrets
from datetime import datetime, timedelta

from argon2 import PasswordHasher
from flask_babel import gettext as _
from sqlalchemy import select, update
from sqlalchemy.orm import Session

from skillgap import clock
from skillgap.models import Invitation, User
from skillgap.services import accounts

VALID_FOR = timedelta(days=14)


class InvitationError(ValueError):
    """The link cannot be used; the message is for the person who opened it."""


def token_hash(token: str) -> str:
    return hashlib.sha256(token.encode("utf-8", "surrogatepass")).hexdigest()


def issue(session: Session, user: User, now: datetime | None = None) -> str:
    """A new invitation for ``user``; returns the token for the link (shown once)."""
    now = now or clock.now()
    if user.id is not None:
        _withdraw(session, user.id, now)
    token = secrets.token_urlsafe(32)
    session.add(Invitation(user=user, token_hash=token_hash(token), expires_at=now + VALID_FOR))
    return token


def issue_many(session: Session, users: list[User], now: datetime) -> list[str]:
    """Invitations for people created in this transaction (none to withdraw):
    one INSERT for the lot."""
    tokens = [secrets.token_urlsafe(32) for _ in users]
    session.add_all(
        Invitation(user=user, token_hash=token_hash(token), expires_at=now + VALID_FOR)
        for user, token in zip(users, tokens, strict=True)
    )
    return tokens


def _withdraw(session: Session, user_id: int, now: datetime) -> None:
    session.execute(
        update(Invitation)
        .where(Invitation.user_id == user_id, Invitation.used_at.is_(None))
        .values(used_at=now)
    )


def find(session: Session, token: str, now: datetime | None = None) -> Invitation:
    """The usable invitation behind ``token``; InvitationError says why there is none."""
    now = now or clock.now()
    if not token or len(token) > 100:
        raise InvitationError(_("This invitation link is not valid."))
    invitation = session.scalar(
        select(Invitation).where(Invitation.token_hash == token_hash(token))
    )
    if invitation is None:
        raise InvitationError(_("This invitation link is not valid."))
    if invitation.used_at is not None:
        raise InvitationError(_("This invitation link has been used. Sign in with your password."))
    if invitation.expires_at <= now:
        raise InvitationError(_("This invitation link has expired. Ask an admin for a new one."))
    if not invitation.user.active:
        raise InvitationError(_("This account has been deactivated. Ask an admin."))
    return invitation


def accept(
    session: Session, hasher: PasswordHasher, token: str, password: str, now: datetime | None = None
) -> User:
    """Set the person's password from their invitation and use it up. The caller commits."""
    now = now or clock.now()
    invitation = find(session, token, now)
    user = invitation.user
    accounts.set_password(hasher, user, password)  # AccountError for a bad password
    user.failed_logins = 0
    user.locked_until = None
    _withdraw(session, user.id, now)
    return user
