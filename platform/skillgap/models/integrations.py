"""What connects Skillgap to a company's other systems: sign-in identities at
an OpenID provider, and the personal access tokens of the read-only API."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from skillgap.models.accounts import User
from skillgap.models.base import Base, created_at, intpk, str100, str254


class ExternalIdentity(Base):
    """A person's account at an OpenID provider, linked to their Skillgap account.

    Matched by (issuer, subject), never by email alone after the first sign-in:
    the ``sub`` claim is stable at the provider, an email address can be reused
    (auth/oidc.py)."""

    __tablename__ = "external_identities"
    __table_args__ = (UniqueConstraint("issuer", "subject"),)

    id: Mapped[intpk]
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    provider: Mapped[str] = mapped_column(String(40))  # the configured name, e.g. "entra"
    issuer: Mapped[str] = mapped_column(String(300))
    subject: Mapped[str] = mapped_column(String(255))
    email: Mapped[str254]  # as the provider last asserted it
    created_at: Mapped[created_at]
    last_login_at: Mapped[datetime | None]

    user: Mapped[User] = relationship()


class ApiToken(Base):
    """A personal access token for /api/v1, created by an admin. Only the
    token's SHA-256 is kept; the token is shown once (services/api_tokens.py)."""

    __tablename__ = "api_tokens"

    id: Mapped[intpk]
    name: Mapped[str100]
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    # The first characters, so an admin can tell tokens apart in the list.
    prefix: Mapped[str] = mapped_column(String(16))
    scopes: Mapped[str] = mapped_column(String(200))  # space-separated, e.g. "people:read"
    created_by_id: Mapped[int | None] = mapped_column(
        ForeignKey("users.id", ondelete="SET NULL"), index=True
    )
    created_at: Mapped[created_at]
    last_used_at: Mapped[datetime | None]
    revoked_at: Mapped[datetime | None]

    created_by: Mapped[User | None] = relationship()

    @property
    def scope_set(self) -> frozenset[str]:
        return frozenset(self.scopes.split())
