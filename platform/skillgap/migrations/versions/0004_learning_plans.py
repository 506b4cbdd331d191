"""learning plans

Revision ID: 0004
Revises: 0003
Create Date: 2026-11-23
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

import skillgap.models.base

revision = '0004'
down_revision = '0003'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('learning_plans',
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('weekly_minutes', sa.Integer(), nullable=False),
    sa.Column('due_date', sa.Date(), nullable=True),
    sa.Column('due_set_by_id', sa.Integer(), nullable=True),
    sa.Column('updated_at', skillgap.models.base.UTCDateTime(), nullable=False),
    sa.ForeignKeyConstraint(['due_set_by_id'], ['users.id'], name=op.f('fk_learning_plans_due_set_by_id_users'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['user_id'], ['users.id'], name=op.f('fk_learning_plans_user_id_users'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('user_id', name=op.f('pk_learning_plans'))
    )
    op.create_table('target_overrides',
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('skill_id', sa.String(length=80), nullable=False),
    sa.Column('level_id', sa.String(length=80), nullable=False),
    sa.Column('set_by_id', sa.Integer(), nullable=True),
    sa.Column('set_at', skillgap.models.base.UTCDateTime(), nullable=False),
    sa.ForeignKeyConstraint(['level_id'], ['levels.id'], name=op.f('fk_target_overrides_level_id_levels')),
    sa.ForeignKeyConstraint(['set_by_id'], ['users.id'], name=op.f('fk_target_overrides_set_by_id_users'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['skill_id'], ['skills.id'], name=op.f('fk_target_overrides_skill_id_skills')),
    sa.ForeignKeyConstraint(['user_id'], ['users.id'], name=op.f('fk_target_overrides_user_id_users'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('user_id', 'skill_id', name=op.f('pk_target_overrides'))
    )


def downgrade() -> None:
    op.drop_table('target_overrides')
    op.drop_table('learning_plans')
