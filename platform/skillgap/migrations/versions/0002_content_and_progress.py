"""content and progress

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-23
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

import skillgap.models.base

revision = '0002'
down_revision = '0001'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('courses',
    sa.Column('id', sa.String(length=80), nullable=False),
    sa.Column('title', sa.String(length=200), nullable=False),
    sa.Column('summary', sa.String(length=300), nullable=False),
    sa.Column('position', sa.Integer(), nullable=False),
    sa.Column('intro_html', sa.Text(), nullable=False),
    sa.Column('source', sa.Text(), nullable=False),
    sa.Column('published', sa.Boolean(), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_courses'))
    )
    op.create_table('framework_source',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('source', sa.Text(), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_framework_source'))
    )
    op.create_table('levels',
    sa.Column('id', sa.String(length=80), nullable=False),
    sa.Column('name', sa.String(length=100), nullable=False),
    sa.Column('min_percent', sa.Double(), nullable=False),
    sa.Column('position', sa.Integer(), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_levels'))
    )
    op.create_table('role_profiles',
    sa.Column('id', sa.String(length=80), nullable=False),
    sa.Column('name', sa.String(length=100), nullable=False),
    sa.Column('position', sa.Integer(), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_role_profiles'))
    )
    op.create_table('skills',
    sa.Column('id', sa.String(length=80), nullable=False),
    sa.Column('name', sa.String(length=100), nullable=False),
    sa.Column('description', sa.Text(), nullable=False),
    sa.Column('position', sa.Integer(), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_skills'))
    )
    op.create_table('modules',
    sa.Column('id', sa.String(length=80), nullable=False),
    sa.Column('course_id', sa.String(length=80), nullable=False),
    sa.Column('position', sa.Integer(), nullable=False),
    sa.Column('file_name', sa.String(length=200), nullable=False),
    sa.Column('title', sa.String(length=200), nullable=False),
    sa.Column('level_id', sa.String(length=80), nullable=False),
    sa.Column('minutes', sa.Integer(), nullable=False),
    sa.Column('check_quiz_id', sa.String(length=80), nullable=True),
    sa.Column('body_html', sa.Text(), nullable=False),
    sa.Column('toc_html', sa.Text(), nullable=False),
    sa.Column('body_text', sa.Text(), nullable=False),
    sa.Column('word_count', sa.Integer(), nullable=False),
    sa.Column('source', sa.Text(), nullable=False),
    sa.Column('published', sa.Boolean(), nullable=False),
    sa.ForeignKeyConstraint(['course_id'], ['courses.id'], name=op.f('fk_modules_course_id_courses')),
    sa.ForeignKeyConstraint(['level_id'], ['levels.id'], name=op.f('fk_modules_level_id_levels')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_modules'))
    )
    with op.batch_alter_table('modules', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_modules_course_id'), ['course_id'], unique=False)

    op.create_table('role_targets',
    sa.Column('role_profile_id', sa.String(length=80), nullable=False),
    sa.Column('skill_id', sa.String(length=80), nullable=False),
    sa.Column('level_id', sa.String(length=80), nullable=False),
    sa.ForeignKeyConstraint(['level_id'], ['levels.id'], name=op.f('fk_role_targets_level_id_levels')),
    sa.ForeignKeyConstraint(['role_profile_id'], ['role_profiles.id'], name=op.f('fk_role_targets_role_profile_id_role_profiles'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['skill_id'], ['skills.id'], name=op.f('fk_role_targets_skill_id_skills')),
    sa.PrimaryKeyConstraint('role_profile_id', 'skill_id', name=op.f('pk_role_targets'))
    )
    op.create_table('self_ratings',
    sa.Column('id', sa.String(length=80), nullable=False),
    sa.Column('label', sa.String(length=100), nullable=False),
    sa.Column('claims_level_id', sa.String(length=80), nullable=False),
    sa.Column('position', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['claims_level_id'], ['levels.id'], name=op.f('fk_self_ratings_claims_level_id_levels')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_self_ratings'))
    )
    op.create_table('module_completions',
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('module_id', sa.String(length=80), nullable=False),
    sa.Column('completed_at', skillgap.models.base.UTCDateTime(), nullable=False),
    sa.ForeignKeyConstraint(['module_id'], ['modules.id'], name=op.f('fk_module_completions_module_id_modules')),
    sa.ForeignKeyConstraint(['user_id'], ['users.id'], name=op.f('fk_module_completions_user_id_users'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('user_id', 'module_id', name=op.f('pk_module_completions'))
    )
    op.create_table('module_prerequisites',
    sa.Column('module_id', sa.String(length=80), nullable=False),
    sa.Column('prerequisite_id', sa.String(length=80), nullable=False),
    sa.ForeignKeyConstraint(['module_id'], ['modules.id'], name=op.f('fk_module_prerequisites_module_id_modules'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['prerequisite_id'], ['modules.id'], name=op.f('fk_module_prerequisites_prerequisite_id_modules'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('module_id', 'prerequisite_id', name=op.f('pk_module_prerequisites'))
    )
    op.create_table('module_skills',
    sa.Column('module_id', sa.String(length=80), nullable=False),
    sa.Column('skill_id', sa.String(length=80), nullable=False),
    sa.Column('position', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['module_id'], ['modules.id'], name=op.f('fk_module_skills_module_id_modules'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['skill_id'], ['skills.id'], name=op.f('fk_module_skills_skill_id_skills')),
    sa.PrimaryKeyConstraint('module_id', 'skill_id', name=op.f('pk_module_skills'))
    )
    if op.get_bind().dialect.name == "sqlite":
        # Full-text search index of published modules, kept by the importer.
        # PostgreSQL searches with to_tsvector at query time instead.
        op.execute(
            "CREATE VIRTUAL TABLE module_search USING fts5("
            "module_id UNINDEXED, title, body, tokenize='porter unicode61')"
        )


def downgrade() -> None:
    if op.get_bind().dialect.name == "sqlite":
        op.execute("DROP TABLE module_search")
    op.drop_table('module_skills')
    op.drop_table('module_prerequisites')
    op.drop_table('module_completions')
    op.drop_table('self_ratings')
    op.drop_table('role_targets')
    with op.batch_alter_table('modules', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_modules_course_id'))

    op.drop_table('modules')
    op.drop_table('skills')
    op.drop_table('role_profiles')
    op.drop_table('levels')
    op.drop_table('framework_source')
    op.drop_table('courses')
