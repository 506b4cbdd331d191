"""people version

Revision ID: 0008
Revises: 0007
Create Date: 2026-11-23

A second number beside the content version: it changes with skill results,
manager targets, teams and people's team, role profile or active flag, so the
organisation view can be computed once per change instead of once per request
(services/data_versions.py).
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = '0008'
down_revision = '0007'
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table('content_version', schema=None) as batch_op:
        batch_op.add_column(
            sa.Column('people_version', sa.BigInteger(), server_default='1', nullable=False)
        )


def downgrade() -> None:
    with op.batch_alter_table('content_version', schema=None) as batch_op:
        batch_op.drop_column('people_version')
