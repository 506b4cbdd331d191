"""content version

Revision ID: 0007
Revises: 0006
Create Date: 2026-11-23

One row whose ``version`` changes in the same transaction as any change to
published content (see services/content_cache.py). Each app process keeps the
curriculum in memory and reloads it only when this value differs, so a page
does not re-read modules, skills and levels on every request.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = '0007'
down_revision = '0006'
branch_labels = None
depends_on = None


def upgrade() -> None:
    table = op.create_table(
        'content_version',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('version', sa.BigInteger(), nullable=False),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_content_version')),
    )
    op.bulk_insert(table, [{'id': 1, 'version': 1}])


def downgrade() -> None:
    op.drop_table('content_version')
