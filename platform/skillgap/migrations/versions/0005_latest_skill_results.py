"""latest skill results

Revision ID: 0005
Revises: 0004
Create Date: 2026-11-23

Marks the newest result per person, skill and kind, so the team matrix and the
organisation view join on an index instead of ranking the whole history.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = '0005'
down_revision = '0004'
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table('skill_results', schema=None) as batch_op:
        batch_op.add_column(
            sa.Column('latest', sa.Boolean(), nullable=False, server_default=sa.false())
        )
        batch_op.create_index(
            'ix_skill_results_latest', ['user_id', 'skill_id', 'kind', 'latest'], unique=False
        )
    # Existing rows: the newest per (user, skill, kind) is the latest.
    op.execute(
        "UPDATE skill_results SET latest = TRUE WHERE NOT EXISTS ("
        " SELECT 1 FROM skill_results AS newer"
        " WHERE newer.user_id = skill_results.user_id"
        " AND newer.skill_id = skill_results.skill_id"
        " AND newer.kind = skill_results.kind"
        " AND (newer.created_at > skill_results.created_at"
        "  OR (newer.created_at = skill_results.created_at AND newer.id > skill_results.id)))"
    )


def downgrade() -> None:
    with op.batch_alter_table('skill_results', schema=None) as batch_op:
        batch_op.drop_index('ix_skill_results_latest')
        batch_op.drop_column('latest')
