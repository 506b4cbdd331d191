"""Verifiable skill credentials (docs/credentials.md): the credentials people
claimed, and the public half of every key that ever signed one."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import JSON, ForeignKey, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from skillgap.models.accounts import User
from skillgap.models.base import Base, created_at


class CredentialKey(Base):
    """The public JWK of a signing key, kept so that credentials it signed stay
    verifiable after rotation (the private key lives outside the database:
    services/credential_keys.py)."""

    __tablename__ = "credential_keys"

    kid: Mapped[str] = mapped_column(String(64), primary_key=True)  # RFC 7638 thumbprint
    jwk: Mapped[dict[str, Any]] = mapped_column(JSON)
    created_at: Mapped[created_at]
    retired_at: Mapped[datetime | None]  # no longer signs; still verifies


class Credential(Base):
    """A claimed OpenBadgeCredential. ``token`` is the signed VC-JWT, exactly as
    issued; everything else is for listing and revoking it."""

    __tablename__ = "credentials"
    # One credential per result and kind: a second claim (a double click) is refused.
    __table_args__ = (UniqueConstraint("user_id", "kind", "skill_result_id"),)

    id: Mapped[str] = mapped_column(String(36), primary_key=True)  # a random UUID
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    kind: Mapped[str] = mapped_column(String(20))  # "level" or "gap-closed"
    skill_id: Mapped[str] = mapped_column(String(64))
    level_id: Mapped[str] = mapped_column(String(80))
    from_level_id: Mapped[str | None] = mapped_column(String(80))  # a closed gap's start
    skill_result_id: Mapped[int | None] = mapped_column(
        ForeignKey("skill_results.id", ondelete="SET NULL")
    )
    name: Mapped[str] = mapped_column(String(200))
    issuer_id: Mapped[str] = mapped_column(String(300))
    kid: Mapped[str] = mapped_column(String(64))
    status_index: Mapped[int] = mapped_column(unique=True)
    token: Mapped[str] = mapped_column(Text)
    public: Mapped[bool] = mapped_column(default=False)
    issued_at: Mapped[created_at]
    valid_until: Mapped[datetime | None]
    revoked_at: Mapped[datetime | None]
    revoked_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    revoke_reason: Mapped[str] = mapped_column(String(300), default="")

    user: Mapped[User] = relationship(foreign_keys=[user_id])
