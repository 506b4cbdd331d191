"""verifiable credentials: claimed credentials and the public signing keys

Revision ID: 0021
Revises: 0020
Create Date: 2026-12-02

``credentials`` holds each claimed OpenBadgeCredential (its signed VC-JWT, its
entry in the revocation status list, who may see it). ``credential_keys`` keeps
the public JWK of every signing key, so that rotation never strands a
credential (docs/credentials.md).
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

from skillgap.models.base import UTCDateTime

revision = "0021"
down_revision = "0020"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "credential_keys",
        sa.Column("kid", sa.String(length=64), nullable=False),
        sa.Column("jwk", sa.JSON(), nullable=False),
        sa.Column("created_at", UTCDateTime(), nullable=False),
        sa.Column("retired_at", UTCDateTime(), nullable=True),
        sa.PrimaryKeyConstraint("kid", name=op.f("pk_credential_keys")),
    )
    op.create_table(
        "credentials",
        sa.Column("id", sa.String(length=36), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(length=20), nullable=False),
        sa.Column("skill_id", sa.String(length=64), nullable=False),
        sa.Column("level_id", sa.String(length=80), nullable=False),
        sa.Column("from_level_id", sa.String(length=80), nullable=True),
        sa.Column("skill_result_id", sa.Integer(), nullable=True),
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column("issuer_id", sa.String(length=300), nullable=False),
        sa.Column("kid", sa.String(length=64), nullable=False),
        sa.Column("status_index", sa.Integer(), nullable=False),
        sa.Column("token", sa.Text(), nullable=False),
        sa.Column("public", sa.Boolean(), nullable=False),
        sa.Column("issued_at", UTCDateTime(), nullable=False),
        sa.Column("valid_until", UTCDateTime(), nullable=True),
        sa.Column("revoked_at", UTCDateTime(), nullable=True),
        sa.Column("revoked_by_id", sa.Integer(), nullable=True),
        sa.Column("revoke_reason", sa.String(length=300), nullable=False),
        sa.ForeignKeyConstraint(
            ["user_id"], ["users.id"], name=op.f("fk_credentials_user_id_users"), ondelete="CASCADE"
        ),
        sa.ForeignKeyConstraint(
            ["skill_result_id"],
            ["skill_results.id"],
            name=op.f("fk_credentials_skill_result_id_skill_results"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["revoked_by_id"],
            ["users.id"],
            name=op.f("fk_credentials_revoked_by_id_users"),
            ondelete="SET NULL",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_credentials")),
        sa.UniqueConstraint("status_index", name=op.f("uq_credentials_status_index")),
        sa.UniqueConstraint(
            "user_id", "kind", "skill_result_id", name=op.f("uq_credentials_user_id")
        ),
    )
    op.create_index(op.f("ix_credentials_user_id"), "credentials", ["user_id"], unique=False)


def downgrade() -> None:
    op.drop_index(op.f("ix_credentials_user_id"), table_name="credentials")
    op.drop_table("credentials")
    op.drop_table("credential_keys")
