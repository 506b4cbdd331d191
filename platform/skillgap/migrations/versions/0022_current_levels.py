"""current levels, kept

Revision ID: 0022
Revises: 0021
Create Date: 2026-12-03

``current_levels`` holds each person's current level and target per skill
(services/current_levels.py keeps it in step from now on). The rows are
filled here from the history by the same rules, written out in SQL for this
migration alone (a migration must not change when the code does).
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0022"
down_revision = "0021"
branch_labels = None
depends_on = None

FILL = """
INSERT INTO current_levels (user_id, skill_id, level_id, tested_level_id, result_id, percent,
    low_evidence, certainty, self_level_id, target_level_id, target_source,
    level_position, target_position, team_id, active)
SELECT s.user_id, s.skill_id, s.level_id, s.tested_level_id, s.result_id, s.percent,
    s.low_evidence, s.certainty, s.self_level_id, s.target_level_id, s.target_source,
    cur.position, tgt.position, s.team_id, s.active
FROM (
    SELECT users.id AS user_id, skills.id AS skill_id,
        COALESCE(tested.level_id, rated.level_id,
            (SELECT id FROM levels ORDER BY position, id LIMIT 1)) AS level_id,
        tested.level_id AS tested_level_id, tested.id AS result_id, tested.percent AS percent,
        CASE WHEN tested.low_evidence IS NULL THEN FALSE ELSE tested.low_evidence END
            AS low_evidence,
        tested.certainty AS certainty, rated.level_id AS self_level_id,
        COALESCE(override.level_id, role.level_id,
            (SELECT id FROM levels ORDER BY position, id LIMIT 1 OFFSET 1)) AS target_level_id,
        CASE WHEN override.level_id IS NOT NULL THEN 'manager'
             WHEN role.level_id IS NOT NULL THEN 'role' ELSE 'default' END AS target_source,
        users.team_id AS team_id, users.active AS active
    FROM users
    JOIN skills ON 1 = 1
    LEFT OUTER JOIN skill_results AS tested ON tested.user_id = users.id
        AND tested.skill_id = skills.id AND tested.kind = 'diagnostic' AND tested.latest
    LEFT OUTER JOIN skill_results AS rated ON rated.user_id = users.id
        AND rated.skill_id = skills.id AND rated.kind = 'self-assessment' AND rated.latest
    LEFT OUTER JOIN target_overrides AS override ON override.user_id = users.id
        AND override.skill_id = skills.id
    LEFT OUTER JOIN role_targets AS role ON role.role_profile_id = users.role_profile
        AND role.skill_id = skills.id
) AS s
LEFT OUTER JOIN levels AS cur ON cur.id = s.level_id
LEFT OUTER JOIN levels AS tgt ON tgt.id = s.target_level_id
"""


def upgrade() -> None:
    op.create_table(
        "current_levels",
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("skill_id", sa.String(length=80), nullable=False),
        sa.Column("level_id", sa.String(length=80), nullable=True),
        sa.Column("tested_level_id", sa.String(length=80), nullable=True),
        sa.Column("result_id", sa.Integer(), nullable=True),
        sa.Column("percent", sa.Double(), nullable=True),
        sa.Column("low_evidence", sa.Boolean(), nullable=False),
        sa.Column("certainty", sa.Double(), nullable=True),
        sa.Column("self_level_id", sa.String(length=80), nullable=True),
        sa.Column("target_level_id", sa.String(length=80), nullable=True),
        sa.Column("target_source", sa.String(length=10), nullable=False),
        sa.Column("level_position", sa.Integer(), nullable=True),
        sa.Column("target_position", sa.Integer(), nullable=True),
        sa.Column("team_id", sa.Integer(), nullable=True),
        sa.Column("active", sa.Boolean(), nullable=False),
        sa.ForeignKeyConstraint(
            ["user_id"],
            ["users.id"],
            name=op.f("fk_current_levels_user_id_users"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("user_id", "skill_id", name=op.f("pk_current_levels")),
    )
    op.create_index(
        "ix_current_levels_team",
        "current_levels",
        ["team_id", "skill_id", "active", "level_position", "target_position"],
        unique=False,
    )
    op.execute(FILL)


def downgrade() -> None:
    op.drop_index("ix_current_levels_team", table_name="current_levels")
    op.drop_table("current_levels")
